"""Endpoints as Docker containers of the serving image, published on 127.0.0.1 only.

The container gets the model copy and server.py read-only, a read-only root file system with a
small /tmp, no capabilities, the host user; its labels (name, data dir, source, run) are how any
later process finds it. The serving image is a runtime image (images.py) of the base image with
the serving packages installed offline from host-downloaded wheels.
"""

from __future__ import annotations

import hashlib
import os
import time
from typing import Any, Callable

from workbench.errors import RunError
from workbench.runs import images, paths
from workbench.runs.image_aliases import ENVIRONMENT_VARIABLE, parse_aliases
from workbench.serving import endpoints
from workbench.serving.endpoints import CONTAINER_PORT, Endpoint
from workbench.serving.model_folder import ModelFolder, snapshot

DEFAULT_BASE_IMAGE = "python:3.11-slim"
# Pinned alike in the example trainer (resources/components/training/train_model.py), so a model is
# served by the library version that trained it; versions Vertex AI has prebuilt containers for.
SERVING_PACKAGES = ("scikit-learn==1.6.1", "xgboost-cpu==2.1.4", "uvicorn==0.55.0", "starlette==1.10.0",
                    "httptools==0.9.0", "uvloop==0.23.0")  # uvicorn's fast HTTP parser and event loop
LABEL = "workbench.endpoint"
HOME_LABEL = "workbench.endpoint.home"
SOURCE_LABEL = "workbench.endpoint.source"
RUN_LABEL = "workbench.endpoint.run"
FRAMEWORK_LABEL = "workbench.endpoint.framework"
STARTED_LABEL = "workbench.endpoint.started"
PIPELINE_LABEL = "workbench.endpoint.pipeline"
MEMORY_LIMIT = "2g"
LOG_TAIL = 20


def container_name(name: str) -> str:
    """Unique per endpoint name and data dir (endpoints of other data dirs are not listed here)."""
    home = hashlib.sha256(str(paths.data_dir()).encode()).hexdigest()[:8]
    return f"workbench-endpoint-{name}-{home}"


def serving_image(client: Any, base_image: str, progress: Callable[[str], None]) -> str:
    base = parse_aliases(os.environ.get(ENVIRONMENT_VARIABLE, "")).get(base_image, base_image)
    return images.prepare_runtime(client, base, SERVING_PACKAGES, progress)


class DockerEndpoints:
    backend = "docker"

    def __init__(self, client: Any):
        self.client = client

    def _containers(self, name: str | None = None) -> list[Any]:
        labels = [f"{HOME_LABEL}={paths.data_dir()}"] + ([f"{LABEL}={name}"] if name else [])
        return self.client.containers.list(all=True, filters={"label": labels})

    def list(self) -> list[Endpoint]:
        return [_endpoint(container) for container in self._containers()]

    def find(self, name: str) -> Any | None:
        found = self._containers(name)
        return found[0] if found else None

    def start(self, model: ModelFolder, name: str, port: int | None, base_image: str,
              progress: Callable[[str], None]) -> Endpoint:
        import docker

        if port:
            endpoints.check_port_free(port)
        image = serving_image(self.client, base_image, progress)
        folder = endpoints.fresh_endpoint_dir(name)
        model_copy = snapshot(model, folder / "model")
        try:
            container = self.client.containers.run(
                image, detach=True, name=container_name(name),
                entrypoint=["python3", "/workbench/server.py", "/model"],
                environment={"AIP_HTTP_PORT": str(CONTAINER_PORT), "AIP_HEALTH_ROUTE": endpoints.HEALTH_ROUTE,
                             "AIP_PREDICT_ROUTE": endpoints.PREDICT_ROUTE, "AIP_STORAGE_URI": "/model",
                             "HOME": "/tmp", "PYTHONDONTWRITEBYTECODE": "1"},
                volumes={str(model_copy): {"bind": "/model", "mode": "ro"},
                         str(folder / "server.py"): {"bind": "/workbench/server.py", "mode": "ro"}},
                ports={f"{CONTAINER_PORT}/tcp": ("127.0.0.1", port)},
                labels={LABEL: name, HOME_LABEL: str(paths.data_dir()), SOURCE_LABEL: model.source,
                        RUN_LABEL: model.run_id, FRAMEWORK_LABEL: model.framework,
                        STARTED_LABEL: f"{time.time():.3f}", PIPELINE_LABEL: model.pipeline},
                user=_host_user(), read_only=True, tmpfs={"/tmp": "size=64m"}, cap_drop=["ALL"],
                security_opt=["no-new-privileges"], mem_limit=MEMORY_LIMIT, network_mode="bridge")
        except docker.errors.APIError as exc:
            raise RunError(_start_refused(exc, name, port)) from None
        endpoint = _endpoint(_reloaded(container))
        try:
            endpoints.wait_healthy(endpoint.url, lambda: _exited(container), f"endpoint {name}")
        except RunError:
            self._remove(container)
            raise
        return endpoint

    def logs(self, name: str) -> str:
        return self._get(name).logs().decode(errors="replace")

    def stop(self, name: str) -> None:
        self._remove(self._get(name))

    def _get(self, name: str) -> Any:
        container = self.find(name)
        if container is None:
            raise endpoints.no_such_endpoint(name)
        return container

    @staticmethod
    def _remove(container: Any) -> None:
        import docker

        try:
            container.remove(force=True)
        except docker.errors.NotFound:
            pass


def _host_user() -> str | None:
    from workbench.runs.docker_backend import host_user

    return host_user()


def _reloaded(container: Any) -> Any:
    container.reload()
    return container


def _exited(container: Any) -> str | None:
    import docker

    try:
        container.reload()
    except docker.errors.NotFound:
        return "its container was removed"
    if container.status in ("created", "running"):
        return None
    tail = container.logs(tail=LOG_TAIL).decode(errors="replace").strip()
    return f"the server exited ({container.status}): {tail[-1500:]}"


def _start_refused(exc: Exception, name: str, port: int | None) -> str:
    text = str(getattr(exc, "explanation", None) or exc)
    if "port is already allocated" in text or "address already in use" in text:
        return f"port {port} on 127.0.0.1 is in use; choose another --port or leave it out"
    if "Conflict" in text or "is already in use by container" in text:
        return f"a container named {container_name(name)} already exists; `docker rm -f {container_name(name)}`"
    return f"Docker refused to start endpoint {name}: {text}"


def _endpoint(container: Any) -> Endpoint:
    labels = container.labels or {}
    bindings = (container.attrs.get("NetworkSettings", {}).get("Ports") or {}).get(f"{CONTAINER_PORT}/tcp") or []
    host_port = next((b.get("HostPort") for b in bindings if b.get("HostIp") in ("127.0.0.1", "")), "")
    return Endpoint(name=labels.get(LABEL, ""), backend="docker", state=container.status,
                    url=f"http://127.0.0.1:{host_port}" if host_port else "",
                    framework=labels.get(FRAMEWORK_LABEL, ""), source=labels.get(SOURCE_LABEL, ""),
                    run_id=labels.get(RUN_LABEL, ""), started=float(labels.get(STARTED_LABEL) or 0),
                    pipeline=labels.get(PIPELINE_LABEL, ""))
