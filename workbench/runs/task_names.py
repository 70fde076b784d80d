"""The names people gave a run's tasks, for every view of a run (the app's and the CLI's).

A task id (`for-loop-2[3]/train-model-2`) names a task by its IR key. People named it in the
editor ("gradient boosting", a loop frame "grid"); the compiler writes those names into the IR as
the tasks' `taskInfo.name`, so the IR a run keeps in the history is enough to name its tasks, also
for runs of imported pipelines that never had a document. Pipelines compiled before frames' names
went into the IR get them from the document (`with_document`). Loop iterations are labelled by
their item ("lr=0.1, epochs=20"), which the engine reports with the loop task (`details["items"]`,
see `item_labels`); runs recorded before that fall back to "#3".

Labels read "display name · item (task name)": the name given first, the task name second and
only when it differs. Names are data: they may be long, hold newlines or look like HTML, so every
label is one line of plain text (`plain`), and views that render HTML must escape it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.model.document import PipelineGraph

MAX_ITEM_LABEL = 300  # what the engine records per item; views elide further and show this in tooltips
MAX_ITEMS = 1_000  # iterations past it are shown by their index
NAME_LIMIT = 60       # characters of a name shown in lists, legends and titles before eliding
ITEM_LIMIT = 40
_SEGMENT = re.compile(r"^(?P<name>[^\[]+)(?:\[(?P<index>\d+)\])?$")
_SPACE = re.compile(r"[\s\x00-\x1f\x7f\u2028\u2029]+")
_QUOTED = re.compile(r"'([^'\n]{1,128})'")
GROUP_PREFIXES = ("for-loop-", "condition-", "exit-handler-")


def plain(text: Any) -> str:
    """One line of text: newlines, tabs and control characters become single spaces."""
    return _SPACE.sub(" ", str(text)).strip()


def elide(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:max(1, limit - 1)].rstrip() + "\u2026"


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.6g}"
    if isinstance(value, (int, str)):
        return str(value)
    return json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))


def item_label(item: Any) -> str:
    """"lr=0.1, epochs=20" for a dict item, the value itself for a scalar, a list as JSON, an
    artifact by its name (or the last part of its URI)."""
    if isinstance(item, list) and len(item) == 1 and isinstance(item[0], dict) and "uri" in item[0]:
        artifact = item[0]
        return plain(artifact.get("name") or str(artifact.get("uri", "")).rstrip("/").rsplit("/", 1)[-1])
    if isinstance(item, dict):
        return plain(", ".join(f"{key}={_scalar(value)}" for key, value in item.items()))
    return plain(_scalar(item))


def item_labels(items: list[Any]) -> list[str]:
    """What the engine records for a loop: a capped label per item (the first MAX_ITEMS items)."""
    return [elide(item_label(item), MAX_ITEM_LABEL) for item in items[:MAX_ITEMS]]


def segments(task_id: str) -> list[tuple[str, int | None]]:
    """`for-loop-2[3]/train` -> [("for-loop-2", 3), ("train", None)]."""
    parts = []
    for part in task_id.split("/"):
        match = _SEGMENT.match(part)
        index = match["index"] if match else None
        parts.append((match["name"] if match else part, int(index) if index is not None else None))
    return parts


def leaf_name(task_id: str) -> str:
    return segments(task_id)[-1][0]


def is_group_segment(name: str) -> bool:
    return name.startswith(GROUP_PREFIXES) and not name.startswith("condition-branches-")


@dataclass(frozen=True)
class TaskNames:
    """`given`: IR task name -> the name people gave (only where one was given and differs);
    `items`: loop task id -> item labels; `parents`: IR task name -> enclosing IR task name."""

    given: Mapping[str, str] = field(default_factory=dict)
    items: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    parents: Mapping[str, str] = field(default_factory=dict)

    # ----- building ---------------------------------------------------------------------------

    @classmethod
    def from_ir(cls, ir_text: str | None) -> TaskNames:
        """Display names from a compiled pipeline's `taskInfo.name`; no names (every task shown by
        its id) when the text is missing or not a pipeline spec."""
        from workbench.errors import WorkbenchError
        from workbench.ir_schema import read_pipeline_spec

        if not ir_text:
            return cls()
        try:
            spec, _ = read_pipeline_spec(ir_text)
        except WorkbenchError:
            return cls()
        components = spec.get("components") or {}
        given: dict[str, str] = {}
        parents: dict[str, str] = {}
        seen: set[str] = set()

        def walk(dag: Any, parent: str) -> None:
            tasks = dag.get("tasks") if isinstance(dag, dict) else None
            for name, task in (tasks or {}).items():
                if not isinstance(task, dict):
                    continue
                parents[name] = parent
                shown = plain((task.get("taskInfo") or {}).get("name") or "")
                if shown and shown != name:
                    given[name] = shown
                key = (task.get("componentRef") or {}).get("name", "")
                component = components.get(key)
                if isinstance(component, dict) and "dag" in component and key not in seen:
                    seen.add(key)  # a sub-pipeline used twice is walked once
                    walk(component["dag"], name)

        walk((spec.get("root") or {}).get("dag"), "")
        return cls(given, {}, parents)

    def with_document(self, graph: PipelineGraph) -> TaskNames:
        """Add what only the document knows: the names of group frames (a loop called "grid"), and
        node display names the IR lacks. IR groups are matched to the document's by the groups
        around each node, innermost first."""
        given = dict(self.given)
        for leaf, parent in self.parents.items():
            node = graph.node_by_name(leaf)
            if node is None:
                continue
            if leaf not in given and node.display_name and plain(node.display_name) != leaf:
                given[leaf] = plain(node.display_name)
            ir_groups = []
            while parent:
                if is_group_segment(parent):
                    ir_groups.append(parent)
                parent = self.parents.get(parent, "")
            doc_groups = graph.ancestors(node.id)
            if len(ir_groups) == len(doc_groups):
                for ir_name, group_id in zip(ir_groups, doc_groups):
                    name = plain(graph.groups[group_id].name)
                    if name and ir_name not in given:
                        given[ir_name] = name
        return TaskNames(given, self.items, self.parents)

    def with_loop_items(self, tasks: Iterable[tuple[str, Mapping[str, Any]]]) -> TaskNames:
        """Add the item labels loop tasks reported, from (task id, details) pairs."""
        items = dict(self.items)
        for task_id, details in tasks:
            labels = details.get("items") if isinstance(details, Mapping) else None
            if isinstance(labels, list):
                items[task_id] = tuple(plain(label) for label in labels)
        return TaskNames(self.given, items, self.parents)

    # ----- reading ----------------------------------------------------------------------------

    def display_name(self, task_name: str) -> str:
        """The name given to an IR task, or the task name itself."""
        return self.given.get(task_name, task_name)

    def item_of(self, loop_task_id: str, index: int) -> str:
        """The item label of one iteration of a loop task (`for-loop-2`, `for-loop-2[1]/for-loop-4`),
        or "#index" when the run did not record it; an item the loop holds twice gets its index too."""
        labels = self.items.get(loop_task_id, ())
        if not (0 <= index < len(labels) and labels[index]):
            return f"#{index}"
        return labels[index] if labels.count(labels[index]) == 1 else f"{labels[index]} #{index}"

    def loop_item(self, loop_name: str, index: int) -> str:
        """The item label of iteration `index` of every instance of a loop (an inner loop runs once
        per outer iteration): the label when they agree, else "#index"."""
        labels = {self.item_of(task_id, index) for task_id in self.items if leaf_name(task_id) == loop_name}
        return labels.pop() if len(labels) == 1 else f"#{index}"

    def iteration(self, task_id: str, *, items: bool = True) -> str:
        """The loop items a task occurrence belongs to, outermost first: "lr=0.1 · fold 2"."""
        parts, path = [], []
        for name, index in segments(task_id):
            if index is not None:
                loop_id = "/".join([*path, name])
                parts.append(self.item_of(loop_id, index) if items else f"#{index}")
            path.append(name if index is None else f"{name}[{index}]")
        return " \u00b7 ".join(parts)

    def parts(self, task_id: str, *, limit: int | None = None, items: bool = True) -> tuple[str, str]:
        """(name given with the iteration's items, task name or "" when no name was given); each
        part elided to `limit` characters when given."""
        leaf = leaf_name(task_id)
        name = self.display_name(leaf)
        iteration = self.iteration(task_id, items=items)
        if limit:
            name = elide(name, limit)
            iteration = " \u00b7 ".join(elide(part, ITEM_LIMIT) for part in iteration.split(" \u00b7 ")) \
                if iteration else ""
        primary = f"{name} \u00b7 {iteration}" if iteration else name
        return primary, (leaf if name != leaf else "")

    def label(self, task_id: str, *, limit: int | None = NAME_LIMIT, items: bool = True) -> str:
        """"gradient boosting (train-model-2)", "train-model · lr=0.1, epochs=20": one plain line."""
        primary, secondary = self.parts(task_id, limit=limit, items=items)
        return f"{primary} ({secondary})" if secondary else primary

    def tooltip(self, task_id: str) -> str:
        """The full label (nothing elided) and the task id, for where the label is elided."""
        return f"{self.label(task_id, limit=None)}\ntask id: {task_id}"

    def humanize(self, message: str) -> str:
        """A message from the engine with the quoted task names it mentions ('train-model-2')
        replaced by their labels ('xgboost (train-model-2)')."""
        def named(match: re.Match) -> str:
            name = match[1]
            return f"'{self.label(name)}'" if name in self.given else match[0]
        return _QUOTED.sub(named, message) if self.given else message

