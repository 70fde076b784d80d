"""Deploying a model folder to Vertex AI: upload it to GCS, register it, deploy it to a new endpoint.

The model goes up as it is served locally (model file and card, copied first so a run's folder is
read without following links) to the gs:// folder given; `Model.upload` registers it with Vertex
AI's prebuilt prediction container for its framework and version (the one the local endpoint
imitates), and `Model.deploy` puts it on a new Endpoint. google-cloud-aiplatform is imported here
only (it takes seconds), with REST transport so that any API endpoint, e.g. a local fake, works.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from workbench.errors import RunError
from workbench.serving.model_folder import ModelFolder, snapshot

DEPLOY_TIMEOUT_S = 1800.0


@dataclass(frozen=True)
class Deployment:
    model: str  # resource name of the uploaded model
    endpoint: str  # resource name of the endpoint
    container_image: str
    artifact_uri: str


def prebuilt_container(model: ModelFolder, region: str) -> str:
    """Vertex AI's prebuilt prediction container for the model's framework and version."""
    from google.cloud.aiplatform import helpers

    version = str(model.card.get("framework_version") or "")
    major_minor = ".".join(version.split(".")[:2])
    if not major_minor:
        raise RunError("the model card names no framework_version, which picks Vertex AI's prediction container",
                       path=str(model.path))
    try:
        return helpers.get_prebuilt_prediction_container_uri(model.framework, major_minor, region)
    except ValueError as exc:
        raise RunError(f"Vertex AI has no prebuilt {model.framework} {major_minor} prediction container ({exc}); "
                       "train with a version it supports", path=str(model.path)) from None


def split_gcs_uri(uri: str) -> tuple[str, str]:
    if not uri.startswith("gs://") or len(uri) <= 5 or uri[5] == "/":
        raise RunError(f"--artifact-uri {uri!r} is not a gs://BUCKET/FOLDER URI")
    bucket, _, prefix = uri[5:].partition("/")
    return bucket, prefix.strip("/")


class VertexDeployment:
    def __init__(self, project: str | None, region: str | None, api_endpoint: str | None = None,
                 credentials: Any = None):
        missing = [flag for flag, value in (("--project", project), ("--region", region)) if not value]
        if missing:
            raise RunError(f"deploying to Vertex AI needs {' and '.join(missing)}")
        self.project, self.region = project, region
        self.api_endpoint = api_endpoint or f"{region}-aiplatform.googleapis.com"
        self._credentials = credentials

    def _creds(self) -> Any:
        if self._credentials is None:
            from workbench.runs.remote.google_auth import default_credentials

            self._credentials = default_credentials()
        return self._credentials

    def deploy(self, model: ModelFolder, name: str, artifact_uri: str, *, machine_type: str = "n1-standard-2",
               progress: Callable[[str], None] = lambda message: None) -> Deployment:
        bucket, prefix = split_gcs_uri(artifact_uri)
        image = prebuilt_container(model, self.region)
        credentials = self._creds()
        from google.api_core.exceptions import GoogleAPICallError
        from google.auth.exceptions import GoogleAuthError
        from google.cloud import aiplatform

        from workbench.runs.remote.vertex import _aiplatform_logs_to_stderr

        _aiplatform_logs_to_stderr()
        try:
            uri = self._upload(model, bucket, prefix, credentials, progress)
            progress(f"registering the model with {image} ...")
            aiplatform.init(project=self.project, location=self.region, credentials=credentials,
                            api_endpoint=self.api_endpoint, api_transport="rest")
            uploaded = aiplatform.Model.upload(display_name=name, artifact_uri=uri, serving_container_image_uri=image,
                                               project=self.project, location=self.region, credentials=credentials,
                                               upload_request_timeout=DEPLOY_TIMEOUT_S, sync=True)
            progress(f"creating endpoint {name} and deploying the model ({machine_type}) ...")
            endpoint = aiplatform.Endpoint.create(display_name=name, project=self.project, location=self.region,
                                                  credentials=credentials, sync=True)
            uploaded.deploy(endpoint=endpoint, machine_type=machine_type, min_replica_count=1, max_replica_count=1,
                            deployed_model_display_name=name, sync=True)
        except GoogleAPICallError as exc:
            raise RunError(f"Vertex AI refused the deployment: {exc.message}", element=self.api_endpoint) from None
        except GoogleAuthError as exc:
            raise RunError(f"Google Cloud refused the credentials ({exc})", element=self.api_endpoint) from None
        return Deployment(uploaded.resource_name, endpoint.resource_name, image, uri)

    def _upload(self, model: ModelFolder, bucket: str, prefix: str, credentials: Any,
                progress: Callable[[str], None]) -> str:
        from google.cloud import storage

        client = storage.Client(project=self.project, credentials=credentials)
        with tempfile.TemporaryDirectory(prefix="workbench-deploy-") as tmp:
            files = snapshot(model, Path(tmp) / "model")
            for path in sorted(files.iterdir()):
                key = f"{prefix}/{path.name}" if prefix else path.name
                progress(f"uploading {path.name} to gs://{bucket}/{key}")
                client.bucket(bucket).blob(key).upload_from_filename(str(path), timeout=DEPLOY_TIMEOUT_S)
        return f"gs://{bucket}/{prefix}" if prefix else f"gs://{bucket}"
