"""Run views name tasks by the names people gave ("gradient boosting (train-model-2)"), label loop
iterations by their item, and show hostile names (HTML-like, multi-line, very long) as the plain
text they are: Live Metrics, logs, the Step tab, artifacts, the loop picker and Compare. The runs
are fed as the engine's events (no Docker), so every view is checked in a fraction of a second."""

from __future__ import annotations

import time

import yaml
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMenu

from workbench.gui.runs.artifact_views import ArtifactPanel
from workbench.gui.runs.final_metrics import FinalMetricsTable
from workbench.gui.runs.logs_panel import LogsPanel
from workbench.gui.runs.metrics_dock import MetricsPanel
from workbench.gui.runs.session import RunOptions, RunSession
from workbench.gui.runs.status_overlay import StatusOverlay
from workbench.gui.runs.step_inspector import StepInspector
from workbench.runs.events import ArtifactProduced, LogLine, MetricLogged, RunFinished, RunStarted, TaskStateChanged
from workbench.runs.task_names import item_labels

from run_helpers import REPO

HOSTILE = "gradient <b>boosting</b>\nfast & <i>cheap</i>"
SHOWN = "gradient <b>boosting</b> fast & <i>cheap</i>"  # one line, the tags as text
LONG_ITEM = {"lr": 0.3, "note": "x" * 200}
ROC = {"confidenceMetrics": [{"falsePositiveRate": 0.0, "recall": 0.5}, {"falsePositiveRate": 0.4, "recall": 0.9}]}


def ir_text() -> str:
    """A pipeline as kfp compiles it: a named task at the root and a named trainer in a loop."""
    leaf = {"executorLabel": "exec-leaf"}
    return yaml.safe_dump({
        "pipelineInfo": {"name": "names"},
        "root": {"dag": {"tasks": {
            "train-model-2": {"componentRef": {"name": "comp-leaf"}, "taskInfo": {"name": HOSTILE}},
            "for-loop-1": {"componentRef": {"name": "comp-for-loop-1"}, "taskInfo": {"name": "for-loop-1"},
                           "parameterIterator": {"itemInput": "item", "items": {"raw": "[1, 2]"}}}}}},
        "components": {"comp-leaf": leaf, "comp-for-loop-1": {"dag": {"tasks": {
            "train": {"componentRef": {"name": "comp-leaf"}, "taskInfo": {"name": "trainer"}}}}}},
        "deploymentSpec": {"executors": {"exec-leaf": {"container": {"image": "alpine", "command": ["true"]}}}},
    })


def finished_session() -> RunSession:
    """A finished run: its tasks, loss curves, log lines and a ROC artifact."""
    session = RunSession("r1", RunOptions(ir_text(), {}))
    now = time.time()
    events = [RunStarted("r1", "names", "docker", {}, now),
              TaskStateChanged("r1", "for-loop-1", "for-loop-1", "running", now,
                               details={"iterations": 2, "items": item_labels([{"lr": 0.1, "epochs": 20}, LONG_ITEM])})]
    for task_id, name in (("train-model-2", "train-model-2"), ("for-loop-1[0]/train", "train"),
                          ("for-loop-1[1]/train", "train")):
        events.append(TaskStateChanged("r1", task_id, name, "succeeded", now))
        events += [MetricLogged("r1", task_id, "loss", 1.0 / (step + 1), step, now + step) for step in range(5)]
        events.append(LogLine("r1", task_id, f"hello from {name}", now))
    events += [ArtifactProduced("r1", "train-model-2", "roc", "system.ClassificationMetrics", "/nowhere", ROC, now),
               RunFinished("r1", "succeeded", now + 10)]
    for event in events:
        session.apply(event)
    return session


LABELS = [f"{SHOWN} (train-model-2)", "trainer \u00b7 lr=0.1, epochs=20 (train)",
          f"trainer \u00b7 lr=0.3, note={'x' * 26}\u2026 (train)"]  # a long item elided to 40 characters


