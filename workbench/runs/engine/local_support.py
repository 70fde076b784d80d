"""What this machine can run of an executor: containers and importers, and the two Kubernetes
volume operations kfp-kubernetes compiles as stub containers (CreatePVC, DeletePVC), which the
engine performs itself. Cloud-service executors fail by name. The task's Kubernetes platform
config is emulated by workbench/runs/local_k8s/pod.py.
"""

from __future__ import annotations

from typing import Any

from workbench.runs.engine.vertex_only import vertex_only_reason

VOLUME_OPERATIONS = {"argostub/createpvc": "CreatePVC", "argostub/deletepvc": "DeletePVC"}


def volume_operation(executor: dict[str, Any] | None) -> str:
    """"CreatePVC" or "DeletePVC" for kfp-kubernetes' stub executors, else ""."""
    image = (executor or {}).get("container", {}).get("image", "")
    return VOLUME_OPERATIONS.get(image, "")


def unsupported_executor(executor: dict[str, Any] | None) -> str:
    """Why this executor cannot run locally, or "" when it can."""
    if executor is None:
        return "task has no executor"
    if "container" not in executor and "importer" not in executor:
        return f"executor kind {', '.join(sorted(executor))} (a cloud service) cannot run locally"
    return vertex_only_reason(executor) or ""
