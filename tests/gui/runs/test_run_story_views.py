"""The run views tell what happened, with the names people gave: a failed run's status bar and
node say the display name and the exception, the Step tab shows the traceback, a skipped task's
log tab and tooltip say why, a cached task shows its producer's curves and final metrics marked
"cached from RUN", in Live Metrics and in Compare.

The events are the ones the engine sends (tests/runs/test_engine_story.py checks that it does),
fed through the controller as its bridge feeds them, so no task needs to run here.
"""

from __future__ import annotations

import functools
import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF

from workbench.gui.runs.session import RunOptions, RunSession
from workbench.runs.events import ArtifactProduced, LogLine, MetricLogged, RunFinished, RunStarted, TaskStateChanged

CAUSE = "ValueError: n_shards must be at least 1"
TRACEBACK = "\n".join(["Traceback (most recent call last):",
                       *[f'  File "/opt/lib/module_{i}.py", line {i}, in step_{i}\n    step_{i + 1}()'
                         for i in range(40)],
                       '  File "/tmp/ephemeral_component.py", line 10, in train_model',
                       '    raise ValueError("n_shards must be at least 1")', CAUSE])
FIRST, SECOND = "20260101-000000-aaaaaa", "20260101-000100-bbbbbb"


def state(run_id: str, task_id: str, value: str, message: str = "", at: float | None = None, **details):
    return TaskStateChanged(run_id, task_id, task_id.rsplit("/", 1)[-1], value, at or time.time(), message=message,
                            details=details)


@functools.lru_cache
def compiled(path: str) -> str:
    """The IR a run of the document would carry: the run views name tasks from it."""
    from workbench.compiler.compile import compile_graph
    from workbench.model.serialize import load

    return compile_graph(load(path))


def feed(window, tab, run_id: str, events: list) -> RunSession:
    """Start a session as the controller does, bind it to the tab, and apply the events in one batch."""
    workspace = window.runs
    session = RunSession(run_id, RunOptions(ir_text=compiled(tab.document.path), arguments={},
                                            pipeline_name="train-compare-deploy"))
    workspace.controller.sessions[run_id] = session
    workspace.controller.session_started.emit(session)
    workspace.bind(tab, session)
    workspace.controller._apply([RunStarted(run_id, "train-compare-deploy", "docker", {}, time.time()), *events])
    return session


def click_node(qtbot, tab, name: str) -> None:
    item = tab.scene.nodes[tab.document.graph.node_by_name(name).id]
    tab.view.centerOn(item)
    point = tab.view.mapFromScene(item.sceneBoundingRect().center().x(), item.sceneBoundingRect().top() + 12)
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert item.isSelected()


def click_tab(qtbot, tabs, title: str) -> None:
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == title)
    qtbot.mouseClick(tabs.tabBar(), Qt.MouseButton.LeftButton, pos=tabs.tabBar().tabRect(index).center())
    assert tabs.currentIndex() == index


def failed_run(window, tab) -> RunSession:
    start = time.time()
    return feed(window, tab, FIRST, [
        state(FIRST, "train-model", "running", at=start),
        LogLine(FIRST, "train-model", "loading data", start + 0.1),
        *[LogLine(FIRST, "train-model", line, start + 0.2, "stderr") for line in TRACEBACK.splitlines()],
        state(FIRST, "train-model", "failed", f"task 'train-model' exited with code 1: {CAUSE}", start + 3,
              exception=CAUSE, traceback=TRACEBACK, exit_code=1),
        state(FIRST, "select-best-model", "skipped", "upstream train-model failed",
              skip={"kind": "upstream", "upstream": "train-model", "state": "failed"}),
        *[state(FIRST, task_id, "skipped", "condition `best_score >= threshold` was false (decided by train-model)",
                skip={"kind": "condition", "condition": "best_score >= threshold", "outcome": "false",
                      "decided_by": ["train-model"], "parameters": []})
          for task_id in ("condition-branches-1/condition-2", "condition-branches-1/condition-2/deploy-model")],
        RunFinished(FIRST, "failed", start + 3.5, f"task 'train-model' exited with code 1: {CAUSE}")])


def test_a_run_that_ends_behind_another_tab_says_so_in_the_status_bar(window, example_tab, qtbot):
    start = time.time()
    feed(window, example_tab, FIRST, [
        state(FIRST, "train-model", "running", at=start),
        state(FIRST, "train-model", "failed", f"task 'train-model' exited with code 1: {CAUSE}", start + 1,
              exception=CAUSE, traceback=TRACEBACK, exit_code=1)])
    window.new_document()  # the run views follow the new tab: they show no run now
    assert window.runs.current is None and window.runs.progress.text() == ""
    window.runs.controller._apply([RunFinished(FIRST, "failed", start + 2, f"task 'train-model' failed: {CAUSE}")])
    display = example_tab.document.graph.node_by_name("train-model").label
    assert window.statusBar().currentMessage() == f"Run {FIRST} failed: {display}: {CAUSE}"