def test_live_metrics_list_and_legend_use_the_given_names_as_plain_text(qtbot):
    session = finished_session()
    panel = MetricsPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 500)
    panel.show()
    panel.set_session(session)
    qtbot.waitUntil(lambda: len(panel.curves) == 3, timeout=5000)
    rows = [panel.tasks.item(row) for row in range(panel.tasks.count())]
    assert [item.text() for item in rows] == LABELS
    assert "task id: for-loop-1[1]/train" in rows[2].toolTip() and "x" * 200 in rows[2].toolTip()
    legend = panel.plot.getPlotItem().legend
    assert [label.item.toPlainText() for _, label in legend.items] == LABELS  # the tags show, not bold text
    assert not legend.isVisible()  # long names: it would cover the curves; the task list names them
    panel.resize(1900, 500)
    assert legend.isVisible()

    # unticking a task by its check box takes its curve and legend entry away
    box = panel.tasks.visualItemRect(rows[0])
    qtbot.mouseClick(panel.tasks.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(box.left() + 8, box.center().y()))
    assert rows[0].checkState() == Qt.CheckState.Unchecked
    assert [label.item.toPlainText() for _, label in legend.items] == LABELS[1:]


def test_logs_name_tasks_in_the_selector_and_in_the_whole_run_prefixes(qtbot):
    session = finished_session()
    logs = LogsPanel()
    qtbot.addWidget(logs)
    logs.show()
    logs.set_session(session)
    entries = [logs.task.itemText(i) for i in range(logs.task.count())]
    assert entries == ["Whole run", "for-loop-1", LABELS[1], LABELS[2], LABELS[0]]
    text = logs.plain_text()  # ANSI colours on: the lines are HTML, the names must stay text
    assert f"[{SHOWN} (train-model-2)] hello from train-model-2" in text
    assert "[trainer \u00b7 lr=0.1, epochs=20 (train)] hello from train" in text
    logs.colours.setCurrentIndex(1)
    assert f"[{SHOWN} (train-model-2)] hello from train-model-2" in logs.plain_text()
    logs.task.setFocus()
    qtbot.keyClick(logs.task, Qt.Key.Key_End)  # the last entry: the task with the hostile name
    assert logs.task.currentData() == "train-model-2"
    assert logs.plain_text() == "hello from train-model-2"
    assert "task id: train-model-2" in logs.task.itemData(logs.task.currentIndex(), Qt.ItemDataRole.ToolTipRole)


def test_step_tab_final_metrics_and_artifacts_name_the_task(qtbot):
    session = finished_session()
    step = StepInspector()
    qtbot.addWidget(step)
    step.show_task(session, "for-loop-1[1]/train")
    text = step.text()
    assert f"trainer \u00b7 lr=0.3, note={'x' * 200} (train)" in text  # nothing elided in the Step tab
    assert "task id for-loop-1[1]/train" in text
    step.show_task(session, "train-model-2")
    assert f"{SHOWN} (train-model-2)" in step.text()

    table = FinalMetricsTable()
    qtbot.addWidget(table)
    table.set_session(session)
    assert {table.table.item(row, 0).text() for row in range(table.table.rowCount())} == set(LABELS)

    artifacts = ArtifactPanel()
    qtbot.addWidget(artifacts)
    artifacts.set_session(session)
    assert artifacts.list.item(0).text() == f"{SHOWN} (train-model-2) \u2192 roc"
    assert artifacts.select("roc")
    plot = artifacts.viewer.currentWidget().widget(0)
    legend = plot.getPlotItem().legend
    assert [label.item.toPlainText() for _, label in legend.items] == [f"{SHOWN} (train-model-2)"]


def test_loop_picker_lists_iterations_by_their_item_and_picks_by_keyboard(window, qtbot):
    tab = window.open_path(str(REPO / "pipelines" / "hyperparameter_sweep.wbp"))
    graph = tab.document.graph
    grid = graph.parameters["grid"].default
    loop = next(g for g in graph.groups.values() if g.kind == "loop")
    session = RunSession("r2", RunOptions("", {}))
    now = time.time()
    session.apply(TaskStateChanged("r2", "for-loop-1", "for-loop-1", "running", now,
                                   details={"iterations": len(grid), "items": item_labels(grid)}))
    for index in range(len(grid)):
        session.apply(TaskStateChanged("r2", f"for-loop-1[{index}]/train-model", "train-model",
                                       "succeeded" if index else "failed", now))
    overlay = StatusOverlay(tab.scene, session)
    badge = overlay.badges[loop.id]
    assert badge.iterations[0] == (0, "failed", "epochs=30, learning_rate=0.02")
    menu = badge.picker()
    entries = [action.text() for action in menu.actions() if action.text()]
    assert entries[:3] == ["All iterations", "epochs=30, learning_rate=0.02: failed",
                           "epochs=60, learning_rate=0.02: succeeded"]
    assert len(entries) == 1 + len(grid)

    menu.popup(QPoint(10, 10))
    qtbot.waitUntil(menu.isVisible)
    for _ in range(3):  # All iterations, then the first two items
        qtbot.keyClick(menu, Qt.Key.Key_Down)
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    assert overlay.picked_iteration[loop.id] == 1
    assert "showing epochs=60, learning_rate=0.02" in badge.text
    overlay.detach()


