"""What containers add to containment: each task mounts only its own folder (read-write), the
pipeline workspace (read-write) and its input artifacts (read-only), so it can neither write into
another task's folder nor plant a link the engine meets; logs arrive exactly once even with two
runs at once; SIGTERM to `workbench run` leaves no container behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from containment_support import PIPELINE_ROOT, HostFolder, artifact_path, output_file, pipeline_ir, task

from engine_support import wait_until
from workbench.runs.docker_backend import RUN_LABEL, DockerBackend
from workbench.runs.events import LogLine

pytestmark = pytest.mark.docker
TIMEOUT = 180
REPO = Path(__file__).resolve().parents[2]

PROBE = """
check() { if sh -c "$1" 2>/dev/null; then echo "$2: allowed"; else echo "$2: denied"; fi; }
check "echo more >> '$1'" write-input
check "cat '$0/tasks/a/private'" read-other-private
touch "$0/tasks/a/planted" 2>/dev/null; ln -s / "$0/tasks/evil" 2>/dev/null; touch "$0/loose" 2>/dev/null
echo shared > "$0/workspace/note"
mkdir -p "$(dirname "$2")"; cat "$1" > "$2"
"""


@pytest.fixture
def docker(make_engine, docker_client):
    return make_engine(DockerBackend(docker_client), max_parallel=4)


def lines_of(events, task_id: str) -> list[str]:
    return [e.line for e in events.of(LogLine) if e.task_id == task_id and e.stream == "stdout"]


def test_a_task_sees_its_inputs_read_only_and_writes_only_its_folder_and_the_workspace(docker, events, base_image):
    ir = pipeline_ir({
        "a": task(["sh", "-c", 'mkdir -p "$(dirname "$0")"; printf from-a > "$0"; printf p > "$(dirname "$0")/private"',
                   artifact_path("data")], artifacts=("data",), image=base_image),
        "b": task(["sh", "-c", PROBE, PIPELINE_ROOT, artifact_path("data", "inputs"), output_file("copy")],
                  parameters=("copy",), artifact_inputs={"data": ("a", "data")}, image=base_image),
    })
    handle = docker.start(ir, {})
    assert handle.wait(TIMEOUT) == "succeeded", handle.message
    assert handle.outputs("b")["copy"] == "from-a"
    said = lines_of(events, "b")
    assert "write-input: denied" in said and "read-other-private: denied" in said
    run = handle.run_dir
    assert (run / "tasks" / "a" / "data").read_text() == "from-a"
    assert sorted(p.name for p in (run / "tasks").iterdir()) == ["a", "b"]  # no planted link
    assert sorted(p.name for p in (run / "tasks" / "a").iterdir()) == ["data", "private"]
    assert sorted(p.name for p in run.iterdir()) == ["tasks", "workspace"]
    assert (run / "workspace" / "note").read_text() == "shared\n"


def test_links_a_container_leaves_are_never_followed_on_the_host(docker, events, base_image, tmp_path):
    host = HostFolder(tmp_path / "home" / ".ssh")
    ir = pipeline_ir({
        "plant": task(["sh", "-c", 'ln -s "$1" "$0/tasks/victim" 2>/dev/null; ln -s "$1" "$0/workspace/out"; true',
                       PIPELINE_ROOT, str(host.path)], image=base_image),
        "victim": task(["sh", "-c", 'mkdir -p "$(dirname "$0")"; printf fine > "$0"', output_file("out")],
                       parameters=("out",), after=("plant",), image=base_image),
        "leaver": task(["sh", "-c", 'mkdir -p "$(dirname "$0")"; ln -s "$1" "$0"', artifact_path("data"),
                        str(host.path)], artifacts=("data",), cache=True, image=base_image),
        "reader": task(["sh", "-c", 'ls "$0"', artifact_path("data", "inputs")],
                       artifact_inputs={"data": ("leaver", "data")}, image=base_image),
    })
    handle = docker.start(ir, {})
    assert handle.wait(TIMEOUT) == "failed"
    states = handle.task_states()
    assert states["plant"] == "succeeded" and states["victim"] == "succeeded"
    assert states["leaver"] == "failed" and states["reader"] == "skipped"
    assert "task 'leaver'" in handle.message and "tasks/leaver/data is a link" in handle.message
    assert not (handle.run_dir / "tasks" / "victim").is_symlink()
    assert host.untouched()


def test_logs_arrive_exactly_once_with_two_runs_at_once(make_engine, docker_client, events, base_image):
    count = 200
    tasks = {f"t{i}": task(["sh", "-c", f'seq -f "line-%g" 1 {count}'], image=base_image) for i in range(8)}
    ir = pipeline_ir(tasks)
    engines = [make_engine(DockerBackend(docker_client), max_parallel=4) for _ in range(2)]
    handles = [engine.start(ir, {}) for engine in engines]
    assert [handle.wait(TIMEOUT) for handle in handles] == ["succeeded", "succeeded"]
    expected = [f"line-{n}" for n in range(1, count + 1)]
    for handle in handles:
        for name in tasks:
            got = [e.line for e in events.of(LogLine)
                   if e.run_id == handle.run_id and e.task_id == name and e.stream == "stdout"]
            assert got == expected, f"{handle.run_id}/{name}: {len(got)} lines"


def test_sigterm_to_workbench_run_cancels_and_leaves_no_container(tmp_path, docker_client, base_image):
    ir_path = tmp_path / "sleepy.yaml"
    ir_path.write_text(pipeline_ir({"sleepy": task(["sh", "-c", "echo up; sleep 120"], image=base_image)}))
    run_id = f"sigterm-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(tmp_path / "data")}
    process = subprocess.Popen([sys.executable, "-m", "workbench", "run", str(ir_path), "--backend", "docker",
                                "--run-id", run_id], cwd=REPO, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def containers():
        return docker_client.containers.list(all=True, filters={"label": f"{RUN_LABEL}={run_id}"})

    try:
        assert wait_until(lambda: any(c.status == "running" for c in containers()), 60)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
        left = containers()
    finally:
        if process.poll() is None:
            process.kill()
        for container in containers():
            container.remove(force=True)
    assert left == [], "a container outlived the run"
    assert process.returncode == 128 + signal.SIGTERM, err
    assert f"run {run_id} cancelled" in out
