"""The run event stream: frozen dataclasses every backend (local or remote) emits.

Subscribers (the CLI's JSON-lines printer, the run store, the GUI bridge) receive them on the
engine's worker threads and must return quickly.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Callable

TASK_STATES = ("pending", "running", "succeeded", "failed", "skipped", "cancelled", "cached")
RUN_STATES = ("running", "succeeded", "failed", "cancelled", "interrupted")


@dataclass(frozen=True)
class RunStarted:
    run_id: str
    pipeline_name: str
    backend: str
    arguments: dict[str, Any]
    time: float


@dataclass(frozen=True)
class TaskStateChanged:
    """`task_id` is unique within a run: the task's DAG path plus loop iteration, e.g.
    `for-loop-2[3]/train`. `task_name` is the IR task name, `iteration` the loop indexes.
    A `pending` event with a message is the local scheduler saying why a ready task waits: the
    message reads "waiting for CPU: needs 1, 0 of 2 free" and `details["waiting_for"]` is
    cpu, memory or gpu."""

    run_id: str
    task_id: str
    task_name: str
    state: str
    time: float
    iteration: tuple[int, ...] = ()
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LogLine:
    run_id: str
    task_id: str
    line: str
    time: float
    stream: str = "stdout"


@dataclass(frozen=True)
class MetricLogged:
    run_id: str
    task_id: str
    name: str
    value: float
    step: int | None
    time: float


@dataclass(frozen=True)
class ArtifactProduced:
    run_id: str
    task_id: str
    name: str
    type: str
    uri: str
    metadata: dict[str, Any]
    time: float


@dataclass(frozen=True)
class RunFinished:
    run_id: str
    state: str
    time: float
    message: str = ""


RunEvent = RunStarted | TaskStateChanged | LogLine | MetricLogged | ArtifactProduced | RunFinished
EventSink = Callable[[RunEvent], None]

_EVENT_TYPES = {cls.__name__: cls for cls in (RunStarted, TaskStateChanged, LogLine, MetricLogged,
                                              ArtifactProduced, RunFinished)}


def event_to_json(event: RunEvent) -> str:
    """One JSON object a line, with the event's class name under `event`."""
    payload = {"event": type(event).__name__, **dataclasses.asdict(event)}
    return json.dumps(payload, sort_keys=True, default=str)


def event_from_json(text: str) -> RunEvent:
    payload = json.loads(text)
    cls = _EVENT_TYPES[payload.pop("event")]
    if "iteration" in payload:
        payload["iteration"] = tuple(payload["iteration"])
    return cls(**payload)
