"""Tasks as local processes, for machines without Docker. Isolation is lower: a task sees the
whole file system and network of the user running it. It does not see the host's environment
variables (tokens, keys): only PATH, HOME, TMPDIR, TZ, locale and proxy settings pass, plus what
the task spec sets.

KFP lightweight components normally `pip install kfp==X ...` when they start. Here each package
set gets one cached virtual environment (created with `python -m venv`, filled by the host's
pip), and the task runs without that prologue, on the environment's interpreter.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Mapping

from workbench.errors import RunError
from workbench.runs.backend import LineSink, LineSplitter, TaskLaunch, TaskOutcome
from workbench.runs.engine.lightweight import with_python, without_prologue

ISOLATION_NOTICE = ("subprocess backend: tasks run as local processes with your user's files and "
                    "network (lower isolation than Docker)")
_TERMINATE_GRACE_SECONDS = 1.5
_READER_JOIN_SECONDS = 5.0
_VENV_LOCK_TIMEOUT_SECONDS = 1800.0
_READY_MARKER = "workbench-ready.json"
_PASSED_VARIABLES = {"PATH", "HOME", "LANG", "LANGUAGE", "TMPDIR", "TZ"}
_PROXY_VARIABLES = {"http_proxy", "https_proxy", "no_proxy", "all_proxy"}
_READ_CHUNK = 64 * 1024


class SubprocessBackend:
    name = "subprocess"

    def __init__(self, venv_root: Path):
        self.venv_root = Path(venv_root)
        self._notice_lock = threading.Lock()
        self._notice_shown = False

    def check(self) -> None:
        if shutil.which("sh") is None:
            raise RunError("the subprocess backend needs a POSIX shell ('sh' not found on PATH)")

    def prepare(self, images_and_packages: set[tuple[str, tuple[str, ...]]],
                progress: Callable[[str], None]) -> None:
        with self._notice_lock:
            if not self._notice_shown:
                self._notice_shown = True
                progress(ISOLATION_NOTICE)
        for package_set in sorted({packages for _, packages in images_and_packages if packages}):
            self.ensure_venv(package_set, progress)

    def run_task(self, launch: TaskLaunch, on_line: LineSink, cancel: threading.Event) -> TaskOutcome:
        argv = list(launch.argv)
        if launch.packages:
            try:
                python = self.ensure_venv(launch.packages, lambda text: on_line(text, "engine"))
            except RunError as exc:
                return TaskOutcome(exit_code=1, message=str(exc))
            argv = with_python(without_prologue(argv), str(python))
        env = {**task_environment(os.environ), **launch.env, "PYTHONUNBUFFERED": "1"}
        return run_process(argv, env, launch.workspace, on_line, cancel)

    def cleanup_run(self, run_id: str) -> int:
        """Processes never outlive their task here, so nothing is left to remove."""
        return 0

    def ensure_venv(self, package_set: tuple[str, ...], progress: Callable[[str], None]) -> Path:
        """The interpreter of the environment for `package_set`, created once (locked across
        processes and threads)."""
        key = hashlib.sha256(json.dumps([sys.version, list(package_set)]).encode()).hexdigest()[:16]
        venv_dir = self.venv_root / key
        python = venv_dir / "bin" / "python"
        if (venv_dir / _READY_MARKER).is_file():
            return python
        self.venv_root.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.venv_root / f"{key}.lock", _VENV_LOCK_TIMEOUT_SECONDS):
            if (venv_dir / _READY_MARKER).is_file():
                return python
            shutil.rmtree(venv_dir, ignore_errors=True)
            progress(f"creating a virtual environment for {'; '.join(package_set)}")
            _checked([sys.executable, "-m", "venv", "--without-pip", str(venv_dir)], "venv")
            for arguments in package_set:
                _checked([sys.executable, "-m", "pip", "--python", str(python), "install",
                          "--disable-pip-version-check", "--no-input", "--quiet",
                          *shlex.split(arguments)], f"pip install {arguments}")
            (venv_dir / _READY_MARKER).write_text(json.dumps(list(package_set)), encoding="utf-8")
        return python


def task_environment(host: Mapping[str, str]) -> dict[str, str]:
    """The few host variables a task process needs to find programs, files, its locale and the
    network; everything else (credentials above all) stays with the host."""
    return {name: value for name, value in host.items()
            if name in _PASSED_VARIABLES or name.startswith("LC_") or name.lower() in _PROXY_VARIABLES}


def run_process(argv: list[str], env: dict[str, str], cwd: Path, on_line: LineSink,
                cancel: threading.Event) -> TaskOutcome:
    """Run in a new process group, stream both pipes line by line, stop the group on cancel."""
    try:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, cwd=cwd, env=env, start_new_session=True)
    except OSError as exc:
        return TaskOutcome(exit_code=127, message=f"cannot start {argv[0]!r}: {exc.strerror or exc}")
    readers = [threading.Thread(target=_pump, args=(pipe, name, on_line), daemon=True)
               for pipe, name in ((process.stdout, "stdout"), (process.stderr, "stderr"))]
    for reader in readers:
        reader.start()
    cancelled = False
    while process.poll() is None:
        if cancel.wait(0.05):
            cancelled = True
            _stop_group(process)
            break
    deadline = time.monotonic() + _READER_JOIN_SECONDS
    for reader in readers:
        reader.join(max(0.0, deadline - time.monotonic()))
    if any(reader.is_alive() for reader in readers):  # a background child still holds the pipes
        _signal_group(process, signal.SIGKILL)
        for reader in readers:
            reader.join(1.0)
    code = process.returncode if process.returncode is not None else -signal.SIGKILL
    message = f"killed by signal {-code}" if code < 0 and not cancelled else ""
    return TaskOutcome(exit_code=code, message=message, cancelled=cancelled)


def _pump(pipe, stream: str, on_line: LineSink) -> None:
    splitter = LineSplitter(stream, on_line)
    with pipe:
        while chunk := pipe.read1(_READ_CHUNK):
            splitter.feed(chunk)
    splitter.close()


def _stop_group(process: subprocess.Popen) -> None:
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=_TERMINATE_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        try:
            process.wait(timeout=_TERMINATE_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            pass


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _checked(argv: list[str], what: str) -> None:
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=_VENV_LOCK_TIMEOUT_SECONDS)
    if completed.returncode != 0:
        tail = " | ".join((completed.stderr or completed.stdout).strip().splitlines()[-3:])
        raise RunError(f"{what} failed: {tail}", element="subprocess backend")


class _file_lock:
    """An exclusive flock, polled so that waiting has a timeout."""

    def __init__(self, path: Path, timeout: float):
        self.path, self.timeout = path, timeout

    def __enter__(self) -> None:
        self.handle = open(self.path, "w")
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.handle.close()
                    raise RunError(f"timed out waiting for {self.path}", element="subprocess backend")
                time.sleep(0.2)

    def __exit__(self, *exc_info: object) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
