"""What a cache entry remembers besides outputs: the run and task that produced it and the live
metrics (WORKBENCH_METRIC lines, TensorBoard scalars) it reported, so a cache hit shows the same
curves and is marked "cached from RUN" instead of showing empty plots.

The series of a task attempt is recorded with bounded memory: past `MAX_POINTS` every other point
is dropped and only every second one after is kept (the stride doubles), while the last point of
each series is always kept, so a curve keeps its shape and its final value is exact.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from workbench.runs.events import MetricLogged

MAX_POINTS = 100_000
MAX_SERIES = 1_000
MAX_NAME_CHARS = 256


@dataclass(frozen=True)
class TaskStory:
    """`run_id` / `task_id`: where a cache entry came from ("" for entries older than this record);
    `metrics`: [name, value, step or None, seconds since the first point]."""

    run_id: str = ""
    task_id: str = ""
    metrics: list[list[Any]] = field(default_factory=list)

    def to_entry(self) -> dict[str, Any]:
        return {"producer": {"run_id": self.run_id, "task_id": self.task_id}, "metrics": self.metrics}

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> TaskStory:
        """The story in a cache entry; an entry without one (or a malformed one) tells nothing."""
        producer = entry.get("producer")
        if not isinstance(producer, dict) or not isinstance(producer.get("run_id"), str):
            return cls()
        raw = entry.get("metrics")
        points = [point for point in (raw if isinstance(raw, list) else []) if _valid(point)]
        return cls(producer["run_id"], str(producer.get("task_id") or ""), points)

    def replay(self, run_id: str, task_id: str, now: float | None = None) -> list[MetricLogged]:
        """The recorded series as this run's events for the cached task, time-shifted to `now`."""
        start = time.time() if now is None else now
        return [MetricLogged(run_id=run_id, task_id=task_id, name=name, value=float(value),
                             step=None if step is None else int(step), time=start + float(offset))
                for name, value, step, offset in self.metrics]


def _valid(point: Any) -> bool:
    if not isinstance(point, list) or len(point) != 4:
        return False
    name, value, step, offset = point
    numbers_ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                     for v in (value, offset))
    return (isinstance(name, str) and bool(name) and numbers_ok
            and (step is None or (isinstance(step, int) and not isinstance(step, bool))))


class MetricRecorder:
    """The metric events of one task attempt, bounded (see the module's note): at most
    `MAX_SERIES` series with names of at most `MAX_NAME_CHARS` (a task prints what it likes; other
    series still show live, they are only not kept for the cache). A task's log reader and its
    TensorBoard poller record from their own threads."""

    def __init__(self, limit: int = MAX_POINTS):
        self.limit = max(2, limit)
        self._points: list[tuple[int, str, float, int | None, float]] = []
        self._last: dict[str, tuple[int, str, float, int | None, float]] = {}
        self._count = 0
        self._stride = 1
        self._first_time: float | None = None
        self._lock = threading.Lock()

    def record(self, event: MetricLogged) -> None:
        with self._lock:
            self._record(event)

    def _record(self, event: MetricLogged) -> None:
        if event.name not in self._last and (len(self._last) >= MAX_SERIES or len(event.name) > MAX_NAME_CHARS):
            return
        index = self._count
        self._count += 1
        if self._first_time is None:
            self._first_time = event.time
        previous = self._last.get(event.name)
        point = (index, previous[1] if previous else event.name, event.value, event.step, event.time)
        self._last[point[1]] = point
        if index % self._stride:
            return
        self._points.append(point)
        if len(self._points) > self.limit:
            self._points = self._points[::2]
            self._stride *= 2

    def series(self) -> list[list[Any]]:
        """Every kept point in arrival order, each series' last point included."""
        with self._lock:
            points, last = list(self._points), list(self._last.values())
        kept = {point[0] for point in points}
        points += [point for point in last if point[0] not in kept]
        points.sort(key=lambda point: point[0])
        first = self._first_time or 0.0
        return [[name, value, step, round(when - first, 6)] for _, name, value, step, when in points]
