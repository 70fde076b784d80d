"""Run a GUI script in a child process, so that a segmentation fault or an abort fails the test
with the fault trace instead of killing the test run. The child gets this checkout on its path,
its own data and settings dirs, and the parent's Qt platform (offscreen, or xcb under Xvfb)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def child_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["WORKBENCH_DATA_DIR"] = str(data_dir)
    env["XDG_CONFIG_HOME"] = str(data_dir.parent / "config")  # the window's QSettings, not the user's
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONFAULTHANDLER"] = "1"
    return env


def run_child(args: list[str], data_dir: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=child_env(data_dir), capture_output=True,
                          text=True, timeout=timeout)


def survived(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    """Fail with the child's fault trace (the tail of its stderr) unless it exited with 0."""
    if result.returncode != 0:
        trace = "\n".join(result.stderr.splitlines()[-60:])
        pytest.fail(f"the app exited with {result.returncode}\n--- stdout\n{result.stdout[-3000:]}\n"
                    f"--- stderr (fault trace)\n{trace}", pytrace=False)
    return result
