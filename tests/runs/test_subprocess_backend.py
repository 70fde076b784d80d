"""The subprocess backend: live line streaming, cancel of the whole process group, venv reuse."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

from engine_support import wait_until
from workbench.runs.backend import TaskLaunch
from workbench.runs.subprocess_backend import ISOLATION_NOTICE, SubprocessBackend

KFP_SET = ("kfp==2.14.3 --no-deps 'typing-extensions>=3.7.4,<5; python_version<\"3.9\"'",)


def launch(argv: list[str], tmp_path: Path, packages: tuple[str, ...] = ()) -> TaskLaunch:
    return TaskLaunch(run_id="r", task_id="t", image="python:3.11", argv=tuple(argv), env={"GREETING": "hi"},
                      workspace=tmp_path, packages=packages)


def test_lines_stream_live_from_both_pipes(tmp_path):
    lines: list[tuple[float, str, str]] = []
    script = 'echo "$GREETING out"; echo err >&2; sleep 1; echo last'
    started = time.monotonic()
    outcome = SubprocessBackend(tmp_path / "v").run_task(
        launch(["sh", "-c", script], tmp_path), lambda line, stream: lines.append((time.monotonic(), line, stream)),
        threading.Event())
    assert outcome.exit_code == 0 and not outcome.cancelled
    assert [(line, stream) for _, line, stream in lines] in (
        [("hi out", "stdout"), ("err", "stderr"), ("last", "stdout")],
        [("err", "stderr"), ("hi out", "stdout"), ("last", "stdout")])
    assert lines[0][0] - started < 0.8  # arrived before the process ended


def test_exit_code_is_reported(tmp_path):
    outcome = SubprocessBackend(tmp_path / "v").run_task(launch(["sh", "-c", "exit 4"], tmp_path),
                                                         lambda *_: None, threading.Event())
    assert outcome.exit_code == 4


def test_cancel_stops_the_process_group_within_two_seconds(tmp_path):
    pid_file = tmp_path / "pid"
    cancel = threading.Event()
    result = {}
    argv = ["sh", "-c", f'trap "" TERM; sleep 60 & echo $! > {pid_file}; wait; sleep 60']
    worker = threading.Thread(target=lambda: result.update(outcome=SubprocessBackend(tmp_path / "v").run_task(
        launch(argv, tmp_path), lambda *_: None, cancel)))
    worker.start()
    assert wait_until(lambda: pid_file.exists() and pid_file.read_text().strip())
    started = time.monotonic()
    cancel.set()
    worker.join(5)
    assert not worker.is_alive() and result["outcome"].cancelled
    assert time.monotonic() - started < 2.0 + 0.5
    child = Path(f"/proc/{pid_file.read_text().strip()}/status")
    assert wait_until(lambda: not child.exists() or "State:\tZ" in child.read_text(), 2)


def test_lightweight_component_runs_in_a_reused_venv_without_its_prologue(subprocess_backend, tmp_path):
    prologue = ("\nif ! [ -x \"$(command -v pip)\" ]; then\n    python3 -m ensurepip\nfi\n\n"
                "PIP_DISABLE_PIP_VERSION_CHECK=1 python3 -m pip install --quiet --no-warn-script-location "
                "'kfp==2.14.3' '--no-deps' 'typing-extensions>=3.7.4,<5; python_version<\"3.9\"' && \"$0\" \"$@\"\n")
    program = "_KFP_RUNTIME=true python3 -m kfp.dsl.executor_main --help > /dev/null && echo launcher-ok"
    argv = ["sh", "-c", prologue, "sh", "-ec", program]
    lines: list[str] = []
    outcome = subprocess_backend.run_task(launch(argv, tmp_path, KFP_SET), lambda line, _: lines.append(line),
                                          threading.Event())
    assert outcome.exit_code == 0 and lines[-1] == "launcher-ok", lines
    assert not any("pip" in line for line in lines[-1:])
    started = time.monotonic()
    python = subprocess_backend.ensure_venv(KFP_SET, lambda _: None)
    assert time.monotonic() - started < 0.1
    assert python.is_file() and str(python).startswith(str(subprocess_backend.venv_root))
    version = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('kfp'))"], capture_output=True,
                             text=True, timeout=30).stdout.strip()
    assert version == "2.14.3"


def test_isolation_notice_is_given_once(tmp_path):
    backend = SubprocessBackend(tmp_path / "v")
    messages: list[str] = []
    backend.prepare(set(), messages.append)
    backend.prepare(set(), messages.append)
    assert messages == [ISOLATION_NOTICE]
