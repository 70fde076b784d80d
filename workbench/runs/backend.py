"""The contract between the engine (which walks the IR) and a task backend (which runs one process).

The engine resolves everything KFP-specific (placeholders, executor input, output paths) and hands
a backend a `TaskLaunch`: an image, a final argv, environment and limits. A backend only starts,
streams, waits and stops. The run's workspace (pipeline root) is visible to the task at the same
absolute path as on the host, so artifact paths in the executor input need no rewriting.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol


@dataclass(frozen=True)
class TaskLaunch:
    run_id: str
    task_id: str
    image: str
    argv: tuple[str, ...]
    env: dict[str, str]
    workspace: Path
    packages: tuple[str, ...] = ()
    cpu_limit: float | None = None
    memory_limit: int | None = None
    accelerator_type: str = ""
    accelerator_count: int = 0
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TaskOutcome:
    exit_code: int
    message: str = ""
    oom_killed: bool = False
    cancelled: bool = False


LineSink = Callable[[str, str], None]  # (line without newline, stream name)


class TaskBackend(Protocol):
    """Runs single tasks. Implementations must be safe to call from many threads at once."""

    name: str

    def check(self) -> None:
        """Raise RunError with an actionable message when this backend cannot run here."""

    def prepare(self, images_and_packages: set[tuple[str, tuple[str, ...]]],
                progress: Callable[[str], None]) -> None:
        """Make runtimes ready (derived images, virtual environments) before a run starts."""

    def run_task(self, launch: TaskLaunch, on_line: LineSink, cancel: threading.Event) -> TaskOutcome:
        """Run to completion; stop within 2 s once `cancel` is set (then `cancelled=True`)."""

    def cleanup_run(self, run_id: str) -> int:
        """Remove whatever a run left behind (containers); return how many were removed."""
