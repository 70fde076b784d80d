"""A crash loses nothing: work recovered after a crash stays recoverable through further crashes
(SIGKILL, then an abort with a fault trace), and the next start reports the crash with its trace."""

from __future__ import annotations

import json
import signal

from child_process import run_child, survived


def session(tmp_path, *args: str):
    return run_child(["tests/gui/recovery_session.py", *args], tmp_path / "data", timeout=180)


def test_work_survives_kill_then_abort_then_is_offered_again(tmp_path):
    first = session(tmp_path, "edit", "first_edit", "kill")
    assert first.returncode == -signal.SIGKILL, first.stderr[-2000:]
    second = session(tmp_path, "recover", "abort")  # recovers, does not edit, aborts
    assert second.returncode == -signal.SIGABRT, second.stderr[-2000:]
    third = survived(session(tmp_path, "report"))
    report = json.loads(next(line for line in third.stdout.splitlines()
                             if line.startswith("REPORT ")).removeprefix("REPORT "))
    assert report["offered"] == 1 and report["recovered"] == 1
    assert report["parameters"] == ["first_edit"] and report["modified"] == [True]
    assert len(report["crashes"]) == 1, "the killed session was reported (and archived) by the second start"
    assert "Aborted" in report["crashes"][0]
    assert "Fatal Python error: Aborted" in report["trace"] and "recovery_session.py" in report["trace"]
    reported = list((tmp_path / "data" / "crashes" / "reported").glob("crash-*.log"))
    assert len(reported) == 2, "both crash logs are kept"
    fourth = survived(session(tmp_path, "report"))
    assert '"offered": 0' in fourth.stdout and '"crashes": []' in fourth.stdout, \
        "saved or discarded: a clean exit leaves nothing to offer"
