"""Comparing runs without Qt: parameter differences, best-metric marking, graph diff of two IR
texts, and `workbench runs compare` as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import yaml

from workbench.runs import paths
from workbench.runs.compare import (graph_diff, lower_is_better, metrics_table, parameter_differences, summarize)
from workbench.runs.events import ArtifactProduced, MetricLogged, RunFinished, RunStarted, TaskStateChanged
from workbench.runs.store import RunStore

IR = """
pipelineInfo: {name: demo}
root:
  inputDefinitions: {parameters: {lr: {parameterType: NUMBER_DOUBLE}}}
  dag:
    tasks:
      prep: {componentRef: {name: comp-prep}, taskInfo: {name: prep}}
      train:
        componentRef: {name: comp-train}
        taskInfo: {name: train}
        dependentTasks: [prep]
        inputs: {parameters: {lr: {componentInputParameter: lr}}}
components:
  comp-prep: {executorLabel: exec-prep}
  comp-train: {executorLabel: exec-train, inputDefinitions: {parameters: {lr: {parameterType: NUMBER_DOUBLE}}}}
deploymentSpec:
  executors:
    exec-prep: {container: {image: 'python:3.11-slim', command: [python, -c, 'print(1)']}}
    exec-train: {container: {image: 'python:3.11-slim', command: [python, -c, 'print(2)']}}
