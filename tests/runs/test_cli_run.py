"""`workbench run` through a real subprocess: progress, JSON lines, exit codes, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pipelines
from engine_support import compile_pipeline, wait_until

REPO = Path(__file__).resolve().parents[2]


def workbench(args: list[str], data_dir: Path, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "workbench", *args], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def finish(process: subprocess.Popen, timeout: float = 60) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def test_help_lists_the_options(tmp_path):
    code, out, _ = finish(workbench(["run", "--help"], tmp_path))
    assert code == 0
    for option in ("--backend", "--param", "--max-parallel", "--no-cache", "--events", "--run-id"):
        assert option in out


def test_successful_run_prints_progress_and_exits_0(corpus_dir, tmp_path):
    code, out, err = finish(workbench(["run", str(corpus_dir / "hello_world.yaml"), "--backend", "subprocess",
                                       "--run-id", "hello-1"], tmp_path))
    assert code == 0, err
    assert "echo" in out and "succeeded" in out
    assert "run hello-1 succeeded" in out
    assert "lower isolation than Docker" in err


def test_params_are_typed_and_checked(tmp_path):
    ir_path = tmp_path / "retrying.yaml"
    ir_path.write_text(compile_pipeline(pipelines.retrying, tmp_path))
    code, _, err = finish(workbench(["run", str(ir_path), "--backend", "subprocess", "--param", "counter=c",
                                     "--param", "succeed_at=soon"], tmp_path))
    assert code == 1 and "succeed_at" in err and "NUMBER_INTEGER" in err and len(err.strip().splitlines()) == 1
    code, _, err = finish(workbench(["run", str(ir_path), "--backend", "subprocess", "--param", "nope=1"], tmp_path))
    assert code == 1 and "no parameter 'nope'" in err


def test_failed_run_exits_1_with_the_task_and_its_last_log_lines(tmp_path):
    ir_path = tmp_path / "failing.yaml"
    ir_path.write_text(compile_pipeline(pipelines.failure_propagation, tmp_path))
    code, out, _ = finish(workbench(["run", str(ir_path), "--backend", "subprocess", "--max-parallel", "2"],
                                    tmp_path))
    assert code == 1
    assert "'fail' exited with code 3" in out
    assert "last log lines of fail" in out and "    boom" in out


def test_events_jsonl_prints_one_event_a_line(corpus_dir, tmp_path):
    code, out, _ = finish(workbench(["run", str(corpus_dir / "hello_world.yaml"), "--backend", "subprocess",
                                     "--events", "jsonl", "--no-cache"], tmp_path))
    events = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert events[0]["event"] == "RunStarted" and events[-1]["event"] == "RunFinished"
    assert {"event": "LogLine", "line": "hello world"}.items() <= next(
        e for e in events if e["event"] == "LogLine").items()


def test_ctrl_c_cancels_the_run_and_exits_130(tmp_path):
    ir_path = tmp_path / "cancellable.yaml"
    pid_file = tmp_path / "task.pid"
    ir_path.write_text(compile_pipeline(pipelines.cancellable, tmp_path))
    process = workbench(["run", str(ir_path), "--backend", "subprocess", "--param", f"pid_file={pid_file}"],
                        tmp_path)
    assert wait_until(lambda: pid_file.exists() and pid_file.read_text().strip(), 30)
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    code, out, err = finish(process, 10)
    assert code == 130
    assert time.monotonic() - started < 5
    assert "sleep-recording-pid" in out and "cancelled" in out
    status = Path(f"/proc/{pid_file.read_text().strip()}/status")
    assert wait_until(lambda: not status.exists() or "State:\tZ" in status.read_text(), 2)


@pytest.mark.parametrize("path", ["missing.yaml"])
def test_unreadable_pipeline_is_a_one_line_error(tmp_path, path):
    code, _, err = finish(workbench(["run", str(tmp_path / path), "--backend", "subprocess"], tmp_path))
    assert code == 1 and err.startswith("error:") and "missing.yaml" in err
