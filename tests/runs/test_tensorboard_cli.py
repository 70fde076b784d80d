"""`workbench tensorboard RUN` and the launcher behind it (also used by the app)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from workbench.errors import RunError
from workbench.runs import tensorboard_launch

REPO_ROOT = str(Path(__file__).parents[2])


def _workbench_without_tensorboard(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    """The CLI in a fresh process where `import tensorboard` fails, as after a plain install."""
    code = ("import sys; sys.modules['tensorboard'] = None; from workbench.cli import main; "
            f"sys.exit(main({list(args)!r}))")
    env = {**os.environ, "PYTHONPATH": REPO_ROOT, "WORKBENCH_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)


def test_without_tensorboard_the_cli_says_how_to_install_it(tmp_path):
    result = _workbench_without_tensorboard("tensorboard", "no-such-run", data_dir=tmp_path)
    assert result.returncode != 0
    assert "TensorBoard is not installed: pip install 'pipeline-workbench[tensorboard]'" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_run_without_event_files_is_named(tmp_path):
    (tmp_path / "r1" / "tasks" / "train").mkdir(parents=True)
    with pytest.raises(RunError, match="run r1 wrote no TensorBoard event files"):
        tensorboard_launch.run_logdir(tmp_path, "r1")


def test_a_port_in_use_is_refused_before_starting(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(RunError, match="in use"):
            tensorboard_launch.start(tmp_path, busy.getsockname()[1])


def test_tensorboard_serves_the_run_scalars_on_localhost(tmp_path):
    pytest.importorskip("tensorboardX")
    from tensorboardX import SummaryWriter

    writer = SummaryWriter(str(tmp_path / "r1" / "tasks" / "train" / "tensorboard"))
    writer.add_scalar("loss", 0.5, 1)
    writer.close()
    server = tensorboard_launch.start(tensorboard_launch.run_logdir(tmp_path, "r1"))
    try:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.url + "data/plugin/scalars/tags", timeout=30) as response:
            tags = json.loads(response.read())
        assert list(tags) == ["train/tensorboard"] and list(tags["train/tensorboard"]) == ["loss"]
    finally:
        server.stop()
    assert server.process.poll() is not None


def test_hundreds_of_damaged_event_files_do_not_stall_tensorboard(tmp_path):
    """TensorBoard warns once per damaged event file; 400 of them filled the 64 KiB stderr pipe that
    nobody read, its loader stopped and it never answered. A run written afterwards is shown too."""
    pytest.importorskip("tensorboardX")
    from tensorboardX import SummaryWriter

    tasks = tmp_path / "r1" / "tasks"
    for index in range(400):
        (tasks / f"t{index}").mkdir(parents=True)
        (tasks / f"t{index}" / "events.out.tfevents.1.host").write_bytes(os.urandom(300))
    server = tensorboard_launch.start(tensorboard_launch.run_logdir(tmp_path, "r1"))
    try:
        writer = SummaryWriter(str(tasks / "late" / "tensorboard"))
        writer.add_scalar("loss", 0.5, 1)
        writer.close()
        deadline, tags = time.monotonic() + 30, {}
        while "late/tensorboard" not in tags and time.monotonic() < deadline:
            time.sleep(0.5)
            with urllib.request.urlopen(server.url + "data/plugin/scalars/tags", timeout=30) as response:
                tags = json.loads(response.read())
        assert list(tags.get("late/tensorboard", {})) == ["loss"]
        assert "Read error" in server.output_tail(100_000)  # its warnings are kept, for a failure message
    finally:
        server.stop()
