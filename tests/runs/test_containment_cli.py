"""`workbench run` as a user starts it: hostile run ids, a huge output parameter (engine memory stays
small), SIGTERM and SIGHUP cancelling like Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from containment_support import output_file, pipeline_ir, task

import pipelines
from engine_support import compile_pipeline, wait_until

REPO = Path(__file__).resolve().parents[2]


def workbench(args: list[str], data_dir: Path) -> subprocess.Popen:
    """Started with its output in files beside `data_dir`, so that `finish_measured` can reap it."""
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    with open(f"{data_dir}.out", "w") as out, open(f"{data_dir}.err", "w") as err:
        process = subprocess.Popen([sys.executable, "-m", "workbench", *args], cwd=REPO, env=env,
                                   stdout=out, stderr=err)
    process.data_dir = data_dir
    return process


def finish_measured(process: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str, int]:
    """Exit code, stdout, stderr and the peak resident memory (bytes) of the CLI process itself:
    its VmHWM, polled until it exits (wait4's rusage would also count its children, such as pip
    making a task's virtual environment)."""
    deadline = time.monotonic() + timeout
    peak = 0
    while (reaped := os.wait4(process.pid, os.WNOHANG))[0] == 0:
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"workbench {process.args[3:]} did not finish within {timeout:g} s")
        peak = max(peak, _high_water_mark(process.pid))
        time.sleep(0.02)
    _, status, _ = reaped
    process.returncode = os.waitstatus_to_exitcode(status)
    out, err = (Path(f"{process.data_dir}.{name}").read_text() for name in ("out", "err"))
    return process.returncode, out, err, peak


def _high_water_mark(pid: int) -> int:
    """VmHWM of a running process in bytes (0 once it is a zombie or gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


@pytest.mark.parametrize("run_id", ["/some/dir", "../../x", "a/b", ""])
def test_a_run_id_that_is_a_path_is_a_usage_error(tmp_path, run_id):
    ir_path = tmp_path / "p.yaml"
    ir_path.write_text(pipeline_ir({"t": task(["true"])}))
    code, out, err, _ = finish_measured(workbench(["run", str(ir_path), "--backend", "subprocess",
                                                   "--run-id", run_id], tmp_path / "data"))
    assert code == 2 and "--run-id" in err and "is not allowed" in err and "Traceback" not in err
    assert not (tmp_path / "data").exists()


def test_a_gigabyte_output_parameter_fails_by_name_and_the_engine_stays_small(tmp_path):
    ir_path = tmp_path / "big.yaml"
    # A sparse 1 GiB file: reading it whole would take the engine past a gigabyte.
    ir_path.write_text(pipeline_ir({"huge": task(["sh", "-c", 'mkdir -p "$(dirname "$0")"; truncate -s 1G "$0"',
                                                  output_file("out")], parameters=("out",))}))
    code, out, err, peak = finish_measured(workbench(["run", str(ir_path), "--backend", "subprocess"],
                                                     tmp_path / "data"))
    assert code == 1, err
    assert "task 'huge': output parameter 'out' is larger than the 1 MiB limit" in out
    assert peak < 300 * 2**20, f"engine peak RSS {peak / 2**20:.0f} MiB"
    print(f"engine peak RSS with a 1 GiB output parameter: {peak / 2**20:.0f} MiB")


def test_the_parameter_limit_is_a_cli_option(tmp_path):
    ir_path = tmp_path / "mid.yaml"
    ir_path.write_text(pipeline_ir({"mid": task(["sh", "-c", 'mkdir -p "$(dirname "$0")"; truncate -s 2000 "$0"',
                                                 output_file("out")], parameters=("out",))}))
    code, out, _, _ = finish_measured(workbench(["run", str(ir_path), "--backend", "subprocess",
                                                 "--max-parameter-size", "1000"], tmp_path / "data"))
    assert code == 1 and "larger than the 1000 bytes limit" in out
    code, out, _, _ = finish_measured(workbench(["run", str(ir_path), "--backend", "subprocess",
                                                 "--max-parameter-size", "2KiB"], tmp_path / "data"))
    assert code == 0, out


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_cancel_the_run_like_ctrl_c(tmp_path, sig):
    ir_path = tmp_path / "cancellable.yaml"
    pid_file = tmp_path / "task.pid"
    ir_path.write_text(compile_pipeline(pipelines.cancellable, tmp_path))
    process = workbench(["run", str(ir_path), "--backend", "subprocess", "--param", f"pid_file={pid_file}"],
                        tmp_path / "data")
    assert wait_until(lambda: pid_file.exists() and pid_file.read_text().strip(), 30)
    process.send_signal(sig)
    code, out, err, _ = finish_measured(process)
    assert code == 128 + sig, err
    assert "cancelling the run" in err and "cancelled" in out
    status = Path(f"/proc/{pid_file.read_text().strip()}/status")
    assert wait_until(lambda: not status.exists() or "State:\tZ" in status.read_text(), 2)
