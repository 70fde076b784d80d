"""Why a task is skipped, as facts the views can word: a condition that was false (written with
the names of the values it compares, and the upstream tasks that produced them), or an upstream
task that did not succeed (the one that started the chain, not the skipped task next to it).

The producer of a value is followed through the DAG levels: each DAG execution knows, for each
of its inputs, which task output (by task id), pipeline parameter or loop item it came from.
The facts go to `details["skip"]`; `workbench.runs.explain.skip_text` words them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from workbench.runs.engine.inputs import TaskResult

_PARAMETER_REFERENCE = re.compile(r"""inputs\.parameter_values\[\s*(['"])(?P<name>.*?)\1\s*\]""")
_CHANNEL_PREFIX = "pipelinechannel--"


@dataclass(frozen=True)
class Origin:
    """Where an input parameter's value came from: a task's output (`task_id` set), a pipeline
    parameter, or a loop's item; `label` is the output key or parameter name shown for it."""

    label: str
    task_id: str = ""
    kind: str = "parameter"  # "task", "parameter" or "item"


def task_input_origins(task: dict[str, Any], dag_task_id: str, dag_origins: dict[str, Origin]) -> dict[str, Origin]:
    """The origin of each input parameter of `task`, a task of the DAG whose id is `dag_task_id`."""
    found: dict[str, Origin] = {}
    prefix = f"{dag_task_id}/" if dag_task_id else ""
    for name, spec in (task.get("inputs", {}).get("parameters") or {}).items():
        if not isinstance(spec, dict):
            continue
        output = spec.get("taskOutputParameter")
        if isinstance(output, dict) and output.get("producerTask"):
            producer, key = str(output["producerTask"]), str(output.get("outputParameterKey", ""))
            # a component's single return value is called `Output`: the task's name says more
            found[name] = Origin(producer if key in ("", "Output") else key, prefix + producer, "task")
        elif "componentInputParameter" in spec:
            source = str(spec["componentInputParameter"])
            found[name] = dag_origins.get(source) or Origin(source.removeprefix(_CHANNEL_PREFIX))
    return found


def loop_item_origins(origins: dict[str, Origin], item_input: str) -> dict[str, Origin]:
    """An iteration's origins: the loop task's, plus its item."""
    return {**origins, item_input: Origin("item", kind="item")}


def condition_skip(condition: str, origins: dict[str, Origin]) -> dict[str, Any]:
    """The facts of a false condition: its text with values named, the tasks and pipeline
    parameters that decided it."""
    used: list[Origin] = []

    def name(match: re.Match) -> str:
        channel = match["name"]
        origin = origins.get(channel) or Origin(channel.removeprefix(_CHANNEL_PREFIX))
        used.append(origin)
        return origin.label or channel.removeprefix(_CHANNEL_PREFIX)

    readable = " ".join(_PARAMETER_REFERENCE.sub(name, condition).split())
    negated = _negated(readable)
    return {"kind": "condition", "condition": negated if negated is not None else readable,
            "outcome": "true" if negated is not None else "false",
            "decided_by": list(dict.fromkeys(o.task_id for o in used if o.kind == "task")),
            "parameters": list(dict.fromkeys(o.label for o in used if o.kind == "parameter"))}


def _negated(expression: str) -> str | None:
    """X when the expression is `!(X)` as a whole (an Else branch: the If's condition was true)."""
    if not (expression.startswith("!(") and expression.endswith(")")):
        return None
    depth = 0
    for index, char in enumerate(expression[1:], start=1):
        depth += (char == "(") - (char == ")")
        if depth == 0 and index < len(expression) - 1:
            return None  # `!(a) && (b)`: the negation covers only a part
    return expression[2:-1].strip()


def upstream_skip(upstream_id: str, upstream: TaskResult) -> dict[str, Any]:
    """The facts of a skip caused by an upstream task: a failed one names the task that failed
    (inside a failed DAG, the task at its root); a skipped one passes its own reason on."""
    inherited = upstream.details.get("skip")
    if upstream.state == "skipped" and isinstance(inherited, dict):
        return inherited
    culprit = upstream.details.get("failed_task") if upstream.state == "failed" else None
    return {"kind": "upstream", "upstream": str(culprit or upstream_id), "state": upstream.state}


def first_blocking(blocked: list[str], results: dict[str, TaskResult]) -> str:
    """The upstream to blame among those that did not succeed: a failure before a cancel, before a skip."""
    order = {"failed": 0, "cancelled": 1}
    return min(blocked, key=lambda name: (order.get(results[name].state, 2), blocked.index(name)))
