"""What this machine can run of an executor: containers and importers, and the two Kubernetes
volume operations kfp-kubernetes compiles as stub containers (CreatePVC, DeletePVC), which the
engine performs itself. Cloud-service executors fail by name. The task's Kubernetes platform
config is emulated by workbench/runs/local_k8s/pod.py.
"""

from __future__ import annotations

from typing import Any

_GCP_IMAGE_MARKERS = ("google-cloud-pipeline-components", "google_cloud_pipeline_components")
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
    image = executor.get("container", {}).get("image", "")
    if any(marker in image for marker in _GCP_IMAGE_MARKERS):
        return f"Google Cloud Pipeline Components service component (image {image}) needs Google Cloud"
    return ""
