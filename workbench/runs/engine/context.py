"""What a run's coordinator thread and its worker threads share.

DAG bookkeeping happens only on the coordinator thread (workers `post` their results back to it);
the few maps read from other threads (task states, outputs, artifact fingerprints) sit behind one
lock. Events go to every sink from whichever thread produced them.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from workbench.runs.backend import TaskBackend
from workbench.runs.engine.cache import TaskCache
from workbench.runs.engine.executor_io import Values
from workbench.runs.engine.ir import PipelineIR
from workbench.runs.engine.limits import TASK_STREAMS, LogBudget, RunLimits
from workbench.runs.engine.remote_artifacts import GcsAccess
from workbench.runs.engine.placeholders import TaskContext
from workbench.runs.events import EventSink, LogLine, RunEvent, TaskStateChanged


@dataclass(frozen=True)
class TaskRef:
    """A task occurrence in a run: `task_id` is its DAG path plus loop indexes."""

    task_id: str
    name: str
    iteration: tuple[int, ...] = ()

    def child(self, name: str, iteration: tuple[int, ...] | None = None) -> "TaskRef":
        prefix = f"{self.task_id}/" if self.task_id else ""
        return TaskRef(f"{prefix}{name}", name, self.iteration if iteration is None else iteration)


MIN_SECRET_LINE = 4  # shorter lines of a multi-line secret ("-----", "}") would mask everyday text


def secret_patterns(values: set[str]) -> list[str]:
    """What to mask for these secret values: each value, and each line of a multi-line one."""
    patterns = set()
    for value in values:
        if not value:
            continue
        patterns.add(value)
        if "\n" in value:
            patterns.update(line.strip() for line in value.splitlines() if len(line.strip()) >= MIN_SECRET_LINE)
    return sorted(patterns)


class RunContext:
    def __init__(self, *, run_id: str, ir: PipelineIR, backend: TaskBackend, sinks: list[EventSink],
                 cache: TaskCache, use_cache: bool, run_dir: Path, max_parallel: int,
                 force_tasks: frozenset[str] = frozenset(), limits: RunLimits = RunLimits(),
                 gcs: GcsAccess | None = None):
        self.run_id = run_id
        self.ir = ir
        self.backend = backend
        self.cache = cache
        self.use_cache = use_cache
        self.force_tasks = force_tasks  # IR task names that must run even on a cache hit
        self.run_dir = run_dir
        self.limits = limits
        self.gcs = gcs or GcsAccess()  # how gs:// input artifacts are read (remote_artifacts)
        self._log_budget = LogBudget(limits)
        self.run_name = f"{ir.name}-{run_id}"
        self.created_utc = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.cancel_event = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=max_parallel, thread_name_prefix=f"task-{run_id[:8]}")
        self._sinks = list(sinks)
        self._inbox: queue.Queue[Callable[[], None]] = queue.Queue()
        self._lock = threading.Lock()
        self._states: dict[str, str] = {}
        self._outputs: dict[str, Values] = {}
        self._fingerprints: dict[str, str] = {}
        self._secret_values: list[str] = []

    @property
    def workspace_path(self) -> Path:
        """The pipeline-level shared workspace (`dsl.WORKSPACE_PATH_PLACEHOLDER`)."""
        return self.run_dir / "workspace"

    def task_parts(self, ref: TaskRef) -> tuple[str, ...]:
        """The task's folder below the run dir: `tasks/<key>`, nested DAGs and `[i]` loop
        iterations adding levels. Keys are checked file names (see names.py), so folders of
        different tasks never coincide or nest in one another."""
        return ("tasks", *ref.task_id.split("/"))

    def task_root(self, ref: TaskRef) -> Path:
        return self.run_dir.joinpath(*self.task_parts(ref))

    def placeholder_context(self, ref: TaskRef) -> TaskContext:
        return TaskContext(pipeline_job_name=self.run_name, pipeline_job_id=self.run_id,
                           pipeline_task_name=ref.name, pipeline_task_id=ref.task_id,
                           pipeline_root=str(self.run_dir), workspace_path=str(self.workspace_path),
                           create_time_utc=self.created_utc)

    # -- events -------------------------------------------------------------------------------
    def emit(self, event: RunEvent) -> None:
        for sink in self._sinks:
            try:
                sink(event)
            except Exception as exc:  # a broken subscriber must not stop the run
                print(f"workbench: event sink {sink!r} failed: {exc}", file=sys.stderr)

    def set_state(self, ref: TaskRef, state: str, message: str = "", **details: Any) -> None:
        with self._lock:
            self._states[ref.task_id] = state
        self.emit(TaskStateChanged(run_id=self.run_id, task_id=ref.task_id, task_name=ref.name,
                                   state=state, time=time.time(), iteration=ref.iteration,
                                   message=message, details=details))

    def log(self, ref: TaskRef, line: str, stream: str = "stdout") -> None:
        """Log a line; a task's own output (stdout, stderr) counts against its log limit."""
        if stream in TASK_STREAMS:
            verdict = self._log_budget.admit(ref.task_id, line)
            if verdict is None:
                return
            line, stream = (line, stream) if verdict is True else (verdict, "engine")
        self.emit(LogLine(run_id=self.run_id, task_id=ref.task_id, line=self.masked(line), time=time.time(),
                          stream=stream))

    def masked(self, line: str) -> str:
        """The line with `***` for every secret value of this run."""
        with self._lock:
            secrets = list(self._secret_values)
        for value in secrets:
            line = line.replace(value, "***")
        return line

    def mask(self, values: set[str]) -> None:
        """Every later log line of this run shows `***` for each of these (secret) values, and for
        each line of a multi-line one (a key file printed line by line reaches the log a line at a time)."""
        with self._lock:
            merged = set(self._secret_values) | set(secret_patterns(values))
            self._secret_values = sorted(merged, key=len, reverse=True)  # longest first: no partial leaks

    # -- shared maps ---------------------------------------------------------------------------
    def states(self) -> dict[str, str]:
        with self._lock:
            return dict(self._states)

    def record_outputs(self, ref: TaskRef, outputs: Values) -> None:
        with self._lock:
            self._outputs[ref.task_id] = outputs

    def outputs(self, task_id: str) -> Values | None:
        with self._lock:
            return self._outputs.get(task_id)

    def remember_fingerprints(self, outputs: Values, producer_key: str) -> None:
        """Artifacts enter downstream cache keys by producer key, not by their run-specific path."""
        with self._lock:
            for name, items in outputs.artifacts.items():
                for index, item in enumerate(items):
                    self._fingerprints[item["uri"]] = f"{producer_key}/{name}/{index}"

    def fingerprint(self, artifact: dict[str, Any]) -> str:
        with self._lock:
            known = self._fingerprints.get(artifact["uri"])
        return known or json.dumps([artifact["uri"], artifact.get("metadata", {})], sort_keys=True)

    # -- threads -------------------------------------------------------------------------------
    def post(self, callback: Callable[[], None]) -> None:
        """Run `callback` on the coordinator thread."""
        self._inbox.put(callback)

    def next_callback(self, timeout: float) -> Callable[[], None] | None:
        try:
            return self._inbox.get(timeout=timeout)
        except queue.Empty:
            return None

    def submit(self, work: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """Run `work` on the bounded pool, then `on_done(result)` on the coordinator thread."""
        def finished(future: Any) -> None:
            self.post(lambda: on_done(future.result()))
        self.pool.submit(work).add_done_callback(finished)
