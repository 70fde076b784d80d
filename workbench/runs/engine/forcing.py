"""Re-running from a task: which tasks must skip the cache so a chosen task and everything that
depends on it really run again, while the rest of the pipeline is served from the cache.

Forcing only the chosen task is not enough: its downstream tasks' cache keys are built from the
upstream *cache keys* (artifact fingerprints), which do not change when a task is re-executed, so
they would hit the cache and never see the new outputs.
"""

from __future__ import annotations

from typing import Any, Iterable

from workbench.runs.engine.inputs import upstream_tasks
from workbench.runs.engine.ir import PipelineIR


def _dags(ir: PipelineIR) -> list[dict[str, dict[str, Any]]]:
    return [component.get("dag", {}).get("tasks", {}) for component in (ir.root, *ir.components.values())]


def _inner_names(ir: PipelineIR, task: dict[str, Any]) -> set[str]:
    """Every task name inside a DAG task's component, at any depth (empty for executor tasks)."""
    component = ir.components.get(task.get("componentRef", {}).get("name", ""), {})
    names: set[str] = set()
    for name, child in component.get("dag", {}).get("tasks", {}).items():
        names.add(name)
        names |= _inner_names(ir, child)
    return names


def downstream_closure(ir: PipelineIR, names: Iterable[str]) -> set[str]:
    """`names` plus every IR task that consumes, directly or through a group, what they produce.

    A DAG task (loop, condition, sub-pipeline) that contains a forced task counts as changed for
    its siblings downstream; a DAG task forced from upstream forces everything inside it.
    """
    forced = set(names)
    changed = True
    while changed:
        changed = False
        for tasks in _dags(ir):
            dirty = {name for name, task in tasks.items() if name in forced or _inner_names(ir, task) & forced}
            for name, task in tasks.items():
                if name in forced or not upstream_tasks(task) & dirty:
                    continue
                forced |= {name} | _inner_names(ir, task)
                changed = True
    return forced
