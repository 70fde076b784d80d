"""What the app knows about one run, built from its events (live) or from the history (past).

Plain Python, no Qt: the controller applies event batches on the GUI thread and views read the
result when their timers fire, so a burst of 10,000 metric points costs one append each here and
one redraw per refresh over there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbench.runs.events import ArtifactProduced, LogLine, MetricLogged, RunEvent, RunFinished, RunStarted, \
    TaskStateChanged
from workbench.runs.explain import cached_text, failure_headline, state_reason
from workbench.runs.failure_cause import failure_cause
from workbench.runs.task_names import TaskNames

TERMINAL = ("succeeded", "failed", "skipped", "cancelled", "cached")


class SeriesBuffer:
    """A growing metric series in numpy arrays (capacity doubles), so plotting a million points
    hands pyqtgraph array views instead of converting Python lists on every refresh."""

    def __init__(self, capacity: int = 256):
        self._data = np.empty((3, capacity), dtype=np.float64)  # step, time, value
        self.size = 0

    def append(self, step: float, when: float, value: float) -> None:
        if self.size == self._data.shape[1]:
            grown = np.empty((3, self.size * 2), dtype=np.float64)
            grown[:, :self.size] = self._data
            self._data = grown
        self._data[:, self.size] = (step, when, value)
        self.size += 1

    @property
    def steps(self) -> np.ndarray:
        return self._data[0, :self.size]

    @property
    def times(self) -> np.ndarray:
        return self._data[1, :self.size]

    @property
    def values(self) -> np.ndarray:
        return self._data[2, :self.size]


@dataclass
class TaskView:
    task_id: str
    task_name: str
    state: str = "pending"
    iteration: tuple[int, ...] = ()
    start: float | None = None
    end: float | None = None
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunOptions:
    """How a run was asked for: re-run and sweeps start from a copy of it."""

    ir_text: str
    arguments: dict[str, Any]
    target: str = "docker"  # "docker", "subprocess" or the name of a saved remote target
    max_parallel: int | None = None
    use_cache: bool = True
    force_tasks: tuple[str, ...] = ()
    pipeline_name: str = ""


class RunSession:
    def __init__(self, run_id: str, options: RunOptions | None = None, *, live: bool = True):
        self.run_id = run_id
        self.options = options
        self.live = live
        self.pipeline_name = options.pipeline_name if options else ""
        self.state = "starting" if live else "unknown"
        self.message = ""
        self.start_time: float | None = time.time() if live else None
        self.end_time: float | None = None
        self.tasks: dict[str, TaskView] = {}
        self.logs: list[LogLine] = []
        self.series: dict[tuple[str, str], SeriesBuffer] = {}
        self.artifacts: list[ArtifactProduced] = []
        self.changed_tasks: set[str] = set()  # since the canvas overlay last looked (it clears it)
        self._names: TaskNames | None = None
        self._loop_details: dict[str, dict[str, Any]] = {}  # loop task id -> details naming its items

    @property
    def names(self) -> TaskNames:
        """The names people gave the run's tasks (from its IR, plus its document when `use_document`
        was called) and the items of its loops so far."""
        if self._names is None:
            self._names = TaskNames.from_ir(self.options.ir_text if self.options else None)
        if self._loop_details:
            self._names = self._names.with_loop_items(self._loop_details.items())
            self._loop_details = {}
        return self._names

    def use_document(self, graph: Any) -> None:
        """Name the run's groups after the frames of the document it ran from."""
        self._names = self.names.with_document(graph)

    @property
    def finished(self) -> bool:
        return self.state not in ("starting", "running")

    def apply(self, event: RunEvent) -> None:
        if isinstance(event, MetricLogged):
            key = (event.task_id, event.name)
            buffer = self.series.get(key)
            if buffer is None:
                buffer = self.series[key] = SeriesBuffer()
            buffer.append(event.step if event.step is not None else buffer.size, event.time, event.value)
        elif isinstance(event, LogLine):
            self.logs.append(event)
        elif isinstance(event, TaskStateChanged):
            self._apply_state(event)
        elif isinstance(event, ArtifactProduced):
            self.artifacts.append(event)
        elif isinstance(event, RunStarted):
            self.state, self.start_time = "running", event.time
            self.pipeline_name = event.pipeline_name
        elif isinstance(event, RunFinished):
            self.state, self.end_time, self.message = event.state, event.time, event.message

    def _apply_state(self, event: TaskStateChanged) -> None:
        task = self.tasks.get(event.task_id)
        if task is None:
            task = self.tasks[event.task_id] = TaskView(event.task_id, event.task_name, iteration=event.iteration)
        task.state, task.message = event.state, event.message
        if event.details:
            task.details = {**task.details, **event.details}
            if "items" in event.details:
                self._loop_details[event.task_id] = event.details
        if event.state == "running" and task.start is None:
            task.start = event.time
        if event.state in TERMINAL:
            task.end = event.time
        self.changed_tasks.add(event.task_id)

    def display_name(self, task_id: str) -> str:
        """The name given to the task, with its loop items: "xgboost", "train-model · lr=0.1"."""
        return self.names.parts(task_id)[0]

    def reason(self, task_id: str) -> str:
        """Why a task is in its state, with display names: skip reason, failure cause, cache source."""
        task = self.tasks.get(task_id)
        return state_reason(task.state, task.message, task.details, self.display_name) if task else ""

    def cached_from(self, task_id: str) -> str:
        """`cached from run RUN` for a cached task whose cache entry said so, else ""."""
        task = self.tasks.get(task_id)
        return cached_text(task.details) if task is not None and task.state == "cached" else ""

    def root_failure(self) -> TaskView | None:
        """The task whose failure failed the run: of the failed tasks that are not groups around
        another failed task, the first to end."""
        failed = [t for t in self.tasks.values() if t.state == "failed"]
        leaves = [t for t in failed if not any(o.task_id.startswith((f"{t.task_id}/", f"{t.task_id}["))
                                               for o in failed)]
        return min(leaves, key=lambda t: (t.end or 0.0, t.task_id), default=None)

    def outcome_detail(self) -> str:
        """What to say after a finished run's state: for a failure, the failed task's display name
        and its cause (`make shards: ValueError: ...`); else the run's message, if any."""
        culprit = self.root_failure() if self.state == "failed" else None
        if culprit is not None:
            return failure_headline(culprit.task_id, culprit.message, culprit.details, self.display_name)
        return self.message if self.state != "succeeded" else ""

    def _explain_older_failures(self) -> None:
        """Runs recorded before failures kept their cause: read it from the stored log now."""
        unexplained = {t.task_id: t for t in self.tasks.values()
                       if t.state == "failed" and "exception" not in t.details}
        if not unexplained:
            return
        logs: dict[str, list[tuple[str, str]]] = {}
        for line in self.logs:
            if line.task_id in unexplained:
                logs.setdefault(line.task_id, []).append((line.line, line.stream))
        for task_id, lines in logs.items():
            cause = failure_cause(lines)
            if cause is not None:
                task = unexplained[task_id]
                task.details = {**task.details, "exception": cause.summary, "traceback": cause.traceback}

    def metric_names(self) -> list[str]:
        return sorted({name for _, name in self.series})

    def logs_of(self, task_id: str | None) -> list[LogLine]:
        return self.logs if task_id is None else [line for line in self.logs if line.task_id == task_id]

    def progress(self) -> tuple[int, int, int]:
        """(finished, running, total) executor-level counts over every task the run reported."""
        states = [t.state for t in self.tasks.values()]
        return sum(s in TERMINAL for s in states), states.count("running"), len(states)

    def elapsed(self, now: float | None = None) -> float:
        if self.start_time is None:
            return 0.0
        return (self.end_time or now or time.time()) - self.start_time

    @classmethod
    def from_store(cls, store: Any, run_id: str) -> RunSession:
        """A finished (or remote, still running) run rebuilt from the history. Slow for big runs:
        call it on a worker thread."""
        record = store.get_run(run_id)
        session = cls(record.id, RunOptions(record.pipeline_yaml or "", dict(record.arguments),
                                            target=record.backend, pipeline_name=record.pipeline_name), live=False)
        session.state, session.message = record.state, record.message
        session.start_time, session.end_time = record.start_time, record.end_time
        for task in store.tasks(record.id):
            session.tasks[task.task_id] = TaskView(task.task_id, task.task_name, task.state, task.iteration,
                                                   task.start_time, task.end_time, task.message, task.details)
            if "items" in task.details:
                session._loop_details[task.task_id] = task.details
        for point in store.metrics(record.id):
            session.apply(MetricLogged(record.id, point.task_id, point.name, point.value, point.step, point.time))
        session.logs = [LogLine(record.id, line.task_id, line.line, line.time, line.stream)
                        for line in store.logs(record.id)]
        session.artifacts = [ArtifactProduced(record.id, a.task_id, a.name, a.type, a.uri, a.metadata, a.time)
                             for a in store.artifacts(record.id)]
        session._explain_older_failures()
        session.changed_tasks = set(session.tasks)
        session.names  # parsed here, on the worker thread
        return session
