"""The run history's right-click menu, with real right-clicks on a row and picks in the popup:
open, compare (two or more selected), re-run (a new run of the same pipeline, live on a new tab)
and delete (after a confirmation)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMessageBox

from menu_drive import open_menu
from workbench.gui.runs.session import RunSession
from workbench.model.bindings import Binding
from workbench.runs.events import RunFinished

pytestmark = pytest.mark.xserver


COMPILED: list[str] = []  # the small pipeline compiles to the same YAML in every test: compile it once


@pytest.fixture
def history(window, small_graph, qtbot):
    """Three finished runs of the small pipeline in the history, shown in the Runs panel."""
    from workbench.compiler.compile import compile_graph

    if not COMPILED:
        data, train = (small_graph.node_by_name(n).id for n in ("make-data", "train"))
        small_graph.set_binding(train, "data", Binding.from_output(data, "data"))
        COMPILED.append(compile_graph(small_graph))
    ir_text = COMPILED[0]
    store = window.runs.controller.store()
    for index, run_id in enumerate(("run-a", "run-b", "run-c")):
        store.create_run(run_id, "demo", ir_text, {"threshold": 0.1 * index}, "docker")
        store.on_event(RunFinished(run_id, "succeeded", 1000.0 + index))
    store.flush()
    window.actions_by_name["show_runs"].trigger()
    view = window.runs.history
    qtbot.waitUntil(lambda: view.table.rowCount() == 3, timeout=10_000)
    return view


def row_menu(view, run_id: str, pick: str | None = None) -> dict:
    row = next(r for r in range(view.table.rowCount()) if view.table.item(r, 0).text() == run_id)
    return open_menu(view.table.viewport(), view.table.visualRect(view.table.model().index(row, 2)).center(), pick)


def test_right_click_selects_the_row_and_says_what_needs_more(history):
    history.select_runs(["run-a"])
    seen = row_menu(history, "run-b")
    assert history.selected_run_ids() == ["run-b"]
    assert seen["entries"] == ["Open", "Compare", "Re-run", "Delete\u2026"]
    assert seen["enabled"] == {"Open": True, "Compare": False, "Re-run": True, "Delete\u2026": True}
    assert "two or more" in seen["tips"]["Compare"]


def test_compare_from_the_menu_keeps_the_selection(window, history):
    history.select_runs(["run-a", "run-c"])
    seen = row_menu(history, "run-c", "Compare")
    assert seen["enabled"]["Open"] is False and seen["tips"]["Open"] == "Select one run"
    view = window.runs.compare_views[-1]
    assert sorted(view.run_ids) == ["run-a", "run-c"]
    view.close()


def test_open_from_the_menu_shows_the_run_on_a_new_tab(window, history, qtbot):
    count = window.tabs.count()
    row_menu(history, "run-b", "Open")
    qtbot.waitUntil(lambda: window.tabs.count() == count + 1, timeout=20_000)
    assert "run run-b" in window.current.document.graph.name
    assert window.runs.overlays[window.current].session.run_id == "run-b"


def test_rerun_from_the_menu_starts_the_same_pipeline_again_on_a_new_tab(window, history, qtbot, monkeypatch):
    started = []
    monkeypatch.setattr(window.runs.controller, "start",
                        lambda options: started.append(options) or RunSession("run-d", options))
    count = window.tabs.count()
    row_menu(history, "run-b", "Re-run")
    qtbot.waitUntil(lambda: bool(started), timeout=20_000)
    (options,) = started
    assert options.arguments == {"threshold": 0.1} and options.force_tasks == ()
    assert options.ir_text == window.runs.controller.store().get_run("run-b").pipeline_yaml
    assert window.tabs.count() == count + 1 and window.runs.overlays[window.current].session.run_id == "run-d"


def test_delete_from_the_menu_asks_first(history, dialogs, qtbot):
    dialogs.answer = QMessageBox.StandardButton.No
    row_menu(history, "run-a", "Delete\u2026")
    assert dialogs.messages[-1][:2] == ("question", "Delete runs")
    history.reload()
    qtbot.waitUntil(lambda: not history.loading)
    assert history.table.rowCount() == 3, "No keeps the run"
    dialogs.answer = QMessageBox.StandardButton.Yes
    row_menu(history, "run-a", "Delete\u2026")
    qtbot.waitUntil(lambda: history.table.rowCount() == 2, timeout=10_000)
    assert "run-a" not in history.visible_run_ids()


def test_a_run_in_flight_cannot_be_deleted(window, history, monkeypatch):
    monkeypatch.setattr(window.runs.controller, "running", lambda: [RunSession("run-c")])
    seen = row_menu(history, "run-c")
    assert seen["enabled"]["Delete\u2026"] is False and "in flight" in seen["tips"]["Delete\u2026"]


def test_right_click_below_the_rows_opens_no_menu(history):
    history.filter.setText("run-a")
    viewport = history.table.viewport()
    (row,) = [r for r in range(history.table.rowCount()) if not history.table.isRowHidden(r)]
    below = history.table.visualRect(history.table.model().index(row, 0)).bottomLeft() + QPoint(5, 6)
    assert viewport.rect().contains(below) and history.table.rowAt(below.y()) == -1
    seen = open_menu(viewport, below)
    assert seen["entries"] == []
