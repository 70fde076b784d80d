"""Vertex AI Pipelines: submit the compiled IR as a PipelineJob, read its state, cancel it.

google-cloud-aiplatform is imported inside the methods (it takes ~4 s). Submitting goes through
`aiplatform.PipelineJob` (it builds the runtime config and checks the pipeline-root bucket), which
reads the library's global `aiplatform.init` config, so submits hold one lock and always pass every
value explicitly. Reading and cancelling use the REST PipelineService client directly, one per
target, with a timeout on every call. Vertex AI rejects the Kubernetes platform-spec document that
kfp appends to the IR, so it is dropped before submitting, and the submission says so.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterator

import yaml

from workbench.errors import RunError
from workbench.runs.remote.client import Submission
from workbench.runs.remote.google_auth import default_credentials, explain_refresh_error
from workbench.runs.remote.states import vertex_job_state, vertex_task_state
from workbench.runs.remote.status import RemoteArtifact, RemoteStatus, RemoteTask
from workbench.settings import VertexTarget

SUBMIT_TIMEOUT_S = 120.0
REQUEST_TIMEOUT_S = 30.0
RUN_LABEL = "workbench-run"
CONSOLE = "https://console.cloud.google.com/vertex-ai/locations/{region}/pipelines/runs/{job}?project={project}"
_INIT_LOCK = threading.Lock()


def pipeline_spec_only(ir_text: str) -> tuple[dict[str, Any], bool]:
    """The PipelineSpec document, and whether a platform-spec document followed it (dropped)."""
    documents = [doc for doc in yaml.safe_load_all(ir_text) if doc is not None]
    if not documents or not isinstance(documents[0], dict) or "root" not in documents[0]:
        raise RunError("not a compiled KFP pipeline (no 'root' DAG)")
    return documents[0], len(documents) > 1


def job_id_for(pipeline_name: str, run_id: str) -> str:
    """A valid, unique Vertex job id (`[a-z][-a-z0-9]{0,127}`) that names our run."""
    stem = re.sub("[^-0-9a-z]+", "-", pipeline_name.lower()).strip("-") or "pipeline"
    stem = stem if stem[0].isalpha() else f"p-{stem}"
    return f"{stem[:100].rstrip('-')}-{run_id.lower()[:24]}"


def _aiplatform_logs_to_stderr() -> None:
    """aiplatform logs its progress on stdout; stdout is for our results, so move it to stderr."""
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if name.startswith("google.cloud.aiplatform") and isinstance(logger, logging.Logger):
            for handler in logger.handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
                    handler.setStream(sys.stderr)


def status_from_job(job: dict[str, Any]) -> RemoteStatus:
    """A RemoteStatus from a PipelineJob in its REST JSON form (camelCase, enum names)."""
    tasks = tuple(_task(detail) for detail in job.get("jobDetail", {}).get("taskDetails", []))
    return RemoteStatus(vertex_job_state(job.get("state", "")), job.get("error", {}).get("message", ""), tasks)


def _task(detail: dict[str, Any]) -> RemoteTask:
    artifacts = tuple(
        RemoteArtifact(name, item.get("schemaTitle", "system.Artifact"), item.get("uri", ""),
                       dict(item.get("metadata") or {}))
        for name, listing in (detail.get("outputs") or {}).items() for item in listing.get("artifacts", []))
    state = vertex_task_state(detail.get("state", ""), detail.get("execution", {}).get("state", ""))
    return RemoteTask(str(detail.get("taskId", "")), str(detail.get("parentTaskId", "")),
                      detail.get("taskName", ""), state, detail.get("error", {}).get("message", ""), artifacts)


class VertexClient:
    kind = "vertex"

    def __init__(self, target: VertexTarget, credentials: Any = None):
        self.target = target
        self._credentials = credentials
        self._service: Any = None

    def _creds(self) -> Any:
        if self._credentials is None:
            self._credentials = default_credentials()
        return self._credentials

    def _endpoint(self) -> str:
        return self.target.api_endpoint or f"{self.target.region}-aiplatform.googleapis.com"

    def submit(self, ir_text: str, arguments: dict[str, Any], run_id: str) -> Submission:
        problems = self.target.problems()
        if problems:
            raise RunError("; ".join(problems), element=f"target {self.target.name}")
        spec, dropped = pipeline_spec_only(ir_text)
        notes = ("dropped the Kubernetes platform-spec document (Vertex AI does not accept it)",) if dropped else ()
        name = spec.get("pipelineInfo", {}).get("name", "pipeline")
        credentials = self._creds()
        from google.cloud import aiplatform

        _aiplatform_logs_to_stderr()
        with tempfile.TemporaryDirectory(prefix="workbench-vertex-") as tmp, _INIT_LOCK, self._errors("submit"):
            template = Path(tmp) / "pipeline.json"
            template.write_text(json.dumps(spec), encoding="utf-8")
            aiplatform.init(project=self.target.project, location=self.target.region, credentials=credentials,
                            api_endpoint=self._endpoint(), api_transport="rest")
            job = aiplatform.PipelineJob(
                display_name=name, template_path=str(template), job_id=job_id_for(name, run_id),
                pipeline_root=self.target.pipeline_root or None, parameter_values=arguments,
                labels={**self.target.labels, RUN_LABEL: run_id.lower()[:63]},
                enable_caching=self.target.enable_caching, project=self.target.project,
                location=self.target.region, credentials=credentials)
            job.submit(service_account=self.target.service_account or None, network=self.target.network or None,
                       experiment=self.target.experiment or None, create_request_timeout=SUBMIT_TIMEOUT_S)
            remote_id = job.resource_name
        return Submission(remote_id, self.console_url(remote_id), notes)

    def _client(self) -> Any:
        if self._service is None:
            from google.api_core.client_options import ClientOptions
            from google.cloud.aiplatform_v1.services.pipeline_service import PipelineServiceClient

            self._service = PipelineServiceClient(credentials=self._creds(), transport="rest",
                                                  client_options=ClientOptions(api_endpoint=self._endpoint()))
        return self._service

    def status(self, remote_id: str) -> RemoteStatus:
        with self._errors("read"):
            job = self._client().get_pipeline_job(name=remote_id, timeout=REQUEST_TIMEOUT_S)
        return status_from_job(type(job).to_dict(job, use_integers_for_enums=False,
                                                 preserving_proto_field_name=False))

    def cancel(self, remote_id: str) -> None:
        with self._errors("cancel"):
            self._client().cancel_pipeline_job(name=remote_id, timeout=REQUEST_TIMEOUT_S)

    def console_url(self, remote_id: str) -> str:
        return CONSOLE.format(region=self.target.region, job=remote_id.rsplit("/", 1)[-1],
                              project=self.target.project)

    def is_transient(self, error: BaseException) -> bool:
        from google.api_core import exceptions as api
        from google.auth.exceptions import TransportError
        from requests.exceptions import ConnectionError, Timeout

        transient = (api.ServiceUnavailable, api.InternalServerError, api.TooManyRequests, api.DeadlineExceeded,
                     api.BadGateway, api.GatewayTimeout, TransportError, ConnectionError, Timeout)
        return isinstance(error, transient) or isinstance(error.__cause__, transient)

    @contextlib.contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """What the Vertex AI client raises, as a RunError naming the endpoint (the original kept as
        __cause__, so a follower can tell whether to retry)."""
        from google.api_core.exceptions import GoogleAPICallError

        try:
            yield
        except (RunError, KeyboardInterrupt):
            raise
        except Exception as exc:
            refused = explain_refresh_error(exc)
            if refused is not None:
                raise refused from exc
            if isinstance(exc, GoogleAPICallError):
                raise RunError(f"Vertex AI could not {action} the pipeline job: {exc.message}",
                               element=self._endpoint()) from exc
            if isinstance(exc, ValueError) or self.is_transient(exc):
                raise RunError(f"could not {action} the pipeline job on Vertex AI: {exc}",
                               element=self._endpoint()) from exc
            raise
