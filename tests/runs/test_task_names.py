"""The names people gave, for every run view: display names from the IR and the document, loop
iterations by their item, fallbacks to the task key, and hostile names kept to one plain line."""

from __future__ import annotations

import pipelines
import yaml
from engine_support import compile_pipeline
from test_engine_scheduling import run

from workbench.runs.events import TaskStateChanged
from workbench.runs.task_names import TaskNames, item_label, item_labels, plain


def ir(tasks: dict, components: dict | None = None) -> str:
    """A minimal pipeline spec: `tasks` in the root DAG (name -> taskInfo name, or a full task)."""
    spec_tasks = {name: task if isinstance(task, dict) else {"componentRef": {"name": "comp-leaf"},
                                                            "taskInfo": {"name": task}}
                  for name, task in tasks.items()}
    return yaml.safe_dump({
        "pipelineInfo": {"name": "names"},
        "root": {"dag": {"tasks": spec_tasks}},
        "components": {"comp-leaf": {"executorLabel": "exec-leaf"}, **(components or {})},
        "deploymentSpec": {"executors": {"exec-leaf": {"container": {"image": "alpine", "command": ["true"]}}}},
    })


def test_display_names_come_from_the_ir_and_missing_ones_fall_back_to_the_task_key():
    names = TaskNames.from_ir(ir({"train-model": "train-model", "train-model-2": "gradient boosting",
                                  "plain": ""}))
    assert names.label("train-model-2") == "gradient boosting (train-model-2)"
    assert names.parts("train-model-2") == ("gradient boosting", "train-model-2")
    assert names.label("train-model") == "train-model"      # no name given: the key alone, once
    assert names.label("plain") == "plain"                  # an empty taskInfo name
    assert names.label("never-heard-of") == "never-heard-of"


def test_an_ir_only_run_of_a_kfp_pipeline_is_named_and_nested_loops_are_labelled_by_their_items(
        make_engine, fake_backend, tmp_path, events):
    """No document at all: the compiled pipeline's display names and the items the engine reports."""
    handle, state = run(make_engine, fake_backend, pipelines.nested_named_loops, tmp_path)
    assert state == "succeeded"
    loops = {e.task_id: e.details["items"] for e in events.of(TaskStateChanged) if "items" in e.details}
    assert loops["for-loop-2"] == ["epochs=20, lr=0.1", "epochs=5, lr=0.3"]  # kfp writes keys sorted
    assert loops["for-loop-2[1]/for-loop-4"] == ["fold-a", "fold-b"]
    finished = [e for e in events.of(TaskStateChanged) if e.task_id == "for-loop-2" and e.state == "succeeded"]
    assert finished[0].details["items"] == loops["for-loop-2"]  # the last state keeps them (the history stores it)
    names = TaskNames.from_ir(compile_pipeline(pipelines.nested_named_loops, tmp_path)).with_loop_items(
        (e.task_id, e.details) for e in events.of(TaskStateChanged))
    leaf = "for-loop-2[1]/for-loop-4[0]/say"
    assert leaf in handle.task_states()
    assert names.label(leaf) == "gradient boosting \u00b7 epochs=5, lr=0.3 \u00b7 fold-a (say)"
    assert names.label(leaf, items=False) == "gradient boosting \u00b7 #1 \u00b7 #0 (say)"
    assert names.loop_item("for-loop-2", 0) == "epochs=20, lr=0.1"
    assert names.loop_item("for-loop-4", 1) == "fold-b"      # the same in every outer iteration


def test_iterations_without_recorded_items_fall_back_to_their_index():
    names = TaskNames().with_loop_items([("for-loop-1", {"iterations": 3})])  # a run from before items
    assert names.label("for-loop-1[2]/train") == "train \u00b7 #2"
    assert names.loop_item("for-loop-1", 2) == "#2"
    twice = TaskNames(items={"for-loop-1": ("0.1", "0.5", "0.1")})      # the same item twice stays apart
    assert [twice.item_of("for-loop-1", i) for i in range(3)] == ["0.1 #0", "0.5", "0.1 #2"]
    inner = TaskNames(items={"a[0]/for-loop-3": ("x", "y"), "a[1]/for-loop-3": ("z", "w")})
    assert inner.loop_item("for-loop-3", 0) == "#0"           # differs between outer iterations


