"""A small sweep launched from its dialog (grid over epochs, two at once) ends in the comparison
view; the history lists the runs, filters them and opens a past run with its final states."""

from __future__ import annotations

import pytest
from run_helpers import wait_finished
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

pytestmark = pytest.mark.usefixtures("docker_images")


def launch_sweep(window, qtbot, values: str) -> list:
    workspace = window.runs
    window.actions_by_name["sweep"].trigger()
    dialog = workspace.sweep_dialog
    dialog.values["epochs"].setText(values)
    dialog.at_once.setValue(2)
    assert dialog.summary.text().startswith("3 run(s)")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(workspace.sweeps) and len(workspace.sweeps[-1].sessions) >= 2, timeout=60_000)
    sweep = workspace.sweeps[-1]
    assert len(sweep.active) <= 2
    qtbot.waitUntil(lambda: len(sweep.sessions) == 3, timeout=300_000)
    for session in sweep.sessions:
        wait_finished(qtbot, session)
    return sweep.sessions


def test_sweep_opens_comparison_then_history_opens_a_past_run(window, example_tab, qtbot, dialogs):
    workspace = window.runs
    sessions = launch_sweep(window, qtbot, "5, 15, 30")
    assert [s.state for s in sessions] == ["succeeded"] * 3
    assert sorted(s.options.arguments["epochs"] for s in sessions) == [5, 15, 30]

    qtbot.waitUntil(lambda: bool(workspace.compare_views) and bool(workspace.compare_views[-1].summaries),
                    timeout=60_000)
    view = workspace.compare_views[-1]
    assert view.run_ids == [s.run_id for s in sessions]
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == [
        "Parameters", "Metrics", "Curves", "ROC", "Parallel coordinates", "Pipeline diff"]
    assert "\u2260" in view.parameter_table.item(0, 0).text()  # epochs differs
    loss = next(row for row in view.metrics_rows if row.name == "train-model/loss (last)")
    assert loss.lower_is_better and loss.best == [s.options.arguments["epochs"] for s in sessions].index(30)
    assert "Same pipeline" in view.diff_browser.toPlainText()
    assert view.curve_chooser.currentData().endswith("/loss")
    # rows and series by the names given in the editor, the task name second
    assert "xgboost (train-model-2) / loss (last) \u2193" in [
        view.tabs.widget(1).item(row, 0).text() for row in range(view.tabs.widget(1).rowCount())]
    assert view.curve_chooser.currentText().endswith(") / loss")

    # the history lists the runs; filtering by a parameter; opening one shows its final states
    window.actions_by_name["show_runs"].trigger()
    qtbot.waitUntil(lambda: workspace.history.table.rowCount() == 3, timeout=30_000)
    workspace.history.filter.setText("epochs=15")
    assert len(workspace.history.visible_run_ids()) == 1
    past = workspace.history.visible_run_ids()[0]
    workspace.history.select_runs([past])
    count = window.tabs.count()
    workspace.history.open_button.click()
    qtbot.waitUntil(lambda: window.tabs.count() == count + 1, timeout=60_000)
    tab = window.current
    assert past in tab.document.graph.name
    states = {node.name: tab.scene.nodes[node.id].run_state for node in tab.document.graph.nodes.values()}
    assert states["train-model"] == "succeeded" and states["select-best-model"] == "succeeded"
    assert {states["deploy-model"], states["write-report"]} == {"succeeded", "skipped"}
    assert workspace.current.run_id == past and workspace.metrics.session is workspace.current

    # deleting a finished run removes it from the history
    workspace.history.select_runs([past])
    dialogs.answer = QMessageBox.StandardButton.Yes
    workspace.history.filter.clear()
    workspace.history.delete_selected()
    qtbot.waitUntil(lambda: workspace.history.table.rowCount() == 2, timeout=30_000)