"""


def record_run(store: RunStore, run_id: str, arguments: dict, auc: float, losses: list[float], ir: str = IR) -> None:
    store.create_run(run_id, "demo", ir, arguments, "docker")
    now = time.time()
    store.on_event(RunStarted(run_id, "demo", "docker", arguments, now))
    for step, loss in enumerate(losses):
        store.on_event(MetricLogged(run_id, "train", "loss", loss, step, now))
    store.on_event(ArtifactProduced(run_id, "train", "metrics", "system.Metrics", "/tmp/m", {"roc_auc": auc}, now))
    store.on_event(ArtifactProduced(run_id, "train", "roc", "system.ClassificationMetrics", "/tmp/r",
                                    {"confidenceMetrics": [{"falsePositiveRate": 0.5, "recall": 0.9},
                                                           {"falsePositiveRate": 0.0, "recall": 0.4}]}, now))
    store.on_event(RunFinished(run_id, "succeeded", now + 1))
    store.flush()


def test_summaries_differences_and_best(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    record_run(store, "run-a", {"lr": 0.1, "epochs": 5}, 0.91, [0.9, 0.5, 0.4])
    record_run(store, "run-b", {"lr": 0.3, "epochs": 5}, 0.87, [0.9, 0.3, 0.2])
    a, b = summarize(store, "run-a"), summarize(store, "run-b")
    store.close()
    assert parameter_differences([a.run, b.run]) == {"lr": [0.1, 0.3]}
    assert a.curves["train/loss"] == [(0.0, 0.9), (1.0, 0.5), (2.0, 0.4)]
    assert a.roc["train"] == ([0.0, 0.5], [0.4, 0.9])
    rows = {row.name: row for row in metrics_table([a, b])}
    assert rows["train/roc_auc"].best == 0 and not rows["train/roc_auc"].lower_is_better
    assert rows["train/loss (last)"].best == 1 and rows["train/loss (last)"].lower_is_better
    assert lower_is_better("val_error") and not lower_is_better("accuracy")


def test_equal_values_mark_no_best():
    from workbench.runs.compare import RunSummary
    from workbench.runs.store import RunRecord

    run = RunRecord("r", "p", "docker", "succeeded", 0, 1, IR, {}, "", None)
    rows = metrics_table([RunSummary(run, {"x/acc": 0.5}), RunSummary(run, {"x/acc": 0.5})])
    assert rows[0].best is None


def test_graph_diff_finds_added_removed_and_changed_tasks():
    spec = yaml.safe_load(IR)
    spec["deploymentSpec"]["executors"]["exec-train"]["container"]["image"] = "python:3.12-slim"
    del spec["root"]["dag"]["tasks"]["prep"]
    spec["root"]["dag"]["tasks"]["train"]["dependentTasks"] = []
    spec["root"]["dag"]["tasks"]["report"] = {"componentRef": {"name": "comp-prep"}, "taskInfo": {"name": "report"}}
    diff = graph_diff(IR, yaml.safe_dump(spec))
    assert diff.added == ["report"] and diff.removed == ["prep"]
    assert diff.changed == {"train": ["image", "dependencies"]}
    assert graph_diff(IR, IR).empty


def test_cli_runs_compare_prints_differences_and_metrics(tmp_path):
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(tmp_path / "data")}
    store = RunStore(tmp_path / "data" / paths.runs_db_path().name)
    record_run(store, "20260101-000000-aaaaaa", {"lr": 0.1}, 0.91, [0.5, 0.4])
    record_run(store, "20260101-000001-bbbbbb", {"lr": 0.3}, 0.95, [0.5, 0.45])
    store.close()
    result = subprocess.run([sys.executable, "-m", "workbench", "runs", "compare", "20260101-000000", "20260101-000001"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Parameter differences:"
    assert any(line.split() == ["lr", "0.1", "0.3"] for line in lines)
    auc = next(line for line in lines if line.startswith("train / roc_auc"))
    assert auc.split() == ["train", "/", "roc_auc", "0.91", "0.95", "*"]
    loss = next(line for line in lines if line.startswith("train / loss (last)"))
    assert loss.split()[-3:] == ["0.4", "*", "0.45"]
    one = subprocess.run([sys.executable, "-m", "workbench", "runs", "compare", "20260101-000000"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert one.returncode != 0 and "two or more" in one.stderr


def test_cli_marks_the_values_of_cached_tasks_and_says_why_a_task_has_no_log(tmp_path):
    from workbench.runs.events import TaskStateChanged

    env = {**os.environ, "WORKBENCH_DATA_DIR": str(tmp_path / "data")}
    store = RunStore(tmp_path / "data" / paths.runs_db_path().name)
    record_run(store, "20260101-000000-aaaaaa", {"lr": 0.1}, 0.91, [0.5, 0.4])
    record_run(store, "20260101-000001-bbbbbb", {"lr": 0.1}, 0.91, [0.5, 0.4])
    source = {"run_id": "20260101-000000-aaaaaa", "task_id": "train"}
    skip = {"kind": "condition", "condition": "roc_auc > 0.99", "outcome": "false", "decided_by": ["train"],
            "parameters": []}
    for event in (TaskStateChanged("20260101-000001-bbbbbb", "train", "train", "cached", time.time(),
                                   message="from run 20260101-000000-aaaaaa", details={"cached_from": source}),
                  TaskStateChanged("20260101-000001-bbbbbb", "deploy", "deploy", "skipped", time.time(),
                                   message="condition `roc_auc > 0.99` was false (decided by train)",
                                   details={"skip": skip})):
        store.on_event(event)
    store.close()

    def workbench(*args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True, env=env,
                                timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    lines = workbench("runs", "compare", "20260101-000000-aaaaaa", "20260101-000001-bbbbbb").splitlines()
    auc = next(line for line in lines if line.startswith("train / roc_auc"))
    assert auc.split() == ["train", "/", "roc_auc", "0.91", "0.91", "(cached)"]
    cached = lines[lines.index(next(line for line in lines if line.startswith("Cached tasks"))) + 2]
    assert cached.split() == ["20260101-000001-bbbbbb", "train", "20260101-000000-aaaaaa"]

    shown = workbench("runs", "show", "20260101-000001-bbbbbb").splitlines()
    row = next(line for line in shown if line.startswith("train / roc_auc"))
    assert row.split() == ["train", "/", "roc_auc", "0.91", "cached", "from", "run", "20260101-000000-aaaaaa"]
    assert any(line.split()[:3] == ["deploy", "deploy", "skipped"] and line.endswith("(decided by train)") for line in shown)
    assert workbench("runs", "logs", "20260101-000001-bbbbbb", "deploy") == (
        "(no log: skipped, condition `roc_auc > 0.99` was false (decided by train))\n")


def record_loop_run(store: RunStore, run_id: str, items: list[str], losses: list[float]) -> None:
    """A run whose `train` task (named "gradient <b>boosting</b>\nv2" in the editor) ran in a loop."""
    spec = yaml.safe_load(IR)
    spec["root"]["dag"]["tasks"]["train"]["taskInfo"]["name"] = "gradient <b>boosting</b>\nv2"
    store.create_run(run_id, "demo", yaml.safe_dump(spec), {}, "docker")
    now = time.time()
    store.on_event(RunStarted(run_id, "demo", "docker", {}, now))
    store.on_event(TaskStateChanged(run_id, "for-loop-1", "for-loop-1", "running", now,
                                    details={"iterations": len(items), "items": items}))
    for index, loss in enumerate(losses):
        store.on_event(TaskStateChanged(run_id, f"for-loop-1[{index}]/train", "train", "succeeded", now))
        store.on_event(MetricLogged(run_id, f"for-loop-1[{index}]/train", "val/loss", loss, 0, now))
    store.on_event(TaskStateChanged(run_id, "for-loop-1", "for-loop-1", "succeeded", now,
                                    details={"iterations": len(items), "items": items}))
    store.on_event(RunFinished(run_id, "succeeded", now + 1))
    store.flush()


def test_cli_runs_compare_names_tasks_and_loop_iterations_as_people_gave_them(tmp_path):
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(tmp_path / "data")}
    store = RunStore(tmp_path / "data" / paths.runs_db_path().name)
    record_loop_run(store, "20260101-000000-aaaaaa", ["lr=0.1, epochs=20", "lr=0.3, epochs=5"], [0.4, 0.6])
    record_loop_run(store, "20260101-000001-bbbbbb", ["lr=0.1, epochs=20", "lr=0.9, epochs=1"], [0.3, 0.2])
    store.close()
    result = subprocess.run([sys.executable, "-m", "workbench", "runs", "compare", "20260101-000000", "20260101-000001"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "(train)" in line]
    # the same item in both runs: labelled by it; items that differ between the runs: by the index
    assert rows[0].startswith("gradient <b>boosting</b> v2 \u00b7 #1 (train) / val/loss (last)")  # sorted by label
    assert rows[1].startswith("gradient <b>boosting</b> v2 \u00b7 lr=0.1, epochs=20 (train) / val/loss (last)")
    assert rows[1].split()[-3:] == ["0.4", "0.3", "*"]
    assert "for-loop-1[" not in result.stdout
    shown = subprocess.run([sys.executable, "-m", "workbench", "runs", "show", "20260101-000001"],
                           capture_output=True, text=True, env=env, timeout=120)
    row = next(line for line in shown.stdout.splitlines() if line.startswith("for-loop-1[1]/train"))
    assert "gradient <b>boosting</b> v2 \u00b7 lr=0.9, epochs=1  " in row  # the NAME column of `runs show`
