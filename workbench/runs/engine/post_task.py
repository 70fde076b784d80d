"""What the host does for a task after it succeeds, on the task's request (today: serve a model).

Kept apart so the engine has one call to make; the work lives in workbench/serving/pipeline_step.py,
which starts an endpoint only when a task's outputs carry a request.
"""

from __future__ import annotations

from typing import Any

from workbench.runs.engine.context import RunContext, TaskRef
from workbench.runs.engine.executor_io import Values
from workbench.serving.pipeline_step import fulfil, serve_requests


def after_success(ctx: RunContext, ref: TaskRef, executor: dict[str, Any] | None, inputs: Values,
                  outputs: Values) -> str | None:
    """None, or why the task must fail after all (a request the host could not fulfil)."""
    requests = serve_requests(outputs.artifacts)
    if not requests:
        return None
    return fulfil(requests, inputs.artifacts, run_id=ctx.run_id, pipeline_name=ctx.ir.name,
                  workspace=ctx.run_dir, backend=ctx.backend.name,
                  image=((executor or {}).get("container") or {}).get("image", ""),
                  log=lambda line: ctx.log(ref, line, "engine"))