def test_a_failure_is_explained_in_the_status_bar_the_node_and_the_step_tab(window, example_tab, qtbot):
    workspace = window.runs
    display = example_tab.document.graph.node_by_name("train-model").label
    assert display != "train-model"  # the example names its trainers
    failed_run(window, example_tab)
    assert window.statusBar().currentMessage() == ""  # the progress label says it, once
    assert workspace.progress.text().startswith(f"Run {FIRST}: failed after ")
    assert workspace.progress.text().endswith(f"\u2014 {display}: {CAUSE}")
    assert "exited with code 1 (exited" not in workspace.progress.text()

    node = example_tab.scene.nodes[example_tab.document.graph.node_by_name("train-model").id]
    assert node.run_state == "failed" and node.run_text.startswith("failed: ValueError")
    assert node.toolTip().startswith(f"{display} \u2014 failed in 3s\n{CAUSE}")

    click_node(qtbot, example_tab, "train-model")
    click_tab(qtbot, workspace.details, "Step")
    step = workspace.step
    assert f"{display} (train-model)\nState\nfailed\nError\n{CAUSE}\n" in step.text()
    assert step.traceback_box.isVisible() and step.traceback.isReadOnly()
    assert step.traceback.toPlainText() == TRACEBACK
    metrics = QFontMetricsF(step.traceback.font())  # monospaced as drawn (some fonts' fixed-pitch flag lies)
    assert metrics.horizontalAdvance("iiii") == metrics.horizontalAdvance("WWWW")
    bar = step.traceback.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == bar.maximum()  # scrolled to where the exception is


def test_a_skipped_task_says_why_in_its_tooltip_step_and_log_tabs(window, example_tab, qtbot):
    workspace = window.runs
    failed_run(window, example_tab)
    trainer = example_tab.document.graph.node_by_name("train-model").label
    reason = f"upstream {trainer} failed"
    node = example_tab.scene.nodes[example_tab.document.graph.node_by_name("select-best-model").id]
    assert node.run_state == "skipped" and reason in node.toolTip()

    click_node(qtbot, example_tab, "select-best-model")
    assert workspace.logs.task.currentData() == "select-best-model"
    assert workspace.logs.plain_text() == ""
    assert workspace.logs.text.placeholderText().startswith(f"skipped: {reason}")
    click_tab(qtbot, workspace.details, "Step")
    assert f"skipped \u2014 {reason}" in workspace.step.text()
    assert not workspace.step.traceback_box.isVisible()

    click_node(qtbot, example_tab, "deploy-model")
    condition = f"condition `best_score >= threshold` was false (decided by {trainer})"
    assert workspace.logs.text.placeholderText().startswith(f"skipped: {condition}")
    graph = example_tab.document.graph
    frame = graph.ancestors(graph.node_by_name("deploy-model").id)[0]
    badge = workspace.overlays[example_tab].badges[frame]
    assert badge.text == "not taken" and badge.toolTip() == f"not taken\nskipped: {condition}"
    click_node(qtbot, example_tab, "train-model")  # a task with a log shows its lines, no placeholder text
    click_tab(qtbot, workspace.details, "Logs")
    assert "loading data" in workspace.logs.plain_text() and workspace.logs.text.placeholderText() == ""


def cached_runs(window, tab) -> tuple[RunSession, RunSession]:
    """The first run trains; the second reuses its cache entry (its series replayed, its artifact
    restored), both recorded in the history as the engine's events are."""
    from workbench.runs import paths
    from workbench.runs.store import RunStore

    now = time.time()
    curve = [(1.0 / (step + 1), step) for step in range(30)]

    def run(run_id: str, task_state: str, **details) -> list:
        return [state(run_id, "train-model", "running", at=now),
                *[MetricLogged(run_id, "train-model", "loss", value, step, now + step * 0.01)
                  for value, step in curve],
                ArtifactProduced(run_id, "train-model", "metrics", "system.Metrics", "/tmp/m", {"accuracy": 0.875},
                                 now),
                state(run_id, "train-model", task_state, f"from run {FIRST}" if details else "", now + 1,
                      **details),
                RunFinished(run_id, "succeeded", now + 2)]

    store = RunStore(paths.runs_db_path())
    for run_id, events in ((FIRST, run(FIRST, "succeeded")),
                           (SECOND, run(SECOND, "cached", cached_from={"run_id": FIRST, "task_id": "train-model"}))):
        store.create_run(run_id, "train-compare-deploy", "pipelineInfo: {name: x}\n", {}, "docker")
        store.on_event(RunStarted(run_id, "train-compare-deploy", "docker", {}, now))
        for event in events:
            store.on_event(event)
    store.close()
    first = feed(window, tab, FIRST, run(FIRST, "succeeded"))
    second = feed(window, tab, SECOND, run(SECOND, "cached", cached_from={"run_id": FIRST, "task_id": "train-model"}))
    return first, second