def test_item_labels_for_dicts_scalars_lists_and_artifacts():
    assert item_label({"lr": 0.1, "epochs": 20.0}) == "lr=0.1, epochs=20"
    assert item_label(0.5) == "0.5" and item_label("fold a") == "fold a" and item_label(True) == "true"
    assert item_label([1, 2]) == "[1,2]"
    assert item_label({"grid": {"a": 1}}) == 'grid={"a":1}'
    assert item_label([{"name": "shard-3", "uri": "/w/x/shard-3", "type": {}}]) == "shard-3"
    assert item_label([{"name": "", "uri": "gs://b/data/part-7/", "type": {}}]) == "part-7"
    long = item_labels([{"text": "x" * 5000}])[0]
    assert len(long) == 300 and long.endswith("\u2026")
    many = TaskNames().with_loop_items([("for-loop-1", {"items": item_labels(list(range(1500)))})])
    assert many.label("for-loop-1[999]/t") == "t \u00b7 999" and many.label("for-loop-1[1200]/t") == "t \u00b7 #1200"


def test_duplicate_display_names_stay_apart_by_their_task_name():
    names = TaskNames.from_ir(ir({"train-model": "trainer", "train-model-2": "trainer"}))
    assert names.label("train-model") == "trainer (train-model)"
    assert names.label("train-model-2") == "trainer (train-model-2)"


def test_hostile_names_become_one_line_of_plain_text_and_long_ones_are_elided():
    given = {"a": "line one\nline two\r\n\tthree\x00", "b": "<b>bold</b> & <script>x</script>", "c": "n" * 5000}
    names = TaskNames.from_ir(ir(given))
    assert names.label("a") == "line one line two three (a)"
    assert names.label("b") == "<b>bold</b> & <script>x</script> (b)"   # plain text; views escape it
    assert len(names.label("c")) < 70 and names.label("c").endswith("\u2026 (c)")
    assert names.label("c", limit=None) == "n" * 5000 + " (c)"
    assert "task id: c" in names.tooltip("c") and "n" * 5000 in names.tooltip("c")
    assert plain("\u2028x\u2029 y ") == "x y"


def test_unreadable_or_missing_ir_names_nothing():
    for text in (None, "", "not: [a pipeline", "just a string", yaml.safe_dump({"root": "x"})):
        assert TaskNames.from_ir(text).label("for-loop-1[0]/train") == "train \u00b7 #0"


def test_frames_are_named_from_the_ir_and_from_the_document_for_runs_compiled_before_that():
    from workbench.compiler.compile import compile_graph
    from workbench.model.serialize import load

    graph = load("pipelines/sharded_processing.wbp")
    text = compile_graph(graph)
    names = TaskNames.from_ir(text)
    assert names.label("exit-handler-1") == "always clean up (exit-handler-1)"
    assert names.label("exit-handler-1/for-loop-2[3]/process-shard") == "process-shard \u00b7 #3"
    spec = yaml.safe_load(text)  # as compiled before frames' names went into the IR
    spec["root"]["dag"]["tasks"]["exit-handler-1"]["taskInfo"]["name"] = "exit-handler-1"
    spec["components"]["comp-exit-handler-1"]["dag"]["tasks"]["for-loop-2"]["taskInfo"]["name"] = "for-loop-2"
    old = TaskNames.from_ir(yaml.safe_dump(spec))
    assert old.label("exit-handler-1") == "exit-handler-1"
    named = old.with_document(graph)
    assert named.label("exit-handler-1") == "always clean up (exit-handler-1)"
    assert named.label("exit-handler-1/for-loop-2") == "shards (for-loop-2)"


def test_messages_name_tasks_by_their_given_names():
    names = TaskNames.from_ir(ir({"train-model-2": "xgboost", "other": "other"}))
    assert names.humanize("upstream task 'train-model-2' failed") == "upstream task 'xgboost (train-model-2)' failed"
    assert names.humanize("upstream task 'other' failed\nline 2") == "upstream task 'other' failed\nline 2"
