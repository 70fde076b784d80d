"""A Kubeflow Pipelines cluster (v2beta1 API) through `kfp.Client`: submit, read state, terminate.

The cluster runs the compiled YAML as it is, platform-spec document included. kfp prints links on
stdout and warns on every client it builds; both are kept out of our output. Run details carry
task states but not artifact metadata, so final metrics are not read from a KFP cluster.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import warnings
from pathlib import Path
from typing import Any, Iterator

from workbench.errors import RunError
from workbench.runs.remote.client import Submission
from workbench.runs.remote.secrets import TOKEN_ENV, load_secret
from workbench.runs.remote.states import kfp_state
from workbench.runs.remote.status import RemoteStatus, RemoteTask
from workbench.settings import KfpTarget

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 60.0
TRANSIENT_HTTP = (429, 500, 502, 503, 504)


def status_from_run(run: dict[str, Any]) -> RemoteStatus:
    """A RemoteStatus from a V2beta1Run as a dict (snake_case, as `to_dict()` gives it)."""
    details = (run.get("run_details") or {}).get("task_details") or []
    tasks = tuple(RemoteTask(str(task.get("task_id") or ""), str(task.get("parent_task_id") or ""),
                             task.get("display_name") or "", kfp_state(task.get("state")),
                             (task.get("error") or {}).get("message") or "")
                  for task in details)
    return RemoteStatus(kfp_state(run.get("state")), (run.get("error") or {}).get("message") or "", tasks)


class KfpClient:
    kind = "kfp"

    def __init__(self, target: KfpTarget, secret: str | None = None):
        self.target = target
        self._secret = secret
        self._kfp: Any = None

    def connect(self) -> Any:
        """The configured `kfp.Client` (built once; building it may call the cluster's healthz)."""
        if self._kfp is not None:
            return self._kfp
        problems = self.target.problems()
        if problems:
            raise RunError("; ".join(problems), element=f"target {self.target.name}")
        kwargs: dict[str, Any] = {"host": self.target.host}
        if self.target.namespace:
            kwargs["namespace"] = self.target.namespace
        if self.target.auth != "none":
            secret = self._secret or load_secret(self.target.name)
            if not secret:
                raise RunError(f"no {self.target.auth} saved for this target: `workbench targets add "
                               f"{self.target.name} --kind kfp ... --token-env VAR` saves one, or set {TOKEN_ENV}",
                               element=f"target {self.target.name}")
            kwargs["existing_token" if self.target.auth == "token" else "cookies"] = secret
        with self.translate_errors("connect to"), warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            import kfp

            client = kfp.Client(**kwargs)
        # kfp's REST client waits forever by default; every call gets a bounded wait instead.
        import urllib3

        pool = client._run_api.api_client.rest_client.pool_manager
        pool.connection_pool_kw["timeout"] = urllib3.Timeout(connect=CONNECT_TIMEOUT_S, read=READ_TIMEOUT_S)
        self._kfp = client
        return client

    def submit(self, ir_text: str, arguments: dict[str, Any], run_id: str) -> Submission:
        client = self.connect()
        import yaml

        name = (next(yaml.safe_load_all(ir_text), None) or {}).get("pipelineInfo", {}).get("name", "pipeline")
        with tempfile.TemporaryDirectory(prefix="workbench-kfp-") as tmp, self.translate_errors("submit the run to"), \
                contextlib.redirect_stdout(io.StringIO()):
            package = Path(tmp) / "pipeline.yaml"
            package.write_text(ir_text, encoding="utf-8")
            result = client.create_run_from_pipeline_package(
                str(package), arguments=arguments, run_name=f"{name} {run_id}",
                experiment_name=self.target.experiment or None, namespace=self.target.namespace or None,
                pipeline_root=self.target.pipeline_root or None, enable_caching=self.target.enable_caching,
                service_account=self.target.service_account or None)
        return Submission(result.run_id, self.console_url(result.run_id))

    def status(self, remote_id: str) -> RemoteStatus:
        client = self.connect()
        with self.translate_errors("read the run from"):
            run = client.runs.run_service_get_run(run_id=remote_id, _request_timeout=READ_TIMEOUT_S)
        return status_from_run(run.to_dict())

    def cancel(self, remote_id: str) -> None:
        client = self.connect()
        with self.translate_errors("terminate the run on"):
            client.runs.run_service_terminate_run(run_id=remote_id, _request_timeout=READ_TIMEOUT_S)

    def console_url(self, remote_id: str) -> str:
        return f"{self.target.host.rstrip('/')}/#/runs/details/{remote_id}"

    def is_transient(self, error: BaseException) -> bool:
        import urllib3
        from kfp_server_api.exceptions import ApiException

        for candidate in (error, error.__cause__):
            if isinstance(candidate, ApiException) and candidate.status in TRANSIENT_HTTP:
                return True
            if isinstance(candidate, (urllib3.exceptions.HTTPError, ConnectionError)):
                return True
        return False

    @contextlib.contextmanager
    def translate_errors(self, action: str) -> Iterator[None]:
        """What kfp raises, as a RunError naming the host (the original kept as __cause__)."""
        from kfp_server_api.exceptions import ApiException

        try:
            yield
        except ApiException as exc:
            reason = (exc.body or exc.reason or "").strip() if isinstance(exc.body, (str, type(None))) else exc.reason
            raise RunError(f"could not {action} the cluster: HTTP {exc.status} {reason}",
                           element=self.target.host) from exc
        except (OSError, ValueError) as exc:
            raise RunError(f"could not {action} the cluster: {exc}", element=self.target.host) from exc
        except Exception as exc:
            if not self.is_transient(exc):
                raise
            raise RunError(f"could not {action} the cluster: {exc}", element=self.target.host) from exc