def test_a_cached_task_shows_its_producers_curve_and_metrics_marked(window, example_tab, qtbot):
    workspace = window.runs
    first, second = cached_runs(window, example_tab)
    assert workspace.current is second
    metrics = workspace.metrics
    qtbot.waitUntil(lambda: metrics.plotted_points().get("train-model") == 30, timeout=5000)
    item = metrics.tasks.item(0)
    assert item.text() == "logistic regression (train-model) (cached)"
    assert item.toolTip().endswith(f"\ncached from run {FIRST}")
    node = example_tab.scene.nodes[example_tab.document.graph.node_by_name("train-model").id]
    assert node.run_state == "cached" and node.toolTip().endswith(f"cached from run {FIRST}")

    example_tab.scene.clearSelection()  # selected in the first run's views
    click_node(qtbot, example_tab, "train-model")
    click_tab(qtbot, workspace.details, "Step")
    assert f"State\ncached\nCached from\nrun {FIRST}, task train-model" in workspace.step.text()
    click_tab(qtbot, workspace.details, "Final metrics")
    table = workspace.final_metrics.table
    rows = {(table.item(r, 1).text(), table.item(r, 3).text()) for r in range(table.rowCount())}
    assert ("accuracy", f"cached from run {FIRST}") in rows and ("loss (last)", f"cached from run {FIRST}") in rows

    view = workspace.compare([FIRST, SECOND])
    qtbot.waitUntil(lambda: bool(view.summaries), timeout=30_000)
    metrics_table = view.tabs.widget(1)
    cells = {metrics_table.item(r, 0).toolTip(): (metrics_table.item(r, 1).text(), metrics_table.item(r, 2).text())
             for r in range(metrics_table.rowCount())}  # a row's tooltip is its metric key
    assert cells["train-model/accuracy"] == ("0.875", f"0.875  (cached from {FIRST[-13:]})")
    assert cells["train-model/loss (last)"] == ("0.0333333", f"0.0333333  (cached from {FIRST[-13:]})")
    view.close()


def test_a_skipped_loop_says_skipped_and_why_not_zero_of_zero_done(window, qtbot):
    from pathlib import Path

    tab = window.open_path(str(Path(__file__).resolve().parents[3] / "pipelines" / "sharded_processing.wbp"))
    skip = {"kind": "upstream", "upstream": "exit-handler-1/make-shards", "state": "failed"}
    feed(window, tab, FIRST, [
        state(FIRST, "exit-handler-1/make-shards", "failed", f"task 'make-shards' exited with code 1: {CAUSE}",
              exception=CAUSE, traceback=TRACEBACK),
        *[state(FIRST, task_id, "skipped", "upstream make-shards failed", skip=skip)
          for task_id in ("exit-handler-1/for-loop-2", "exit-handler-1/for-loop-2/process-shard")],
        RunFinished(FIRST, "failed", time.time(), f"task 'make-shards' exited with code 1: {CAUSE}")])
    graph = tab.document.graph
    loop = graph.ancestors(graph.node_by_name("process-shard").id)[0]
    badge = window.runs.overlays[tab].badges[loop]
    assert badge.text == "skipped"
    assert badge.toolTip() == f"skipped\nskipped: upstream {graph.node_by_name('make-shards').label} failed"


def test_a_past_run_recorded_without_the_cause_gets_it_from_its_stored_log(isolated_data_dir):
    """Runs from before failures kept their cause: opening one reads the cause from its log."""
    from workbench.runs import paths
    from workbench.runs.store import RunStore

    store = RunStore(paths.runs_db_path())
    store.create_run(FIRST, "demo", "", {}, "docker")
    events = [RunStarted(FIRST, "demo", "docker", {}, 1.0),
              *[LogLine(FIRST, "make-shards", line, 2.0, "stderr") for line in TRACEBACK.splitlines()],
              LogLine(FIRST, "make-shards", "a later stdout line", 2.5),
              state(FIRST, "make-shards", "failed", "task 'make-shards' exited with code 1", 3.0, exit_code=1),
              RunFinished(FIRST, "failed", 4.0, "task 'make-shards' exited with code 1")]
    for event in events:
        store.on_event(event)
    session = RunSession.from_store(store, FIRST)
    store.close()
    task = session.tasks["make-shards"]
    assert task.details["exception"] == CAUSE and task.details["traceback"] == TRACEBACK
    assert session.outcome_detail() == f"make-shards: {CAUSE}"
