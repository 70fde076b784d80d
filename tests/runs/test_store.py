"""The run history on real SQLite: events in, records out, interrupted runs recognised."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading

import pytest

from workbench.errors import RunError
from workbench.runs.events import (ArtifactProduced, LogLine, MetricLogged, RunFinished, RunStarted,
                                   TaskStateChanged)
from workbench.processes import process_token
from workbench.runs.store import RunStore

PIPELINE_YAML = "# exact text, kept as it is\npipelineInfo: {name: demo}\n"


@pytest.fixture
def store(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    yield store
    store.close()


def record_run(store: RunStore, run_id: str = "run-abc123", state: str = "succeeded") -> None:
    store.create_run(run_id, "demo", PIPELINE_YAML, {"lr": 0.1, "epochs": 3}, "docker")
    for event in [
        RunStarted(run_id, "demo", "docker", {"lr": 0.1, "epochs": 3}, time=100.0),
        TaskStateChanged(run_id, "train", "train", "pending", 100.0),
        TaskStateChanged(run_id, "train", "train", "running", 101.0),
        LogLine(run_id, "train", "epoch 1", 101.5),
        LogLine(run_id, "train", "warning", 101.6, stream="stderr"),
        MetricLogged(run_id, "train", "loss", 0.5, 1, 101.7),
        MetricLogged(run_id, "train", "loss", 0.25, 2, 101.8),
        ArtifactProduced(run_id, "train", "model", "system.Model", "/ws/model", {"framework": "x"}, 102.0),
        TaskStateChanged(run_id, "train", "train", "succeeded", 103.0, details={"exit_code": 0}),
        TaskStateChanged(run_id, "loop[1]/eval", "eval", "skipped", 103.5, iteration=(1,), message="branch not taken"),
        RunFinished(run_id, state, 104.0, message="done"),
    ]:
        store.on_event(event)


def test_a_recorded_run_reads_back_in_full(store):
    record_run(store)
    run = store.get_run("run-abc123")
    assert (run.pipeline_name, run.backend, run.state, run.message) == ("demo", "docker", "succeeded", "done")
    assert run.pipeline_yaml == PIPELINE_YAML and run.arguments == {"lr": 0.1, "epochs": 3}
    assert run.duration == 4.0
    train, evaluate = store.tasks(run.id)
    assert (train.task_id, train.state, train.start_time, train.end_time) == ("train", "succeeded", 101.0, 103.0)
    assert train.details == {"exit_code": 0}
    assert (evaluate.state, evaluate.iteration, evaluate.message) == ("skipped", (1,), "branch not taken")
    assert [(log.line, log.stream) for log in store.logs(run.id)] == [("epoch 1", "stdout"), ("warning", "stderr")]
    assert store.logs(run.id, "other") == []
    assert [(m.name, m.step, m.value) for m in store.metrics(run.id)] == [("loss", 1, 0.5), ("loss", 2, 0.25)]
    [artifact] = store.artifacts(run.id)
    assert (artifact.name, artifact.type, artifact.uri, artifact.metadata) == (
        "model", "system.Model", "/ws/model", {"framework": "x"})


def test_history_survives_reopening_and_is_in_wal_mode(tmp_path):
    first = RunStore(tmp_path / "runs.sqlite")
    record_run(first)
    first.close()
    second = RunStore(tmp_path / "runs.sqlite")
    try:
        assert second.get_run("run-abc123").state == "succeeded"
        assert len(second.logs("run-abc123")) == 2
    finally:
        second.close()
    with sqlite3.connect(tmp_path / "runs.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT value FROM parameters WHERE name = 'lr'").fetchone()[0] == "0.1"


def test_runs_are_found_by_unique_prefix(store):
    record_run(store, "abc-1")
    record_run(store, "abc-2")
    assert store.get_run("abc-2").id == "abc-2"
    with pytest.raises(RunError, match="2 runs start with 'abc'"):
        store.get_run("abc")
    with pytest.raises(RunError, match="no run with id 'zzz'"):
        store.get_run("zzz")
    assert {run.id for run in store.list_runs()} == {"abc-1", "abc-2"}


def test_delete_removes_the_run_and_all_it_recorded(store, tmp_path):
    record_run(store, "keep")
    record_run(store, "gone")
    assert store.delete_run("go") == "gone"
    assert [run.id for run in store.list_runs()] == ["keep"]
    with sqlite3.connect(tmp_path / "runs.sqlite") as db:
        for table in ("tasks", "logs", "metrics", "artifacts", "parameters"):
            assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE run_id = 'gone'").fetchone()[0] == 0


def test_a_flood_of_metric_points_from_many_threads_is_all_kept(store):
    store.create_run("flood", "demo", PIPELINE_YAML, {}, "docker")

    def emit(task):
        for step in range(10_000):
            store.on_event(MetricLogged("flood", task, "loss", 1.0 / (step + 1), step, float(step)))

    threads = [threading.Thread(target=emit, args=(f"t{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    points = store.metrics("flood")
    assert len(points) == 40_000
    assert sorted(p.step for p in points if p.task_id == "t2") == list(range(10_000))


def test_runs_of_a_dead_process_are_marked_interrupted_and_live_ones_are_not(store, tmp_path):
    script = ("import sys; from workbench.runs.store import RunStore; s = RunStore(sys.argv[1]); "
              "s.create_run('orphan', 'demo', '', {}, 'docker'); s.close()")
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "runs.sqlite")], check=True, timeout=60)
    store.create_run("mine", "demo", PIPELINE_YAML, {}, "docker")
    assert store.mark_interrupted() == ["orphan"]
    assert store.get_run("orphan").state == "interrupted" and "stopped" in store.get_run("orphan").message
    assert store.get_run("mine").state == "running"
    assert store.mark_interrupted() == []


@pytest.mark.skipif(not os.path.exists(f"/proc/{os.getpid()}/stat"), reason="needs /proc")
def test_a_reused_pid_does_not_keep_a_dead_run_alive(store, tmp_path):
    store.create_run("reused", "demo", PIPELINE_YAML, {}, "docker")
    assert process_token(os.getpid())
    with sqlite3.connect(tmp_path / "runs.sqlite") as db:
        db.execute("UPDATE runs SET owner_token = 'another-start-time' WHERE id = 'reused'")
    assert store.mark_interrupted() == ["reused"]


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "runs.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(RunError, match="newer workbench"):
        RunStore(path)
