"""How remote states read in our vocabulary (`workbench.runs.events.TASK_STATES`).

Vertex AI: PipelineState for a job, PipelineTaskDetail.State for a task (a task whose execution
was served from cache is 'cached'). Kubeflow Pipelines v2beta1: one RuntimeState for runs and
tasks. A state still moving towards an end (cancelling, paused) counts as 'running'.
"""

from __future__ import annotations

VERTEX_JOB = {
    "PIPELINE_STATE_UNSPECIFIED": "pending",
    "PIPELINE_STATE_QUEUED": "pending",
    "PIPELINE_STATE_PENDING": "pending",
    "PIPELINE_STATE_RUNNING": "running",
    "PIPELINE_STATE_PAUSED": "running",
    "PIPELINE_STATE_CANCELLING": "running",
    "PIPELINE_STATE_SUCCEEDED": "succeeded",
    "PIPELINE_STATE_FAILED": "failed",
    "PIPELINE_STATE_CANCELLED": "cancelled",
}
VERTEX_TASK = {
    "STATE_UNSPECIFIED": "pending",
    "PENDING": "pending",
    "RUNNING": "running",
    "CANCEL_PENDING": "running",
    "CANCELLING": "running",
    "SUCCEEDED": "succeeded",
    "FAILED": "failed",
    "CANCELLED": "cancelled",
    "SKIPPED": "skipped",
    "NOT_TRIGGERED": "skipped",
}
KFP_RUNTIME = {
    "RUNTIME_STATE_UNSPECIFIED": "pending",
    "PENDING": "pending",
    "RUNNING": "running",
    "PAUSED": "running",
    "CANCELING": "running",
    "SUCCEEDED": "succeeded",
    "SKIPPED": "skipped",
    "FAILED": "failed",
    "CANCELED": "cancelled",
}
TERMINAL = ("succeeded", "failed", "skipped", "cancelled", "cached")


def vertex_job_state(name: str) -> str:
    return VERTEX_JOB.get(name, "pending")


def vertex_task_state(name: str, execution_state: str = "") -> str:
    return "cached" if execution_state == "CACHED" else VERTEX_TASK.get(name, "pending")


def kfp_state(name: str | None) -> str:
    return KFP_RUNTIME.get(name or "", "pending")


def run_state(task_state: str) -> str:
    """The run-level state (`RUN_STATES`) for a remote run's state in task vocabulary."""
    if task_state in ("succeeded", "skipped", "cached"):
        return "succeeded"
    return task_state if task_state in ("failed", "cancelled") else "running"
