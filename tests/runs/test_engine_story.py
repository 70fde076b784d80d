"""A run explains itself: a failed task carries its exception line and traceback, a skipped task
why it was skipped and which upstream decided it, and a cache hit the curves, final metrics and
origin of the run that produced it."""

from __future__ import annotations

import json
import sys
import textwrap
from types import SimpleNamespace

import pytest
import story_pipelines
from containment_support import pipeline_ir, task
from engine_support import compile_pipeline

from workbench.runs.compare import summarize
from workbench.runs.engine.context import TaskRef
from workbench.runs.engine.task_runner import _attempt_sinks
from workbench.runs.engine.task_story import MetricRecorder, TaskStory
from workbench.runs.events import ArtifactProduced, LogLine, MetricLogged, TaskStateChanged
from workbench.runs.failure_cause import CauseCollector
from workbench.runs.store import RunStore

TIMEOUT = 120
CAUSE = "ValueError: n_shards must be at least 1"


def final_event(events, task_id: str, run_id: str | None = None) -> TaskStateChanged:
    return [e for e in events.of(TaskStateChanged)
            if e.task_id == task_id and (run_id is None or e.run_id == run_id)][-1]


def series(events, run_id: str, task_id: str) -> list[tuple[str, float, int | None]]:
    return [(e.name, e.value, e.step) for e in events.of(MetricLogged) if e.run_id == run_id and e.task_id == task_id]


# ----- failures ------------------------------------------------------------------------------------

def test_a_failing_python_component_names_its_exception(make_engine, subprocess_backend, events, tmp_path):
    handle = make_engine(subprocess_backend).start(compile_pipeline(story_pipelines.failing_shards, tmp_path), {})
    assert handle.wait(TIMEOUT) == "failed"
    failed = final_event(events, "make-shards")
    assert failed.state == "failed"
    assert failed.message == f"task 'make-shards' exited with code 1: {CAUSE}"
    assert handle.message == failed.message  # the run's message, as `workbench run` prints it
    assert failed.details["exception"] == CAUSE
    traceback = failed.details["traceback"].splitlines()
    assert traceback[0] == "Traceback (most recent call last):" and traceback[-1] == CAUSE
    assert any("raise ValueError" in line for line in traceback)
    assert failed.details["exit_code"] == 1


def test_a_skip_downstream_of_a_failure_names_the_task_that_failed(make_engine, fake_backend, events, tmp_path):
    handle = make_engine(fake_backend).start(compile_pipeline(story_pipelines.failing_shards, tmp_path), {})
    assert handle.wait(TIMEOUT) == "failed"
    for task_id in ("process", "process-2"):  # process-2 waits on process, which never ran
        skipped = final_event(events, task_id)
        assert skipped.state == "skipped"
        assert skipped.details["skip"] == {"kind": "upstream", "upstream": "make-shards", "state": "failed"}
        assert skipped.message == "upstream make-shards failed"


def test_a_plain_exit_says_its_code_once(make_engine, fake_backend, events, tmp_path):
    ir = pipeline_ir({"quits": task(["sh", "-c", "echo working; echo 'fatal: no such table' >&2; exit 4"])})
    handle = make_engine(fake_backend).start(ir, {})
    assert handle.wait(TIMEOUT) == "failed"
    assert handle.message == "task 'quits' exited with code 4: fatal: no such table"
    assert final_event(events, "quits").details["traceback"] == ""


def test_the_cause_kept_from_a_log_has_secrets_masked():
    """The runner feeds the masked line to the cause, as it logs it."""
    sent = []
    ctx = SimpleNamespace(run_id="r", log=lambda ref, line, stream: sent.append(line), emit=sent.append,
                          masked=lambda line: line.replace("hunter2", "***"))
    causes = CauseCollector()
    on_line, _ = _attempt_sinks(ctx, TaskRef("t", "t"), causes, MetricRecorder())
    for line in ["Traceback (most recent call last):", '  File "x.py", line 1', "PermissionError: hunter2 refused"]:
        on_line(line, "stderr")
    assert causes.cause().summary == "PermissionError: *** refused"
    assert "hunter2" not in causes.cause().traceback


