"""Scheduling behaviour on the fake backend: concurrency, loop limits, skips, exit handlers,
retries, cancel, conditions, caching and events."""

from __future__ import annotations

import time
from pathlib import Path

import pipelines
from engine_support import compile_pipeline, wait_until
from workbench.runs.events import ArtifactProduced, LogLine, MetricLogged, RunFinished, RunStarted

TIMEOUT = 60


def run(make_engine, backend, pipeline, tmp_path, arguments=None, **options):
    handle = make_engine(backend, **options).start(compile_pipeline(pipeline, tmp_path), arguments or {})
    return handle, handle.wait(TIMEOUT)


def test_independent_tasks_run_concurrently_up_to_max_parallel(make_engine, fake_backend, tmp_path):
    started = time.monotonic()
    handle, state = run(make_engine, fake_backend, pipelines.three_branches, tmp_path, max_parallel=3)
    assert state == "succeeded"
    assert fake_backend.max_running == 3
    assert time.monotonic() - started < 2.5


def test_max_parallel_one_runs_tasks_one_at_a_time(make_engine, fake_backend, tmp_path):
    _, state = run(make_engine, fake_backend, pipelines.three_branches, tmp_path, max_parallel=1)
    assert state == "succeeded"
    assert fake_backend.max_running == 1


def test_parallel_for_honours_parallelism_limit(make_engine, fake_backend, tmp_path):
    handle, state = run(make_engine, fake_backend, pipelines.loop_limited, tmp_path, max_parallel=4)
    assert state == "succeeded"
    assert fake_backend.max_running == 2
    assert len(fake_backend.launches) == 4
    assert {f"for-loop-2[{i}]/sleeper" for i in range(4)} <= set(handle.task_states())


def test_parallel_for_without_limit_uses_the_pool(make_engine, fake_backend, tmp_path):
    _, state = run(make_engine, fake_backend, pipelines.loop_unlimited, tmp_path, max_parallel=4)
    assert state == "succeeded"
    assert fake_backend.max_running == 4


def test_failure_skips_downstream_but_not_independent_or_ignoring_tasks(make_engine, fake_backend,
                                                                         tmp_path, events):
    handle, state = run(make_engine, fake_backend, pipelines.failure_propagation, tmp_path)
    states = handle.task_states()
    assert state == "failed"
    assert states["fail"] == "failed"
    assert states["say"] == "skipped" and states["say-2"] == "skipped"
    assert states["say-3"] == "succeeded"
    assert states["say-4"] == "succeeded"  # ignore_upstream_failure
    assert "'fail' exited with code 3" in handle.message
    assert any(e.line == "boom" and e.stream == "stderr" for e in events.of(LogLine))


def test_exit_handler_runs_after_a_failed_body_with_the_final_status(make_engine, fake_backend, tmp_path):
    handle, state = run(make_engine, fake_backend, pipelines.exit_handling, tmp_path)
    assert state == "failed"
    assert handle.task_states()["exit-handler-1/fail"] == "failed"
    assert handle.task_states()["report-status"] == "succeeded"
    assert handle.outputs("report-status")["Output"] == "FAILED"


def test_retries_until_success(make_engine, fake_backend, tmp_path, events):
    counter = tmp_path / "attempts"
    handle, state = run(make_engine, fake_backend, pipelines.retrying, tmp_path,
                        {"counter": str(counter), "succeed_at": 3})
    assert state == "succeeded"
    assert counter.read_text().strip() == "3"
    assert sum("retrying" in e.line for e in events.of(LogLine)) == 2


def test_retries_exhausted_fail_the_task(make_engine, fake_backend, tmp_path):
    counter = tmp_path / "attempts"
    handle, state = run(make_engine, fake_backend, pipelines.retrying, tmp_path,
                        {"counter": str(counter), "succeed_at": 9})
    assert state == "failed"
    assert counter.read_text().strip() == "3"  # one try plus two retries


