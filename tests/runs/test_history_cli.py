"""`workbench runs ...` through a real subprocess, including recovery after a SIGKILLed run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from workbench.runs.docker_backend import RUN_LABEL
from workbench.runs.events import LogLine, RunFinished, RunStarted, TaskStateChanged
from workbench.runs.store import RunStore


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "WORKBENCH_DATA_DIR": str(tmp_path / "data")}


def workbench(env, *args):
    return subprocess.run([sys.executable, "-m", "workbench", *args], env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def finished_run(env):
    store = RunStore(os.path.join(env["WORKBENCH_DATA_DIR"], "runs.sqlite"))
    store.create_run("7f3a9c01", "train-compare", "pipelineInfo: {}\n", {"lr": 0.1}, "docker")
    for event in [RunStarted("7f3a9c01", "train-compare", "docker", {"lr": 0.1}, 1000.0),
                  TaskStateChanged("7f3a9c01", "train", "train", "running", 1001.0),
                  LogLine("7f3a9c01", "train", "epoch 1 loss 0.5", 1002.0),
                  TaskStateChanged("7f3a9c01", "train", "train", "failed", 1003.0, message="exited with code 3"),
                  RunFinished("7f3a9c01", "failed", 1012.5)]:
        store.on_event(event)
    store.close()
    return "7f3a9c01"


def test_list_show_logs_and_delete(env, finished_run):
    listed = workbench(env, "runs", "list")
    assert listed.returncode == 0, listed.stderr
    header, row = listed.stdout.splitlines()
    assert header.split() == ["RUN", "PIPELINE", "STATE", "START", "DURATION"]
    assert row.split()[:3] == [finished_run, "train-compare", "failed"] and row.endswith("12.5s")

    shown = workbench(env, "runs", "show", "7f3a")
    assert shown.returncode == 0, shown.stderr
    assert "lr=0.1" in shown.stdout and "exited with code 3" in shown.stdout

    assert workbench(env, "runs", "logs", "7f3a", "train").stdout == "epoch 1 loss 0.5\n"
    assert workbench(env, "runs", "logs", "7f3a").stdout == "[train] epoch 1 loss 0.5\n"

    assert workbench(env, "runs", "delete", "7f3a").stdout == f"deleted run {finished_run}\n"
    assert workbench(env, "runs", "list").stdout == "no runs yet\n"
    missing = workbench(env, "runs", "show", "7f3a")
    assert missing.returncode == 1 and "no run with id '7f3a'" in missing.stderr


HOLDER = textwrap.dedent("""
    import sys, threading
    from pathlib import Path
    from workbench.runs import paths
    from workbench.runs.backend import TaskLaunch
    from workbench.runs.docker_backend import DockerBackend
    from workbench.runs.store import RunStore

    store = RunStore(paths.runs_db_path())
    store.create_run("killed-run", "demo", "", {}, "docker")
    workspace = paths.workspace_root() / "killed-run"
    workspace.mkdir(parents=True)
    launch = TaskLaunch(run_id="killed-run", task_id="sleeper", image=sys.argv[1], argv=("sh", "-c", "echo up; sleep 300"),
                        env={}, workspace=workspace)
    def on_line(line, stream):
        print(line, flush=True)
    DockerBackend().run_task(launch, on_line, threading.Event())
""")


@pytest.mark.docker
def test_a_sigkilled_run_is_marked_interrupted_and_its_containers_removed(env, docker_client, base_image):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, base_image], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "up\n"  # the task's container is running
        assert len(docker_client.containers.list(filters={"label": f"{RUN_LABEL}=killed-run"})) == 1
        holder.send_signal(signal.SIGKILL)
        holder.wait(30)
    finally:
        holder.kill()
        holder.stdout.close()

    listed = workbench(env, "runs", "list")
    assert listed.returncode == 0, listed.stderr
    assert "run killed-run was interrupted" in listed.stdout
    assert "interrupted" in listed.stdout.splitlines()[-1]
    assert docker_client.containers.list(all=True, filters={"label": f"{RUN_LABEL}=killed-run"}) == []
    again = workbench(env, "runs", "list")
    assert "was interrupted" not in again.stdout  # recovered once