@pytest.mark.docker
def test_a_traceback_in_a_docker_task_is_read_from_its_stderr(make_engine, docker_client, events, base_image):
    from workbench.runs.docker_backend import DockerBackend

    script = textwrap.dedent("""\
        import sys
        print("loading", flush=True)
        def shard(n):
            raise ValueError("n_shards must be at least 1")
        shard(0)
        """)
    ir = pipeline_ir({"make-shards": task(["python3", "-c", script], image=base_image)})
    handle = make_engine(DockerBackend(docker_client)).start(ir, {})
    assert handle.wait(TIMEOUT) == "failed"
    assert handle.message == f"task 'make-shards' exited with code 1: {CAUSE}"
    assert "in shard" in final_event(events, "make-shards").details["traceback"]


# ----- skip reasons --------------------------------------------------------------------------------

def skipped_events(events) -> dict[str, TaskStateChanged]:
    return {e.task_id: e for e in events.of(TaskStateChanged) if e.state == "skipped"}


def test_a_false_condition_names_its_values_and_the_task_that_decided(make_engine, fake_backend, events, tmp_path):
    ir = compile_pipeline(story_pipelines.gated_deploy, tmp_path)
    handle = make_engine(fake_backend).start(ir, {"score": 0.5})
    assert handle.wait(TIMEOUT) == "succeeded"
    skipped = skipped_events(events)
    branch = next(e for task_id, e in skipped.items() if task_id.endswith("/announce") and "condition-2" in task_id)
    assert branch.details["skip"] == {"kind": "condition", "condition": "evaluate-model > 0.9", "outcome": "false",
                                      "decided_by": ["evaluate-model"], "parameters": []}
    assert branch.message == "condition `evaluate-model > 0.9` was false (decided by evaluate-model)"
    (gate,) = [e for e in skipped.values() if e.details["skip"]["parameters"] and e.task_name == "announce-3"]
    assert gate.details["skip"]["decided_by"] == []
    assert gate.message == "condition `score > threshold` was false (decided by pipeline parameters score, threshold)"
    # the If branch's group and the task inside it say the same
    assert {e.message for e in skipped.values() if "condition-2" in e.task_id} == {branch.message}


def test_an_else_branch_says_the_if_condition_was_true(make_engine, fake_backend, events, tmp_path):
    ir = compile_pipeline(story_pipelines.gated_deploy, tmp_path)
    handle = make_engine(fake_backend).start(ir, {"score": 0.95, "threshold": 0.99})
    assert handle.wait(TIMEOUT) == "succeeded"
    else_branch = next(e for task_id, e in skipped_events(events).items()
                       if task_id.endswith("/announce-2"))
    assert else_branch.message == "condition `evaluate-model > 0.9` was true (decided by evaluate-model)"


# ----- cache hits keep their story ------------------------------------------------------------------

def test_a_cache_hit_has_the_curves_final_metrics_and_origin_of_its_producer(make_engine, fake_backend, events,
                                                                             tmp_path):
    pytest.importorskip("tensorboardX", reason="the trainer writes TensorBoard scalars with tensorboardX (test extra)")
    store = RunStore(tmp_path / "runs.sqlite")
    engine = make_engine(fake_backend)
    engine.sinks.append(store.on_event)
    ir = compile_pipeline(story_pipelines.cached_trainer, tmp_path)
    first = engine.start(ir, {})
    assert first.wait(TIMEOUT) == "succeeded"
    second = engine.start(ir, {})
    assert second.wait(TIMEOUT) == "succeeded"
    task_id = "train-with-curve"
    assert second.task_states()[task_id] == "cached"

    produced = series(events, first.run_id, task_id)
    assert [s for s in produced if s[0] == "loss"] == [("loss", 1.0 / (step + 1), step) for step in range(5)]
    assert sorted(s[2] for s in produced if s[0] == "tb/accuracy") == list(range(5))  # TensorBoard scalars too
    assert series(events, second.run_id, task_id) == produced
    finals = [(e.run_id, e.metadata) for e in events.of(ArtifactProduced) if e.type == "system.Metrics"]
    assert finals == [(first.run_id, {"accuracy": 0.875}), (second.run_id, {"accuracy": 0.875})]

    cached = final_event(events, task_id, second.run_id)
    assert cached.details["cached_from"] == {"run_id": first.run_id, "task_id": task_id}
    assert cached.message == f"from run {first.run_id}"  # after its state: "cached from run ..."
    note = [e.line for e in events.of(LogLine) if e.run_id == second.run_id and e.task_id == task_id]
    assert note == [f"workbench: cache hit: outputs, metrics and artifacts of run {first.run_id} (task {task_id}); "
                    f"its log: workbench runs logs {first.run_id} {task_id}"]

    # what Compare and `runs show` read from the history: the same values, marked cached from the first run
    before, after = summarize(store, first.run_id), summarize(store, second.run_id)
    store.close()
    assert after.metrics == before.metrics and f"{task_id}/loss (last)" in after.metrics
    assert after.curves == before.curves
    assert after.cached_tasks == {task_id: first.run_id} and before.cached_tasks == {}
    assert set(after.cached_from) == set(after.metrics) | set(after.curves)


