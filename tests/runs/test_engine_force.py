"""Re-run from a task: the chosen task and what is downstream of it run again; upstream tasks
come from the cache. Also the step details every finished executor task reports."""

from __future__ import annotations

import pipelines
from engine_support import compile_pipeline

from workbench.runs.engine.forcing import downstream_closure
from workbench.runs.engine.ir import parse_ir
from workbench.runs.events import TaskStateChanged

TIMEOUT = 60


def test_forced_task_and_its_downstream_skip_the_cache(make_engine, fake_backend, tmp_path, events):
    engine = make_engine(fake_backend)
    ir = compile_pipeline(pipelines.cached_chain, tmp_path)
    assert engine.start(ir, {"text": "hello"}).wait(TIMEOUT) == "succeeded"
    launched = len(fake_backend.launches)
    again = engine.start(ir, {"text": "hello"}, force_tasks={"write-dataset"})
    assert again.wait(TIMEOUT) == "succeeded"
    assert again.task_states() == {"say": "cached", "write-dataset": "succeeded", "read-dataset": "succeeded",
                                   "say-2": "succeeded"}
    assert {launch.task_id for launch in fake_backend.launches[launched:]} == {"write-dataset", "read-dataset",
                                                                              "say-2"}


def test_downstream_closure_crosses_groups(tmp_path):
    ir = parse_ir(compile_pipeline(pipelines.conditional, tmp_path))
    root_tasks = set(ir.root["dag"]["tasks"])
    first = next(name for name in root_tasks if not name.startswith("condition"))
    closure = downstream_closure(ir, {first})
    # every task inside the branches consumes the first task's output through the condition group
    inner = {name for component in ir.components.values() for name in component.get("dag", {}).get("tasks", {})}
    assert inner <= closure and first in closure
    assert downstream_closure(ir, set()) == set()


def test_finished_tasks_report_what_ran(make_engine, fake_backend, tmp_path, events):
    handle = make_engine(fake_backend).start(compile_pipeline(pipelines.cached_chain, tmp_path), {"text": "hi"})
    assert handle.wait(TIMEOUT) == "succeeded"
    final = [e for e in events.events if isinstance(e, TaskStateChanged) and e.task_id == "say"
             and e.state == "succeeded"][0]
    details = final.details
    assert details["exit_code"] == 0 and details["attempts"] == 1
    assert len(details["cache_key"]) == 64 and details["image"]
    assert details["inputs"] == {"text": "hi"} and "out" in details["outputs"]
    assert any("say" in part for part in details["command"])
