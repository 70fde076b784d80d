"""Readable reasons for a task's state, the same in the CLI and the app: why a task was skipped
(and which upstream decided it), what made it fail, where a cached task's results came from.

The engine stores structured facts in a task's details, naming tasks by their id
(`details["skip"]`, `details["exception"]`, `details["cached_from"]`); these functions turn them
into text. `name_of` maps a task id to what a reader knows the task by: the IR task name by
default, the display name people gave it in the app.
"""

from __future__ import annotations

import re
from typing import Any, Callable

NameOf = Callable[[str], str]


def task_name(task_id: str) -> str:
    """The IR task name of a task id (`for-loop-2[3]/train` -> `train`)."""
    return re.sub(r"\[\d+\]$", "", task_id.rsplit("/", 1)[-1])


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _names(task_ids: list[str], name_of: NameOf) -> str:
    return ", ".join(dict.fromkeys(name_of(task_id) for task_id in task_ids))


def skip_text(skip: dict[str, Any], name_of: NameOf = task_name) -> str:
    """`condition `accuracy > 0.9` was false (decided by evaluate-model)` or `upstream train failed`.
    An Else branch's skip says its If's condition `was true`."""
    if skip.get("kind") == "condition":
        deciders = [str(t) for t in _listed(skip.get("decided_by"))]
        parameters = [str(p) for p in _listed(skip.get("parameters"))]
        by = _names(deciders, name_of) if deciders else (
            "pipeline parameter" + ("s " if len(parameters) > 1 else " ") + ", ".join(parameters) if parameters else "")
        outcome = "true" if skip.get("outcome") == "true" else "false"
        return f"condition `{skip.get('condition', '')}` was {outcome}" + (f" (decided by {by})" if by else "")
    if skip.get("kind") == "upstream":
        return f"upstream {name_of(str(skip.get('upstream', '')))} {skip.get('state', 'did not succeed')}"
    return ""


def state_reason(state: str, message: str, details: dict[str, Any], name_of: NameOf = task_name) -> str:
    """What to show after a task's state: the skip reason, the failure cause, where a cached
    result came from; else the engine's message."""
    skip = details.get("skip")
    if state == "skipped" and isinstance(skip, dict) and skip_text(skip, name_of):
        return skip_text(skip, name_of)
    if state == "failed" and details.get("exception"):
        return str(details["exception"])
    if state == "cached":
        return cached_text(details) or message
    return message


def failure_headline(task_id: str, message: str, details: dict[str, Any], name_of: NameOf = task_name) -> str:
    """`make shards: ValueError: n_shards must be at least 1` (display name, then the cause)."""
    name = name_of(task_id)
    cause = str(details.get("exception") or "") or message.removeprefix(f"task {task_name(task_id)!r} ")
    return f"{name}: {cause}" if cause else name


def cached_text(details: dict[str, Any]) -> str:
    """`cached from run RUN`, or "" when the cache entry did not say (entries older than that record)."""
    source = details.get("cached_from")
    if isinstance(source, dict) and source.get("run_id"):
        return f"cached from run {source['run_id']}"
    return ""