def test_iteration_entries_escape_ampersands_and_elide_long_items(window, qtbot):
    from workbench.gui.runs.status_overlay import iteration_text

    assert iteration_text(0, "a & b", "succeeded") == "a && b: succeeded"
    assert iteration_text(3, "#3", "failed") == "Iteration 3: failed"  # a run that did not record items
    long = iteration_text(1, "y" * 500, "running")
    assert len(long) < 60 and long.endswith("\u2026: running")
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]


def record_run(store, run_id: str, items: list, losses: list[float]) -> None:
    now = time.time()
    store.create_run(run_id, "names", ir_text(), {"items": items}, "docker")
    store.on_event(RunStarted(run_id, "names", "docker", {"items": items}, now))
    store.on_event(TaskStateChanged(run_id, "for-loop-1", "for-loop-1", "succeeded", now,
                                    details={"iterations": len(items), "items": item_labels(items)}))
    for index, loss in enumerate(losses):
        store.on_event(TaskStateChanged(run_id, f"for-loop-1[{index}]/train", "train", "succeeded", now))
        store.on_event(MetricLogged(run_id, f"for-loop-1[{index}]/train", "loss", loss, 0, now))
    store.on_event(ArtifactProduced(run_id, "train-model-2", "metrics", "system.Metrics", "/m", {"auc": losses[0]},
                                    now))
    store.on_event(ArtifactProduced(run_id, "train-model-2", "roc", "system.ClassificationMetrics", "/r", ROC, now))
    store.on_event(RunFinished(run_id, "succeeded", now + 1))
    store.flush()


def test_compare_names_metrics_curves_and_roc_by_the_given_names(window, qtbot):
    workspace = window.runs
    store = workspace.controller.store()
    record_run(store, "20260101-000000-aaaaaa", [0.1, 0.2], [0.5, 0.4])
    record_run(store, "20260101-000001-bbbbbb", [0.1, 0.7], [0.3, 0.6])
    view = workspace.compare(["20260101-000000-aaaaaa", "20260101-000001-bbbbbb"])
    qtbot.waitUntil(lambda: bool(view.summaries), timeout=30_000)
    rows = [view.tabs.widget(1).item(row, 0).text() for row in range(view.tabs.widget(1).rowCount())]
    assert rows == [f"{SHOWN} (train-model-2) / auc \u2191",             # sorted by what they show
                    "trainer \u00b7 #1 (train) / loss (last) \u2193",    # 0.2 in one run, 0.7 in the other
                    "trainer \u00b7 0.1 (train) / loss (last) \u2193"]   # the same item in both runs
    chooser = view.curve_chooser
    assert [chooser.itemText(i) for i in range(chooser.count())] == [
        "trainer \u00b7 #1 (train) / loss", "trainer \u00b7 0.1 (train) / loss"]
    assert chooser.currentData() == "for-loop-1[0]/train/loss"
    view.tabs.setCurrentIndex(3)
    legend = view.tabs.widget(3).getPlotItem().legend
    assert [label.item.toPlainText() for _, label in legend.items] == [
        f"000000-aaaaaa {SHOWN} (train-model-2)", f"000001-bbbbbb {SHOWN} (train-model-2)"]
    view.close()

    window.actions_by_name["show_runs"].trigger()  # the history's key metrics, named the same way
    history = workspace.history.table
    qtbot.waitUntil(lambda: history.rowCount() == 2, timeout=30_000)
    assert {history.item(row, 7).text() for row in range(2)} == {f"{SHOWN} (train-model-2) / auc=0.5",
                                                                 f"{SHOWN} (train-model-2) / auc=0.3"}
