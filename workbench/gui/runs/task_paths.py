"""Reading engine task ids against the canvas document, without Qt.

A task id is the task's DAG path with loop indexes: `for-loop-2[3]/train`,
`condition-branches-1/condition-2/deploy-model`. The leaf is the IR task name, which is the
document node's name. Group segments (`for-loop-N`, `condition-N`, `exit-handler-N`) are matched
to the node's enclosing document groups innermost-first; `condition-branches-N` only wraps an
If / Elif / Else chain and has no frame of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.model.document import PipelineGraph
from workbench.runs.task_names import is_group_segment, segments


def group_path(task_id: str) -> list[tuple[str, int | None]]:
    """The group segments above the leaf, outermost first."""
    return [(name, index) for name, index in segments(task_id)[:-1] if is_group_segment(name)]


def map_groups(graph: PipelineGraph, task_ids: Iterable[str]) -> dict[str, str]:
    """IR group task name -> document group id, learned from tasks whose leaf is a document node."""
    mapping: dict[str, str] = {}
    for task_id in task_ids:
        leaf = segments(task_id)[-1][0]
        node = graph.node_by_name(leaf)
        if node is None:
            continue
        ir_groups = [name for name, _ in group_path(task_id)]
        doc_groups = list(reversed(graph.ancestors(node.id)))  # outermost first
        if len(ir_groups) == len(doc_groups):
            mapping.update(zip(ir_groups, doc_groups))
    return mapping


def iteration_of(task_id: str, loop_name: str) -> int | None:
    """The index of `loop_name`'s iteration that a task belongs to (None outside that loop)."""
    return next((index for name, index in segments(task_id) if name == loop_name), None)


def group_task_id(task_id: str, group_name: str) -> str | None:
    """The id of the group task itself (its DAG task) on the way to `task_id`."""
    parts = task_id.split("/")
    for depth, (name, _) in enumerate(segments(task_id)):
        if name == group_name:
            return "/".join(parts[:depth] + [group_name])
    return None
