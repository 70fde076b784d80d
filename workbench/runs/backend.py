"""The contract between the engine (which walks the IR) and a task backend (which runs one process).

The engine resolves everything KFP-specific (placeholders, executor input, output paths) and hands
a backend a `TaskLaunch`: an image, a final argv, environment, mounts and limits. A backend only
starts, streams, waits and stops. What a task may see of the run's workspace is listed in `mounts`,
each at the same absolute path as on the host, so artifact paths in the executor input need no
rewriting.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol


MAX_LINE_BYTES = 64 * 1024
"""A longer line is cut there (with a note): a task printing without newlines cannot fill memory."""


@dataclass(frozen=True)
class Mount:
    """A host path shown to a container task at the same path; read-only unless `writable`."""

    path: Path
    writable: bool = False


@dataclass(frozen=True)
class PodVolume:
    """A Kubernetes volume emulated in Docker at `target` (a path inside the container only):
    `kind` "volume" (the named Docker volume `source`, a PVC), "tmpfs" (an emptyDir in memory,
    at most `size_bytes`) or "bind" (a host folder `source` the engine prepared, e.g. a secret's
    files)."""

    kind: str
    target: str
    source: str = ""
    read_only: bool = False
    size_bytes: int | None = None


@dataclass(frozen=True)
class TaskLaunch:
    run_id: str
    task_id: str
    image: str
    argv: tuple[str, ...]
    env: dict[str, str]
    workspace: Path
    mounts: tuple[Mount, ...] = ()
    """Empty: the whole `workspace` read-write (for tools and tests that run one task alone)."""
    packages: tuple[str, ...] = ()
    cpu_limit: float | None = None
    memory_limit: int | None = None
    accelerator_type: str = ""
    accelerator_count: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    volumes: tuple[PodVolume, ...] = ()
    user: str | None = None
    """`UID[:GID]` from the Kubernetes security context; None: the backend's default."""
    deadline_s: float | None = None
    """Kubernetes `activeDeadlineSeconds`: the backend stops the task after that long."""


@dataclass(frozen=True)
class TaskOutcome:
    exit_code: int
    message: str = ""
    oom_killed: bool = False
    cancelled: bool = False


LineSink = Callable[[str, str], None]  # (line without newline, stream name)


class LineSplitter:
    """Turns one stream's chunks into lines for a LineSink, holding at most MAX_LINE_BYTES: the
    rest of a longer line is dropped, with a note where it was cut."""

    def __init__(self, stream: str, on_line: LineSink, max_line: int = MAX_LINE_BYTES):
        self.stream, self.on_line, self.max_line = stream, on_line, max_line
        self._pending = b""
        self._cutting = False

    def feed(self, chunk: bytes) -> None:
        *lines, rest = (self._pending + chunk).split(b"\n")
        for line in lines:
            if not self._cutting:
                self._emit(line[:self.max_line], cut=len(line) > self.max_line)
            self._cutting = False
        if len(rest) > self.max_line:
            if not self._cutting:
                self._emit(rest[:self.max_line], cut=True)
            self._cutting, rest = True, b""
        self._pending = rest

    def close(self) -> None:
        if self._pending and not self._cutting:
            self._emit(self._pending)
        self._pending = b""

    def _emit(self, raw: bytes, cut: bool = False) -> None:
        text = raw.rstrip(b"\r").decode("utf-8", errors="replace")
        self.on_line(f"{text} [line cut at {self.max_line:,} bytes]" if cut else text, self.stream)


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
