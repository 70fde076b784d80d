"""Helpers for the engine tests: a fake in-process backend, an event log, DSL-compiled pipelines
and a polling wait. (The fixtures that use them are in this folder's conftest.py.)
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

from workbench.runs.backend import LineSink, TaskLaunch, TaskOutcome
from workbench.runs.engine.lightweight import with_python, without_prologue
from workbench.runs.events import RunEvent, TaskStateChanged
from workbench.runs.subprocess_backend import run_process

SHARED_VENVS = Path(os.environ.get("WORKBENCH_TEST_VENVS")
                    or Path(tempfile.gettempdir()) / "workbench-test-venvs")


class FakeBackend:
    """Runs the final argv as a host process (lightweight components on the host's kfp) and
    records launches and how many tasks ran at once."""

    name = "fake"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.running = 0
        self.max_running = 0
        self.launches: list[TaskLaunch] = []
        self.prepared: set[tuple[str, tuple[str, ...]]] = set()

    def check(self) -> None:
        pass

    def prepare(self, images_and_packages: set[tuple[str, tuple[str, ...]]],
                progress: Callable[[str], None]) -> None:
        self.prepared = set(images_and_packages)

    def run_task(self, launch: TaskLaunch, on_line: LineSink, cancel: threading.Event) -> TaskOutcome:
        with self._lock:
            self.launches.append(launch)
            self.running += 1
            self.max_running = max(self.max_running, self.running)
        try:
            argv = with_python(without_prologue(launch.argv), sys.executable)
            return run_process(argv, {**os.environ, **launch.env}, launch.workspace, on_line, cancel)
        finally:
            with self._lock:
                self.running -= 1

    def cleanup_run(self, run_id: str) -> int:
        return 0


class EventLog:
    """A thread-safe event sink."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.events: list[RunEvent] = []

    def __call__(self, event: RunEvent) -> None:
        with self._lock:
            self.events.append(event)

    def of(self, kind: type) -> list[Any]:
        with self._lock:
            return [event for event in self.events if isinstance(event, kind)]

    def states(self, task_id: str) -> list[str]:
        return [e.state for e in self.of(TaskStateChanged) if e.task_id == task_id]


def compile_pipeline(pipeline: Any, tmp_path: Path) -> str:
    from kfp import compiler

    path = tmp_path / f"{pipeline.name}.yaml"
    compiler.Compiler().compile(pipeline, str(path))
    return path.read_text()


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False
