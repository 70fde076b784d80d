"""The Docker task backend against a real engine: exit codes, live logs, cancel, OOM, isolation."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest

from workbench.errors import RunError
from workbench.runs.backend import TaskLaunch
from workbench.runs.docker_backend import RUN_LABEL, TASK_LABEL, DockerBackend, cleanup_orphans

pytestmark = pytest.mark.docker

# Prints "ready", then waits (at most 60 s) for the test to create GO in the workspace.
WAIT_FOR_GO = 'echo ready; i=0; while [ ! -e "$GO" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; echo done'


@pytest.fixture
def workspace(tmp_path) -> Path:
    path = tmp_path / "workspace"
    path.mkdir()
    return path


@pytest.fixture
def backend(docker_client) -> DockerBackend:
    return DockerBackend(docker_client)


def launch(workspace: Path, argv: list[str], image: str, **extra) -> TaskLaunch:
    return TaskLaunch(run_id=f"test-{uuid.uuid4().hex[:12]}", task_id="task-1", image=image, argv=tuple(argv),
                      env=extra.pop("env", {}), workspace=workspace, **extra)


class Lines:
    """A LineSink that records (stream, line) pairs and runs a hook on a chosen line."""

    def __init__(self, hook=None):
        self.seen: list[tuple[str, str]] = []
        self.hook = hook

    def __call__(self, line: str, stream: str) -> None:
        self.seen.append((stream, line))
        if self.hook:
            self.hook(line)


def run(backend, task, on_line=None, cancel=None):
    return backend.run_task(task, on_line or Lines(), cancel or threading.Event())


def labelled(client, run_id):
    return client.containers.list(all=True, filters={"label": f"{RUN_LABEL}={run_id}"})


def test_failing_task_reports_exit_code_and_keeps_its_output(backend, workspace, base_image):
    lines = Lines()
    outcome = run(backend, launch(workspace, ["sh", "-c", "echo partial; echo broken >&2; exit 3"], base_image),
                  lines)
    assert outcome.exit_code == 3 and not outcome.cancelled and not outcome.oom_killed
    assert "3" in outcome.message
    assert ("stdout", "partial") in lines.seen and ("stderr", "broken") in lines.seen


def test_logs_arrive_line_by_line_while_the_task_runs(backend, workspace, base_image):
    go = workspace / "go"
    # The task only goes on once the test has seen its first line: a buffered log would deadlock it.
    lines = Lines(hook=lambda line: line == "ready" and go.touch())
    task = launch(workspace, ["sh", "-c", WAIT_FOR_GO + "; printf 'a\\nb\\r\\nno newline'"], base_image,
                  env={"GO": str(go)})
    outcome = run(backend, task, lines)
    assert outcome.exit_code == 0
    assert [line for stream, line in lines.seen if stream == "stdout"] == ["ready", "done", "a", "b", "no newline"]


def test_cancel_stops_the_container_within_two_seconds_and_removes_it(backend, workspace, base_image, docker_client):
    cancel = threading.Event()
    started = threading.Event()
    task = launch(workspace, ["sh", "-c", "echo started; sleep 300"], base_image)
    result = {}
    worker = threading.Thread(target=lambda: result.update(
        outcome=run(backend, task, Lines(hook=lambda line: started.set()), cancel)))
    worker.start()
    assert started.wait(60)
    cancel.set()
    began = time.monotonic()
    worker.join(30)
    assert time.monotonic() - began < 3.5  # the promise is 2 s; generous margin for a loaded machine
    assert result["outcome"].cancelled
    assert labelled(docker_client, task.run_id) == []


def test_out_of_memory_is_reported_as_such(backend, workspace, base_image):
    task = launch(workspace, ["python3", "-c", "blob = 'x' * (400 << 20)"], base_image, memory_limit=64 << 20)
    outcome = run(backend, task)
    assert outcome.oom_killed and outcome.exit_code != 0
    assert "out of memory" in outcome.message and "64 MiB" in outcome.message


def test_container_is_labelled_isolated_and_mounts_only_the_workspace(backend, workspace, base_image, docker_client):
    go = workspace / "go"
    seen = {}

    def inspect(line):
        if line == "ready":
            [container] = labelled(docker_client, task.run_id)
            seen.update(container.attrs)
            go.touch()

    task = launch(workspace, ["sh", "-c", WAIT_FOR_GO + f"; echo written > {workspace}/out.txt"], base_image,
                  env={"GO": str(go)}, labels={"team": "ml"}, cpu_limit=0.5, memory_limit=256 << 20)
    outcome = run(backend, task, Lines(hook=inspect))
    assert outcome.exit_code == 0
    assert (workspace / "out.txt").read_text() == "written\n"  # same path inside and out
    labels = seen["Config"]["Labels"]
    assert labels[RUN_LABEL] == task.run_id and labels[TASK_LABEL] == "task-1" and labels["team"] == "ml"
    mounts = seen["Mounts"]
    assert [(m["Source"], m["Destination"], m["RW"]) for m in mounts] == [(str(workspace), str(workspace), True)]
    host = seen["HostConfig"]
    assert not host["Privileged"] and host["NetworkMode"] != "host"
    assert host["NanoCpus"] == 500_000_000 and host["Memory"] == 256 << 20
    assert labelled(docker_client, task.run_id) == []  # removed after it ended


def test_runs_as_the_given_user_so_outputs_are_not_root_owned(docker_client, workspace, base_image):
    workspace.chmod(0o777)
    backend = DockerBackend(docker_client, user="1000:1000")
    outcome = run(backend, launch(workspace, ["sh", "-c", f"id -u > {workspace}/uid; echo $HOME"], base_image))
    assert outcome.exit_code == 0
    assert (workspace / "uid").read_text().strip() == "1000"
    assert (workspace / "uid").stat().st_uid == 1000


def test_gpu_request_without_gpus_runs_with_a_note(backend, workspace, base_image, docker_client):
    if "nvidia" in (docker_client.info().get("Runtimes") or {}):
        pytest.skip("this engine has GPUs")
    lines = Lines()
    outcome = run(backend, launch(workspace, ["true"], base_image, accelerator_count=1,
                                  accelerator_type="NVIDIA_TESLA_T4"), lines)
    assert outcome.exit_code == 0
    assert any(stream == "workbench" and "NVIDIA_TESLA_T4" in line for stream, line in lines.seen)


def test_missing_image_fails_the_task_naming_the_image_and_the_way_out(backend, workspace):
    image = f"workbench-test-missing-{uuid.uuid4().hex[:8]}:never"
    outcome = run(backend, launch(workspace, ["true"], image))
    assert outcome.exit_code != 0
    assert image in outcome.message and "docker pull" in outcome.message and "docker load" in outcome.message


def test_cleanup_removes_every_container_of_a_run(backend, base_image, docker_client):
    run_id = f"test-{uuid.uuid4().hex[:12]}"
    for task_id in ("a", "b"):
        docker_client.containers.create(base_image, ["sleep", "300"], labels={RUN_LABEL: run_id, TASK_LABEL: task_id})
    docker_client.containers.run(base_image, ["sleep", "300"], detach=True, labels={RUN_LABEL: run_id})
    assert backend.cleanup_run(run_id) == 3
    assert labelled(docker_client, run_id) == []
    other = f"test-{uuid.uuid4().hex[:12]}"
    docker_client.containers.create(base_image, ["true"], labels={RUN_LABEL: other})
    assert cleanup_orphans([other], docker_client) == 1
    assert labelled(docker_client, other) == []


def test_check_names_the_way_out_when_no_engine_answers(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-docker.sock")
    backend = DockerBackend()
    with pytest.raises(RunError, match=r"Docker engine not reachable.*--backend subprocess"):
        backend.check()
