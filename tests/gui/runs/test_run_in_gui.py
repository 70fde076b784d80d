"""Running train_compare_deploy from the window on the real engine (Docker): node states, live
loss curves while the trainers run, the branch taken, the stored run, logs, step details,
artifacts; cancelling mid-run; re-running from a task."""

from __future__ import annotations

import pytest
from run_helpers import start_from_dialog, wait_finished
from PySide6.QtCore import QTimer

TRAINERS = ("train-model", "train-model-2", "train-model-3")
pytestmark = pytest.mark.usefixtures("docker_images")


def _node(tab, name: str):
    graph = tab.document.graph
    return tab.scene.nodes[graph.node_by_name(name).id]


def _frame_badge(window, tab, label: str) -> str:
    graph = tab.document.graph
    group_id = next(g.id for g in graph.groups.values() if g.label == label)
    badge = window.runs.overlays[tab].badges[group_id]
    return badge.text


def test_run_from_the_window_shows_states_live_curves_and_branch(window, example_tab, qtbot):
    workspace = window.runs
    seen_live: dict[str, int] = {}  # trainer -> fewest points seen plotted while the GUI showed it running

    def observe() -> None:
        session = workspace.current
        if session is None:
            return
        plotted = workspace.metrics.plotted_points()
        for trainer in TRAINERS:
            task = session.tasks.get(trainer)
            if task is not None and task.state == "running" and plotted.get(trainer, 0) > 0:
                seen_live[trainer] = min(seen_live.get(trainer, plotted[trainer]), plotted[trainer])

    probe = QTimer()
    probe.timeout.connect(observe)
    probe.start(10)
    session = start_from_dialog(window, qtbot, {"epochs": "1500"})
    assert workspace.docks["metrics"].isVisible()
    wait_finished(qtbot, session)
    probe.stop()
    assert session.state == "succeeded", session.message

    # curves were in the plot while their trainers were still running, and complete at the end
    assert set(seen_live) == set(TRAINERS), seen_live
    assert all(0 < seen_live[t] < 1500 for t in TRAINERS), seen_live
    qtbot.waitUntil(lambda: workspace.metrics.plotted_points() == {t: 1500 for t in TRAINERS}, timeout=5000)
    assert workspace.metrics.chosen_metric() == "loss"
    given = {"train-model": "logistic regression (train-model)", "train-model-2": "xgboost (train-model-2)",
             "train-model-3": "neural net (train-model-3)"}
    legend = workspace.metrics.plot.getPlotItem().legend
    assert sorted(label.item.toPlainText() for _, label in legend.items) == sorted(given.values())

    # node badges and the branch taken
    for trainer in TRAINERS:
        assert _node(example_tab, trainer).run_state == "succeeded"
    deployed = _node(example_tab, "deploy-model").run_state
    reported = _node(example_tab, "write-report").run_state
    assert {deployed, reported} == {"succeeded", "skipped"}
    taken, other = ("score reaches threshold", "below threshold") if deployed == "succeeded" else \
        ("below threshold", "score reaches threshold")
    assert _frame_badge(window, example_tab, taken) == "\u2713 branch taken"
    assert _frame_badge(window, example_tab, other) == "not taken"
    assert "succeeded" in workspace.progress.text()

    # the stored run: exact pipeline, arguments, every task
    store = workspace.controller.store()
    record = store.get_run(session.run_id)
    assert record.state == "succeeded" and record.arguments["epochs"] == 1500
    assert record.pipeline_yaml == session.options.ir_text
    assert {t.task_id: t.state for t in store.tasks(session.run_id)}["train-model-2"] == "succeeded"

    # selecting a task shows its step details, its logs and its artifacts
    example_tab.scene.select_ids([example_tab.document.graph.node_by_name("train-model").id])
    step = workspace.step.text()
    assert "Cache key" in step and "Exit code" in step and "Image" in step and "learning_rate" in step
    assert workspace.logs.task.currentData() == "train-model"
    assert workspace.logs.task.currentText() == given["train-model"]
    assert given["train-model"] in step
    qtbot.waitUntil(lambda: "WORKBENCH_METRIC" in workspace.logs.plain_text(), timeout=3000)
    assert workspace.artifacts.select("roc")
    assert workspace.final_metrics.table.rowCount() >= 9


def test_cancel_mid_run_leaves_nothing_running(window, example_tab, qtbot, docker_client):
    workspace = window.runs
    session = start_from_dialog(window, qtbot, {"epochs": "200000"})
    qtbot.waitUntil(lambda: any(session.tasks.get(t) and session.tasks[t].state == "running" for t in TRAINERS),
                    timeout=120_000)
    window.actions_by_name["cancel_run"].trigger()
    wait_finished(qtbot, session, timeout=60_000)
    assert session.state == "cancelled"
    assert not any(t.state in ("running", "pending") for t in session.tasks.values())
    assert _node(example_tab, "train-model").run_state == "cancelled"
    assert docker_client.containers.list(all=True, filters={"label": f"workbench.run-id={session.run_id}"}) == []
    assert workspace.controller.store().get_run(session.run_id).state == "cancelled"


def test_rerun_from_a_task_reuses_cached_upstream(window, example_tab, qtbot):
    workspace = window.runs
    first = start_from_dialog(window, qtbot, {"epochs": "20"})
    wait_finished(qtbot, first)
    assert first.state == "succeeded"
    example_tab.scene.select_ids([example_tab.document.graph.node_by_name("train-model-2").id])
    window.actions_by_name["rerun_from_task"].trigger()
    second = workspace.current
    assert second is not first and second.options.force_tasks == ("train-model-2",)
    wait_finished(qtbot, second)
    states = {task_id: task.state for task_id, task in second.tasks.items()}
    assert states["load-tabular-data"] == states["train-model"] == "cached"
    assert states["train-model-2"] == states["select-best-model"] == "succeeded"
    assert _node(example_tab, "train-model").run_state == "cached"
    # the cached trainer keeps the first run's story: its curve, its final metrics, where it came from
    assert second.tasks["train-model"].details["cached_from"] == {"run_id": first.run_id, "task_id": "train-model"}
    qtbot.waitUntil(lambda: workspace.metrics.plotted_points().get("train-model") == 20, timeout=5000)
    curves = [run.series[("train-model", "loss")].values.tolist() for run in (first, second)]
    assert curves[0] == curves[1]
    assert f"cached from run {first.run_id}" in _node(example_tab, "train-model").toolTip()
    view = workspace.compare([first.run_id, second.run_id])
    qtbot.waitUntil(lambda: bool(view.summaries), timeout=60_000)
    row = next(r for r in view.metrics_rows if r.name == "train-model/loss (last)")
    assert row.values[0] == row.values[1] is not None
    view.close()
