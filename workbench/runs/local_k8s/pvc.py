"""kfp-kubernetes' CreatePVC and DeletePVC tasks, done by the engine on Docker named volumes.

A created volume carries the run's label (`workbench.run-id`) and outlives the run like a PVC,
until a DeletePVC task (or `docker volume rm`) removes it.
"""

from __future__ import annotations

from typing import Any

from workbench.errors import RunError
from workbench.runs.local_k8s.store import check_name


def create_pvc(backend: Any, run_id: str, run_name: str, parameters: dict[str, Any], image: str) -> str:
    """The new volume's name: `pvc_name`, or the run name followed by `pvc_name_suffix`.
    `image` (one the run already uses) only serves to open the volume to any user."""
    given, suffix = parameters.get("pvc_name"), parameters.get("pvc_name_suffix")
    name = check_name("PVC", str(given) if given else f"{run_name}{suffix or ''}".lower())
    if backend.volume_exists(name):
        raise RunError(f"PVC {name!r} already exists (a Docker volume of that name); delete it or "
                       "choose another name")
    backend.create_volume(name, run_id, image)
    return name


def delete_pvc(backend: Any, parameters: dict[str, Any]) -> str:
    name = check_name("PVC", str(parameters.get("pvc_name") or ""))
    if not backend.remove_volume(name):
        raise RunError(f"PVC {name!r} does not exist locally (no Docker volume of that name)")
    return name