def test_an_old_cache_entry_without_a_story_still_hits(make_engine, fake_backend, events, tmp_path):
    pytest.importorskip("tensorboardX", reason="the trainer writes TensorBoard scalars with tensorboardX (test extra)")
    engine = make_engine(fake_backend)
    ir = compile_pipeline(story_pipelines.cached_trainer, tmp_path)
    assert engine.start(ir, {"epochs": 3}).wait(TIMEOUT) == "succeeded"
    (entry,) = (tmp_path / "cache").glob("*/outputs.json")
    written = json.loads(entry.read_text())
    assert written["producer"]["task_id"] == "train-with-curve" and len(written["metrics"]) == 6
    stories = ({}, {"producer": "nonsense", "metrics": 7}, {"producer": {"run_id": "r0"}, "metrics": [[1, 2], None]})
    for story in stories:
        entry.write_text(json.dumps({key: value for key, value in written.items()
                                     if key not in ("producer", "metrics")} | story))
        again = engine.start(ir, {"epochs": 3})
        assert again.wait(TIMEOUT) == "succeeded"
        assert again.task_states()["train-with-curve"] == "cached"
        assert series(events, again.run_id, "train-with-curve") == []
        cached = final_event(events, "train-with-curve", again.run_id)
        assert ("cached_from" in cached.details) == bool(story.get("producer") == {"run_id": "r0"})
        assert [e for e in events.of(ArtifactProduced) if e.run_id == again.run_id][0].metadata == {"accuracy": 0.875}


def test_the_recorded_series_is_bounded_and_keeps_each_last_value():
    recorder = MetricRecorder(limit=100)
    for step in range(10_000):
        recorder.record(MetricLogged("r", "t", "loss", 1.0 / (step + 1), step, 1000.0 + step))
        if step % 1000 == 0:
            recorder.record(MetricLogged("r", "t", "val", float(step), step, 1000.0 + step))
    points = recorder.series()
    assert len(points) <= 102
    loss = [p for p in points if p[0] == "loss"]
    assert loss[0] == ["loss", 1.0, 0, 0.0] and loss[-1][1:3] == [1.0 / 10_000, 9_999]
    assert [p[2] for p in loss] == sorted(p[2] for p in loss)  # in step order, spread over the run
    assert [p for p in points if p[0] == "val"][-1][1] == 9000.0
    replayed = TaskStory("r0", "t", points).replay("r1", "t2", now=50.0)
    assert replayed[0] == MetricLogged("r1", "t2", "loss", 1.0, 0, 50.0) and len(replayed) == len(points)


def test_a_task_that_never_printed_to_stderr_fails_with_its_exit_alone(make_engine, fake_backend, events, tmp_path):
    ir = pipeline_ir({"silent": task([sys.executable, "-c", "import sys; sys.exit(2)"])})
    handle = make_engine(fake_backend).start(ir, {})
    assert handle.wait(TIMEOUT) == "failed"
    assert handle.message == "task 'silent' exited with code 2"
    assert "exception" not in final_event(events, "silent").details


def test_the_recorder_keeps_no_hostile_names_or_endless_series():
    from workbench.runs.engine.task_story import MAX_NAME_CHARS, MAX_SERIES

    recorder = MetricRecorder()
    recorder.record(MetricLogged("r", "t", "x" * (MAX_NAME_CHARS + 1), 1.0, 0, 0.0))
    for index in range(MAX_SERIES + 50):
        recorder.record(MetricLogged("r", "t", f"series-{index}", 1.0, 0, 0.0))
    names = {point[0] for point in recorder.series()}
    assert len(names) == MAX_SERIES and "series-0" in names and f"series-{MAX_SERIES}" not in names
