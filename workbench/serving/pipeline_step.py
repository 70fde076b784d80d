"""The host side of a pipeline's Serve step: start the endpoint a succeeded task asked for (or stop
the one this run started, from a Stop Endpoint step, e.g. an exit handler).

A task container cannot start a long-lived endpoint itself, so the Serve component only leaves a
request in an output artifact's metadata (`workbench.serve`: which of its input artifacts to
serve, a name, a port) and the engine calls `fulfil` once the task has succeeded. The request is
pipeline data and trusted for nothing else: it names an input artifact the engine itself resolved
(never a path), that model is read inside the run's workspace without following links and copied,
and what starts is the serving image (or process) on 127.0.0.1. The endpoint's name and URL are
written back into the artifact's metadata, so they are in the run's outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from workbench.errors import RunError
from workbench.serving.endpoints import check_name, default_name

SERVE_KEY = "workbench.serve"
STOP_KEY = "workbench.stop_endpoint"


def serve_requests(artifacts: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The output artifacts (as executor output items) that carry a serve or stop request."""
    return [item for items in artifacts.values() for item in items
            if isinstance(item.get("metadata"), dict) and {SERVE_KEY, STOP_KEY} & set(item["metadata"])]


def fulfil(request_items: list[dict[str, Any]], inputs: dict[str, list[dict[str, Any]]], *, run_id: str,
           pipeline_name: str, workspace: Path, backend: str, image: str, log: Callable[[str], None]) -> str | None:
    """Start each requested endpoint; None when all are up, else the message the task fails with."""
    from workbench.serving.manager import EndpointManager
    from workbench.serving.model_folder import inspect_folder

    manager = EndpointManager(progress=log)
    for item in request_items:
        if STOP_KEY in item["metadata"]:
            problem = _stop(manager, item["metadata"][STOP_KEY], run_id, pipeline_name, log)
            if problem:
                return problem
            continue
        try:
            input_name, name, port = _request(item["metadata"][SERVE_KEY], inputs, pipeline_name)
            uri = str(inputs[input_name][0].get("uri", "")).removeprefix("file://")
            model = inspect_folder(Path(uri), workspace, run_id=run_id, task_id=input_name,
                                   pipeline=pipeline_name or "pipeline")
            endpoint = manager.start(model, name, port=port or None,
                                     backend="docker" if backend == "docker" else "subprocess", base_image=image)
        except RunError as exc:
            return f"could not serve the model: {exc}"
        item["metadata"] = {**item["metadata"], "endpoint": endpoint.name, "url": endpoint.url,
                            "predict_url": endpoint.predict_url}
        log(f"workbench: endpoint {endpoint.name} serves {model.framework} model {model.model_file} at "
            f"{endpoint.predict_url} (stop it with `workbench endpoints stop {endpoint.name}`)")
    return None


def _stop(manager: Any, request: Any, run_id: str, pipeline_name: str, log: Callable[[str], None]) -> str | None:
    """Stop the endpoint this same run's Serve step started under that name; never one of another run
    or a user's (even one a user served from this run)."""
    name = request.get("name") if isinstance(request, dict) else None
    try:
        name = check_name(name or default_name(pipeline_name)) if isinstance(name, (str, type(None))) else None
        if name is None:
            raise RunError(f"the {STOP_KEY} request's name is not a string")
        endpoint = next((e for e in manager.list() if e.name == name), None)
        if endpoint is None or endpoint.run_id != run_id or not endpoint.pipeline:
            log(f"workbench: no endpoint {name} of this run to stop")
            return None
        manager.stop(name)
    except RunError as exc:
        return f"could not stop the endpoint: {exc}"
    log(f"workbench: stopped endpoint {name}")
    return None


def _request(request: Any, inputs: dict[str, list[dict[str, Any]]], pipeline_name: str) -> tuple[str, str, int]:
    """(input artifact name, endpoint name, port) of a well-formed request; RunError otherwise."""
    if not isinstance(request, dict):
        raise RunError(f"the {SERVE_KEY} request is not an object")
    input_name, name, port = request.get("input", "model"), request.get("name") or "", request.get("port") or 0
    if not isinstance(input_name, str) or len(inputs.get(input_name, [])) != 1:
        raise RunError(f"the {SERVE_KEY} request names {input_name!r}, which is not one input artifact of the task")
    if not isinstance(name, str):
        raise RunError(f"the {SERVE_KEY} request's name is not a string")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port < 65536:
        raise RunError(f"the {SERVE_KEY} request's port {port!r} is not a TCP port")
    return input_name, check_name(name or default_name(pipeline_name)), port
