"""One entry point over both kinds of endpoint: start on the chosen backend, find, log and stop by name.

Names are unique across both kinds. Listing asks Docker only when an engine answers, so the
commands work on a machine without Docker.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable

from workbench.errors import RunError
from workbench.serving import endpoints
from workbench.serving.docker_endpoints import DEFAULT_BASE_IMAGE, DockerEndpoints
from workbench.serving.endpoints import Endpoint
from workbench.serving.model_folder import ModelFolder
from workbench.serving.process_endpoints import SERVING_PYTHON_VARIABLE, ProcessEndpoints, serving_python

BACKENDS = ("docker", "subprocess")


def default_endpoint_name(model: ModelFolder) -> str:
    """The pipeline's name and the end of the run id for a run's model, else the folder's name."""
    if model.run_id:
        return endpoints.default_name(f"{model.card.get('name') or 'model'}-{model.run_id[-6:]}")
    return endpoints.default_name(model.path.resolve().name)


class EndpointManager:
    def __init__(self, docker_client: Any = None, progress: Callable[[str], None] = lambda message: None):
        self._client = docker_client
        self._docker_checked = docker_client is not None
        self.progress = progress
        self.processes = ProcessEndpoints()

    def _docker(self, required: bool) -> DockerEndpoints | None:
        if not self._docker_checked:
            self._docker_checked = True
            from workbench.runs.docker_backend import DockerBackend

            backend = DockerBackend()
            try:
                backend.check()
                self._client = backend.client
            except RunError:
                if required:
                    raise
        if self._client is None:
            if required:
                raise RunError("Docker engine not reachable: start Docker or use --backend subprocess")
            return None
        return DockerEndpoints(self._client)

    def list(self) -> list[Endpoint]:
        docker = self._docker(required=False)
        found = (docker.list() if docker else []) + self.processes.list()
        return sorted(found, key=lambda endpoint: endpoint.name)

    def get(self, name: str) -> Endpoint:
        endpoints.check_name(name)
        match = next((endpoint for endpoint in self.list() if endpoint.name == name), None)
        if match is None:
            raise endpoints.no_such_endpoint(name)
        return match

    def start(self, model: ModelFolder, name: str, *, port: int | None = None, backend: str | None = None,
              base_image: str = DEFAULT_BASE_IMAGE) -> Endpoint:
        """Serve `model` as `name`. The name must be free, except that a pipeline's Serve step
        (`model.pipeline` set) replaces the endpoint an earlier run of the same pipeline's Serve step
        started under that name; never one a user started, even from a run."""
        endpoints.check_name(name)
        if backend not in (None, *BACKENDS):
            raise RunError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
        with endpoints.name_lock(name):
            existing = next((endpoint for endpoint in self.list() if endpoint.name == name), None)
            if existing is not None:
                if not (model.pipeline and existing.pipeline == model.pipeline):
                    raise RunError(f"endpoint name {name!r} is taken ({existing.state}, {existing.url or 'no URL'}, "
                                   f"serving {existing.source}); stop it with `workbench endpoints stop {name}` "
                                   "or choose another --name")
                self.progress(f"replacing endpoint {name} (from run {existing.run_id})")
                self.stop(name)
            docker = self._docker(required=backend == "docker") if backend != "subprocess" else None
            if docker is not None:
                return docker.start(model, name, port, base_image, self.progress)
            return self.processes.start(model, name, port, self._python(), self.progress)

    def _python(self) -> Path:
        configured = os.environ.get(SERVING_PYTHON_VARIABLE)
        if configured:
            return Path(configured)
        return serving_python(self.progress)

    def sample(self, name: str) -> dict:
        """A valid request body for the endpoint, from its model card (what "Try it" starts from)."""
        from workbench.serving.model_folder import example_request, inspect_folder

        self.get(name)
        return example_request(inspect_folder(endpoints.endpoint_dir(name) / "model").card)

    def logs(self, name: str) -> str:
        endpoint = self.get(name)
        if endpoint.backend == "docker":
            return self._docker(required=True).logs(name)
        return self.processes.logs(name)

    def stop(self, name: str) -> Endpoint:
        endpoint = self.get(name)
        if endpoint.backend == "docker":
            self._docker(required=True).stop(name)
        else:
            self.processes.stop(name)
        shutil.rmtree(endpoints.endpoint_dir(name), ignore_errors=True)
        return endpoint