def test_cancel_stops_running_tasks_within_two_seconds(make_engine, fake_backend, tmp_path):
    pid_file = tmp_path / "pid"
    engine = make_engine(fake_backend)
    handle = engine.start(compile_pipeline(pipelines.cancellable, tmp_path), {"pid_file": str(pid_file)})
    assert wait_until(lambda: pid_file.exists() and pid_file.read_text().strip(), 20)
    pid = int(pid_file.read_text())
    cancelled_at = time.monotonic()
    handle.cancel()
    assert handle.wait(5) == "cancelled"
    assert time.monotonic() - cancelled_at < 2.5
    assert handle.task_states() == {"sleep-recording-pid": "cancelled", "say": "cancelled"}
    assert wait_until(lambda: not _alive(pid), 2)


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_condition_false_branch_is_skipped_with_its_subgraph(make_engine, fake_backend, tmp_path):
    handle, state = run(make_engine, fake_backend, pipelines.conditional, tmp_path, {"answer": "tails"})
    states = handle.task_states()
    assert state == "succeeded"
    assert states["condition-branches-1/condition-2"] == "skipped"
    assert states["condition-branches-1/condition-2/say-2"] == "skipped"
    assert states["condition-branches-1/condition-3/say-3"] == "succeeded"


def test_hostile_upstream_string_cannot_change_a_condition(make_engine, fake_backend, tmp_path):
    marker = tmp_path / "pwned"
    hostile = f"heads' || true || '\"); __import__('os').system('touch {marker}') #"
    handle, state = run(make_engine, fake_backend, pipelines.conditional, tmp_path, {"answer": hostile})
    assert state == "succeeded"
    assert handle.task_states()["condition-branches-1/condition-2"] == "skipped"
    assert handle.task_states()["condition-branches-1/condition-3/say-3"] == "succeeded"
    assert not marker.exists()


def test_second_run_is_served_from_the_cache(make_engine, fake_backend, tmp_path):
    engine = make_engine(fake_backend)
    ir = compile_pipeline(pipelines.cached_chain, tmp_path)
    first = engine.start(ir, {"text": "hello"})
    assert first.wait(TIMEOUT) == "succeeded"
    launched = len(fake_backend.launches)
    started = time.monotonic()
    second = engine.start(ir, {"text": "hello"})
    assert second.wait(TIMEOUT) == "succeeded"
    assert time.monotonic() - started < 1.0
    assert second.task_states() == {"say": "cached", "write-dataset": "cached", "read-dataset": "cached",
                                    "say-2": "succeeded"}
    assert len(fake_backend.launches) == launched + 1  # only the task with caching off ran
    dataset = second.outputs("write-dataset")["data"]
    assert dataset.startswith(str(second.run_dir)) and Path(dataset).read_text() == "hello"
    assert second.outputs("read-dataset")["copy"] == "hello"
    changed = engine.start(ir, {"text": "other"})
    assert changed.wait(TIMEOUT) == "succeeded"
    assert changed.task_states()["say"] == "succeeded"


def test_run_switch_disables_the_cache(make_engine, fake_backend, tmp_path):
    ir = compile_pipeline(pipelines.cached_chain, tmp_path)
    assert make_engine(fake_backend).start(ir, {"text": "x"}).wait(TIMEOUT) == "succeeded"
    uncached = make_engine(fake_backend, use_cache=False).start(ir, {"text": "x"})
    assert uncached.wait(TIMEOUT) == "succeeded"
    assert set(uncached.task_states().values()) == {"succeeded"}


def test_events_live_metrics_and_final_metrics_artifacts(make_engine, fake_backend, tmp_path, events):
    handle, state = run(make_engine, fake_backend, pipelines.metrics_pipeline, tmp_path)
    assert state == "succeeded"
    metric = events.of(MetricLogged)[0]
    assert (metric.task_id, metric.name, metric.value, metric.step) == ("live-metric", "loss", 0.5, 1)
    finished = [e for e in events.of(type(events.events[1])) if e.task_id == "live-metric"
                and e.state == "succeeded"][0]
    assert finished.time - metric.time > 0.7  # delivered as printed, not at task end
    produced = [e for e in events.of(ArtifactProduced) if e.task_id == "log-accuracy"]
    assert produced[0].type == "system.Metrics" and produced[0].metadata == {"accuracy": 0.9}
    assert isinstance(events.events[0], RunStarted) and isinstance(events.events[-1], RunFinished)
    assert events.states("live-metric") == ["pending", "running", "succeeded"]
