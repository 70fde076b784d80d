"""Publish a compiled pipeline as a reusable template: to an Artifact Registry KFP repository
(`kfp.registry.RegistryClient`, with tags) or to a Kubeflow Pipelines cluster as a pipeline /
pipeline version. Vertex AI runs templates straight from Artifact Registry.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import yaml

from workbench.errors import RunError
from workbench.runs.remote.google_auth import default_credentials, explain_refresh_error
from workbench.runs.remote.kfp_cluster import KfpClient


def _pipeline_name(ir_text: str) -> str:
    spec = next(yaml.safe_load_all(ir_text), None) or {}
    return spec.get("pipelineInfo", {}).get("name", "pipeline")


@contextlib.contextmanager
def _package(ir_text: str) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="workbench-publish-") as tmp:
        path = Path(tmp) / "pipeline.yaml"
        path.write_text(ir_text, encoding="utf-8")
        yield str(path)


def publish_to_registry(ir_text: str, host: str, tags: list[str], credentials: Any = None) -> str:
    """Upload to `host` (https://REGION-kfp.pkg.dev/PROJECT/REPO); return the template's URI."""
    import requests
    from google.auth.transport.requests import Request
    from kfp.registry import RegistryClient

    credentials = credentials or default_credentials()
    try:
        if not credentials.valid:
            credentials.refresh(Request())
        client = RegistryClient(host=host, auth=credentials)
        with _package(ir_text) as package:
            package_name, version = client.upload_pipeline(package, tags=tags or None)
    except requests.RequestException as exc:
        raise RunError(f"the registry refused the upload: {exc}", element=host) from exc
    except Exception as exc:
        refused = explain_refresh_error(exc)
        if refused is None:
            raise
        raise refused from exc
    return f"{host.rstrip('/')}/{package_name}/{version}"


def publish_to_cluster(ir_text: str, client: KfpClient, version: str | None = None) -> str:
    """Upload as a new pipeline, or as a new version when one of that name exists; return its UI page."""
    kfp_client = client.connect()
    name = _pipeline_name(ir_text)
    with _package(ir_text) as package, client.translate_errors("publish the pipeline to"), \
            contextlib.redirect_stdout(io.StringIO()):
        pipeline_id = kfp_client.get_pipeline_id(name)
        if pipeline_id is None:
            pipeline = kfp_client.upload_pipeline(package, pipeline_name=name)
            pipeline_id = pipeline.pipeline_id
            versions = kfp_client.list_pipeline_versions(pipeline_id).pipeline_versions or []
            version_id = versions[0].pipeline_version_id if versions else ""
        else:
            version_name = version or f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
            version_id = kfp_client.upload_pipeline_version(package, version_name,
                                                            pipeline_id=pipeline_id).pipeline_version_id
    host = client.target.host.rstrip("/")
    return f"{host}/#/pipelines/details/{pipeline_id}/version/{version_id}"
