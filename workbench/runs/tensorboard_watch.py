"""TensorBoard scalars of a running task, turned into the same MetricLogged events as WORKBENCH_METRIC lines.

The engine points `$TENSORBOARD_LOG_DIR` at a folder inside the task's own folder, and any
SummaryWriter (PyTorch, tensorboardX, Keras) writes event files there or into an output artifact;
both lie under the task folder, which this module polls every half second while the task runs.

Event files are read with tensorboard's own incremental loader (it keeps its offset, reads only
new bytes and retries a half-written record on the next poll), so the reader needs the `tensorboard`
package (the `[tensorboard]` extra) but not TensorFlow. The task folder is written by the pipeline,
so it is walked and opened one component at a time without following links; the loader reads the
opened file through `/proc/self/fd`, never by a name the task could swap. Memory stays bounded by
the loader's 16 MB read block and the largest record, whatever the size of the file.
"""

from __future__ import annotations

import contextlib
import math
import os
import stat
import struct
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from workbench.runs.events import MetricLogged

LOG_DIR_VARIABLE = "TENSORBOARD_LOG_DIR"
LOG_DIR_NAME = "tensorboard"
EVENT_FILE_MARK = "tfevents"
POLL_INTERVAL_S = 0.5
MAX_DEPTH = 8  # folders below the task folder searched for event files
MAX_ENTRIES = 20_000  # directory entries looked at per scan: a task cannot make a scan endless
MAX_FILES = 64  # event files followed per task
INSTALL_HINT = "pip install 'pipeline-workbench[tensorboard]'"
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def task_env(task_root: Path) -> dict[str, str]:
    """`$TENSORBOARD_LOG_DIR` for a task: a folder inside its own folder (the writer creates it)."""
    return {LOG_DIR_VARIABLE: str(task_root / LOG_DIR_NAME)}


def reader_available() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("tensorboard.backend.event_processing.event_file_loader") is not None
    except ImportError:
        return False


def open_event_files(root: Path) -> list[int]:
    """Descriptors of the regular event files under `root` (the caller closes them), links never followed."""
    found: list[int] = []
    budget = [MAX_ENTRIES]
    try:
        folder = os.open(root, _DIR_FLAGS)
    except OSError:
        return found
    try:
        _scan(folder, 0, found, budget)
    finally:
        os.close(folder)
    return found


def has_event_files(root: Path) -> bool:
    found = open_event_files(root)
    for fd in found:
        os.close(fd)
    return bool(found)


def _scan(folder: int, depth: int, found: list[int], budget: list[int]) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            budget[0] -= 1
            if budget[0] < 0:
                return
            if entry.is_dir(follow_symlinks=False) and depth < MAX_DEPTH:
                with contextlib.suppress(OSError):
                    child = os.open(entry.name, _DIR_FLAGS, dir_fd=folder)
                    try:
                        _scan(child, depth + 1, found, budget)
                    finally:
                        os.close(child)
            elif EVENT_FILE_MARK in entry.name and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    fd = os.open(entry.name, _FILE_FLAGS, dir_fd=folder)
                    if stat.S_ISREG(os.fstat(fd).st_mode):
                        found.append(fd)
                    else:
                        os.close(fd)


def _one_element(tensor: Any) -> bool:
    """Whether the tensor's shape holds one value: a 17-byte record can declare 200 million, which
    `make_ndarray` would allocate (800 MB) before anyone could look at its size."""
    return all(dim.size == 1 for dim in tensor.tensor_shape.dim)


class _EventFile:
    """One event file, held open by descriptor, with tensorboard's loader over it."""

    def __init__(self, fd: int):
        from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

        self.fd = fd
        self.loader = EventFileLoader(f"/proc/self/fd/{fd}")
        self.scalar_tags: set[str] = set()
        self.broken = False

    def scalars(self) -> Iterator[tuple[str, float, int]]:
        """(tag, value, step) of the scalars written since the last call."""
        from google.protobuf.message import DecodeError

        try:
            for event in self.loader.Load():
                for value in event.summary.value:
                    number = self._scalar(value)
                    if number is not None:
                        yield value.tag, number, int(event.step)
        except (DecodeError, ValueError, TypeError, OSError, RuntimeError, MemoryError, OverflowError, struct.error):
            self.broken = True  # not an event file (or a record claiming absurd size): skip it, keep the others

    def _scalar(self, value: Any) -> float | None:
        if value.HasField("simple_value"):
            return float(value.simple_value)
        if value.metadata.plugin_data.plugin_name == "scalars":
            self.scalar_tags.add(value.tag)
        if value.tag not in self.scalar_tags or not value.HasField("tensor") or not _one_element(value.tensor):
            return None
        from tensorboard.util import tensor_util

        array = tensor_util.make_ndarray(value.tensor)
        return float(array.item()) if array.size == 1 else None

    def close(self) -> None:
        os.close(self.fd)


class TensorBoardWatcher:
    """Follows the event files under a task folder and emits their scalars as MetricLogged."""

    def __init__(self, task_root: Path, run_id: str, task_id: str, emit: Callable[[MetricLogged], None],
                 note: Callable[[str], None] = lambda message: None, interval: float = POLL_INTERVAL_S):
        self.task_root, self.run_id, self.task_id = task_root, run_id, task_id
        self.emit, self.note, self.interval = emit, note, interval
        self._files: dict[tuple[int, int], _EventFile] = {}  # (device, inode) -> reader
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._reader = reader_available()
        self._warned = False

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name=f"tensorboard-{self.task_id[:12]}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop polling after one last read, so scalars written just before the task ended count."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        for event_file in self._files.values():
            event_file.close()
        self._files.clear()

    def _loop(self) -> None:
        while True:
            stopping = self._stop.wait(self.interval)
            try:
                self.poll()
            except OSError:
                pass  # the task folder is being reset or removed; the next poll looks again
            if stopping:
                return

    def poll(self) -> int:
        """Read the new bytes of every event file; returns how many scalars were emitted."""
        found = open_event_files(self.task_root)
        if not self._reader:
            for fd in found:
                os.close(fd)
            if found and not self._warned:
                self._warned = True
                self.note(f"workbench: TensorBoard event files found, but the tensorboard package is not installed: "
                          f"{INSTALL_HINT} to see their scalars")
            return 0
        for fd in found:
            info = os.fstat(fd)
            key = (info.st_dev, info.st_ino)
            if key in self._files or len(self._files) >= MAX_FILES:
                os.close(fd)
            else:
                self._files[key] = _EventFile(fd)
        emitted = 0
        for event_file in self._files.values():
            if event_file.broken:
                continue
            for tag, value, step in event_file.scalars():
                if math.isfinite(value):
                    self.emit(MetricLogged(run_id=self.run_id, task_id=self.task_id, name=tag, value=value,
                                           step=step, time=time.time()))
                    emitted += 1
        return emitted


@contextlib.contextmanager
def watching(task_root: Path, run_id: str, task_id: str, emit: Callable[[MetricLogged], None],
             note: Callable[[str], None]) -> Iterator[None]:
    """Follow the task's TensorBoard scalars for the duration of the block (one task attempt)."""
    watcher = TensorBoardWatcher(task_root, run_id, task_id, emit, note)
    watcher.start()
    try:
        yield
    finally:
        watcher.stop()
