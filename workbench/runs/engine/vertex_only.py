"""Tasks that only Vertex AI can run: Google Cloud Pipeline Components launchers and the images
Google builds for Vertex AI pipelines (AutoML, model evaluation). Their containers call Google
Cloud services (or sit in Google's registries), so a local run fails them by name before any
container starts, and the Run dialog lists them in advance."""

from __future__ import annotations

from typing import Any

_VERTEX_IMAGES = (
    "gcr.io/ml-pipeline/google-cloud-pipeline-components",
    "gcr.io/ml-pipeline/model-evaluation",
    "gcr.io/ml-pipeline/automl-tables-private",
    "us-docker.pkg.dev/vertex-ai/",
    "us-docker.pkg.dev/vertex-ai-restricted/",
)
_GCPC_IMAGE_NAME = "google-cloud-pipeline-components"  # also when mirrored to another registry
_LAUNCHER_MODULE = "google_cloud_pipeline_components.container"
VERTEX_ONLY = "runs on Vertex AI only"


def vertex_only_reason(executor: dict[str, Any] | None) -> str | None:
    """Why this executor cannot run on this machine, or None when it is an ordinary container."""
    container = (executor or {}).get("container") or {}
    image = str(container.get("image", ""))
    if any(image.startswith(prefix) for prefix in _VERTEX_IMAGES) or _GCPC_IMAGE_NAME in image:
        return f"{VERTEX_ONLY} (Google Cloud image {image.split('@')[0]})"
    argv = [str(part) for part in list(container.get("command", [])) + list(container.get("args", []))]
    launcher = next((part for part in argv if part.startswith(_LAUNCHER_MODULE)), None)
    if launcher is not None:
        return f"{VERTEX_ONLY} (Google Cloud Pipeline Components launcher {launcher})"
    return None


def vertex_only_tasks(ir: dict[str, Any]) -> list[str]:
    """Names of the tasks of a compiled pipeline (sub-DAGs included) that only Vertex AI can run."""
    components = ir.get("components") or {}
    executors = (ir.get("deploymentSpec") or {}).get("executors") or {}
    names: list[str] = []

    def walk(dag: dict[str, Any], prefix: str) -> None:
        for name, task in sorted(((dag.get("dag") or {}).get("tasks") or {}).items()):
            component = components.get((task.get("componentRef") or {}).get("name", "")) or {}
            if "dag" in component:
                walk(component, f"{prefix}{name}/")
            elif vertex_only_reason(executors.get(component.get("executorLabel", ""))):
                names.append(prefix + name)

    walk(ir.get("root") or {}, "")
    return names
