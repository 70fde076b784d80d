"""Right-click menus on the canvas, driven with real right-clicks and picks in the real popup menu:
the background (add here, paste here, select all, fit), a task (rename, run from here, view logs,
duplicate, delete, wrap, disable caching), a frame (edit, Elif / Else, unwrap) and an edge (delete).
Each edit is then undone exactly."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QElapsedTimer, QPointF, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from gui_drive import frame_point, node_header, node_named
from menu_drive import open_menu
from workbench.gui.context_menus import NO_RUN
from workbench.gui.runs.session import RunOptions, RunSession
from workbench.model.serialize import to_json
from workbench.runs.events import LogLine, RunFinished, RunStarted, TaskStateChanged

pytestmark = pytest.mark.xserver
EMPTY = QPointF(200, 320)


def canvas_menu(tab, scene_pos: QPointF, pick: str | None = None) -> dict:
    return open_menu(tab.view.viewport(), tab.view.mapFromScene(scene_pos), pick)


def answer_input(text: str) -> None:
    """Type `text` into the input dialog that is about to open and press OK."""
    clock = QElapsedTimer()
    clock.start()

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QInputDialog):
            field = dialog.findChild(QLineEdit)
            field.selectAll()
            QTest.keyClicks(field, text)
            QTest.keyClick(field, Qt.Key.Key_Return)
        elif clock.elapsed() < 3000:
            QTimer.singleShot(10, poll)
    QTimer.singleShot(0, poll)


def undone(document, before: str) -> bool:
    document.undo_stack.undo()
    return to_json(document.graph) == before


# ----- background --------------------------------------------------------------------------------


def test_background_menu_paste_here_lands_at_the_click(window, tab):
    graph, document = tab.document.graph, tab.document
    train = node_named(graph, "train")
    tab.scene.select_ids([train])
    window.actions_by_name["copy"].trigger()
    before = to_json(graph)
    seen = canvas_menu(tab, QPointF(100, 240), "Paste Here")
    assert seen["entries"] == ["Add Component Here\u2026", "Paste Here", "Select All", "Fit to Window"]
    (pasted,) = [n for n in graph.nodes.values() if n.id not in (train, node_named(graph, "make-data"))]
    assert pasted.position == (100.0, 240.0) and pasted.component == "train"
    assert tab.scene.selected_ids() == [pasted.id]
    assert undone(document, before)


def test_background_menu_paste_is_disabled_without_tasks_on_the_clipboard(tab):
    QGuiApplication.clipboard().setText("just some text")
    seen = canvas_menu(tab, EMPTY, "Paste Here")
    assert seen["enabled"]["Paste Here"] is False and "no pipeline tasks" in seen["tips"]["Paste Here"]
    assert seen["picked"] is None and len(tab.document.graph.nodes) == 2


def test_background_menu_adds_a_component_at_the_click(tab):
    graph, before = tab.document.graph, to_json(tab.document.graph)
    canvas_menu(tab, QPointF(200, 320), "Add Component Here\u2026")
    popup = tab.quick_add
    assert popup is not None and popup.isVisible()
    QTest.keyClicks(popup.search, "toy trainer")
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    added = graph.node_by_name("toy-trainer")
    assert added is not None and abs(added.position[0] - 200) <= 20 and abs(added.position[1] - 300) <= 20
    assert undone(tab.document, before)


def test_background_menu_select_all_and_fit(tab):
    canvas_menu(tab, EMPTY, "Select All")
    assert sorted(tab.scene.selected_ids()) == sorted(tab.document.graph.nodes)
    tab.view.set_zoom(0.2)
    canvas_menu(tab, tab.view.mapToScene(tab.view.viewport().rect().bottomLeft()) + QPointF(5, -5), "Fit to Window")
    assert tab.view.zoom > 0.2
    visible = tab.view.mapToScene(tab.view.viewport().rect()).boundingRect()
    assert visible.contains(tab.scene.content_rect())


# ----- task --------------------------------------------------------------------------------------


def test_task_menu_selects_the_task_and_lists_its_entries(tab):
    graph = tab.document.graph
    data, train = node_named(graph, "make-data"), node_named(graph, "train")
    tab.scene.select_ids([data])
    seen = canvas_menu(tab, node_header(tab.scene, train))
    assert tab.scene.selected_ids() == [train], "right-click on an unselected task selects it alone"
    assert seen["entries"] == ["Rename\u2026", "Run from Here", "View Logs", "Duplicate", "Delete", "Wrap in Loop",
                               "Wrap in Condition", "Wrap in Exit Handler", "Disable Caching"]
    assert seen["enabled"]["Run from Here"] is False and "Run the pipeline first" in seen["tips"]["Run from Here"]
    assert seen["enabled"]["View Logs"] is False and seen["tips"]["View Logs"] == NO_RUN
    assert seen["checked"] == {"Disable Caching": False}


def test_menu_key_opens_the_menu_of_the_selected_task(tab):
    graph = tab.document.graph
    train = node_named(graph, "train")
    tab.scene.select_ids([train])
    seen = open_menu(tab.view.viewport(), None, "Disable Caching")
    assert seen["entries"][0] == "Rename\u2026" and tab.scene.selected_ids() == [train]
    assert not graph.nodes[train].options.caching and graph.node_by_name("make-data").options.caching
    tab.scene.select_ids([])
    assert open_menu(tab.view.viewport(), None)["entries"][0] == "Add Component Here\u2026", "nothing selected"


def test_task_menu_rename_sets_the_display_name_undoably(tab):
    graph, document = tab.document.graph, tab.document
    train = node_named(graph, "train")
    before = to_json(graph)
    answer_input("gradient boosting")
    canvas_menu(tab, node_header(tab.scene, train), "Rename\u2026")
    assert graph.nodes[train].display_name == "gradient boosting" and graph.nodes[train].name == "train"
    assert tab.scene.nodes[train].title == "gradient boosting"
    assert document.undo_stack.undoText() == "Rename task"
    assert undone(document, before)


def test_task_menu_disable_caching_is_a_checkable_undoable_toggle(tab):
    graph, document = tab.document.graph, tab.document
    data, train = node_named(graph, "make-data"), node_named(graph, "train")
    before = to_json(graph)
    tab.scene.select_ids([data, train])
    canvas_menu(tab, node_header(tab.scene, train), "Disable Caching")
    assert sorted(tab.scene.selected_ids()) == sorted([data, train]), "a selected task keeps the selection"
    assert not graph.nodes[data].options.caching and not graph.nodes[train].options.caching
    seen = canvas_menu(tab, node_header(tab.scene, data))
    assert seen["checked"] == {"Disable Caching": True}
    assert undone(document, before), "both tasks in one undo step"


@pytest.mark.parametrize("entry,check", [
    ("Duplicate", lambda graph: len(graph.nodes) == 3),
    ("Delete", lambda graph: graph.node_by_name("train") is None),
    ("Wrap in Loop", lambda graph: [g.kind for g in graph.groups.values()] == ["loop"]),
    ("Wrap in Condition", lambda graph: [g.label for g in graph.groups.values()] == ["If"]),
    ("Wrap in Exit Handler", lambda graph: [g.kind for g in graph.groups.values()] == ["exit_handler"]),
])
def test_task_menu_edits_through_the_window_actions(tab, entry, check):
    graph, before = tab.document.graph, to_json(tab.document.graph)
    canvas_menu(tab, node_header(tab.scene, node_named(graph, "train")), entry)
    assert check(graph)
    assert undone(tab.document, before)


def test_task_menu_says_why_an_exit_handler_cannot_wrap_a_nested_task(tab):
    graph = tab.document.graph
    train = node_named(graph, "train")
    tab.scene.select_ids([train])
    tab.wrap("loop")
    seen = canvas_menu(tab, node_header(tab.scene, train), "Wrap in Exit Handler")
    assert seen["enabled"]["Wrap in Exit Handler"] is False
    assert seen["tips"]["Wrap in Exit Handler"] == "an exit handler must wrap tasks at the top level"
    assert [g.kind for g in graph.groups.values()] == ["loop"]


def finished_session(graph, run_id: str = "run-42", ir_text: str = "pipelineInfo: {name: demo}\n") -> RunSession:
    """A run of the graph's tasks as the engine reports it: each task ran and printed one line."""
    session = RunSession(run_id, RunOptions(ir_text, {"threshold": 0.5}, pipeline_name=graph.name))
    now = time.time()
    session.apply(RunStarted(run_id, graph.name, "docker", {}, now))
    for node in graph.nodes.values():
        session.apply(TaskStateChanged(run_id, f"{node.name}-id", node.name, "succeeded", now))
        session.apply(LogLine(run_id, f"{node.name}-id", f"hello from {node.name}", now))
    session.apply(RunFinished(run_id, "succeeded", now))
    return session


def test_task_menu_view_logs_shows_that_tasks_logs_in_the_run_dock(window, tab, qtbot):
    graph = tab.document.graph
    train = node_named(graph, "train")
    session = finished_session(graph)
    window.runs.bind(tab, session)
    window.runs.show_session(session)
    window.runs.details.setCurrentIndex(1)
    seen = canvas_menu(tab, node_header(tab.scene, train), "View Logs")
    assert seen["enabled"]["View Logs"] and seen["enabled"]["Run from Here"]
    runs = window.runs
    assert runs.docks["run"].isVisible() and runs.details.currentWidget() is runs.logs
    assert runs.logs.task.currentData() == "train-id"
    qtbot.waitUntil(lambda: "hello from train" in runs.logs.text.toPlainText())
    assert "hello from make-data" not in runs.logs.text.toPlainText()


def test_task_menu_view_logs_says_when_the_task_has_not_run(window, tab):
    graph = tab.document.graph
    session = finished_session(graph)
    window.runs.bind(tab, session)
    tab.scene.select_ids([node_named(graph, "train")])
    new = tab.duplicate()[0]
    seen = canvas_menu(tab, node_header(tab.scene, new), "View Logs")
    assert seen["enabled"]["View Logs"] is False
    assert seen["tips"]["View Logs"] == f"{graph.nodes[new].label} has not started in run run-42"


def test_task_menu_run_from_here_reruns_that_task_with_the_cache(window, tab, monkeypatch):
    graph = tab.document.graph
    data, train = node_named(graph, "make-data"), node_named(graph, "train")
    window.runs.bind(tab, finished_session(graph))
    started = []
    monkeypatch.setattr(window.runs.controller, "start",
                        lambda options: started.append(options) or RunSession("run-43", options))
    tab.scene.select_ids([data, train])
    canvas_menu(tab, node_header(tab.scene, train), "Run from Here")
    (options,) = started
    assert options.force_tasks == ("train",) and options.use_cache and options.arguments == {"threshold": 0.5}
    assert window.runs.overlays[tab].session.run_id == "run-43", "the new run shows on the canvas"


# ----- frame and edge ----------------------------------------------------------------------------


def test_frame_menu_adds_elif_then_else_and_says_why_nothing_follows_an_else(tab):
    graph, document = tab.document.graph, tab.document
    tab.scene.select_ids([node_named(graph, "train")])
    branch = tab.wrap("condition")
    tab.scene.select_ids([])
    before = to_json(graph)
    seen = canvas_menu(tab, frame_point(tab, branch), "Add Elif Branch")
    assert seen["entries"] == ["Edit", "Add Elif Branch", "Add Else Branch", "Unwrap", "Delete with Its Tasks"]
    elif_branch = next(g for g in graph.groups if graph.groups[g].follows == branch)
    assert graph.groups[elif_branch].label == "Elif" and tab.scene.selected_ids() == [elif_branch]
    canvas_menu(tab, frame_point(tab, elif_branch), "Add Else Branch")
    else_branch = next(g for g in graph.groups if graph.groups[g].follows == elif_branch)
    assert graph.groups[else_branch].label == "Else"
    seen = canvas_menu(tab, frame_point(tab, else_branch))
    assert not seen["enabled"]["Add Elif Branch"] and not seen["enabled"]["Add Else Branch"]
    assert seen["tips"]["Add Else Branch"] == "Nothing follows an Else branch"
    seen = canvas_menu(tab, frame_point(tab, branch))
    assert seen["enabled"]["Add Elif Branch"] and not seen["enabled"]["Add Else Branch"]
    assert "only ends a chain" in seen["tips"]["Add Else Branch"]
    document.undo_stack.undo()
    assert undone(document, before)


def test_frame_menu_edit_shows_the_group_in_the_inspector_focused(window, tab):
    from workbench.gui.group_inspector import GroupInspector

    graph = tab.document.graph
    tab.scene.select_ids([node_named(graph, "train")])
    loop = tab.wrap("loop")
    tab.scene.select_ids([])
    window.docks["yaml"].raise_()
    canvas_menu(tab, frame_point(tab, loop), "Edit")
    page = window.inspector.page
    assert isinstance(page, GroupInspector) and page.group_id == loop
    assert window.docks["inspector"].isVisible()
    focus = window.focusWidget()  # the window's focus (the offscreen window may not be the active one)
    assert isinstance(focus, QLineEdit) and page.isAncestorOf(focus)


def test_frame_menu_unwrap_keeps_the_tasks(tab):
    graph = tab.document.graph
    train = node_named(graph, "train")
    tab.scene.select_ids([train])
    loop = tab.wrap("loop")
    tab.scene.select_ids([])
    before = to_json(graph)
    canvas_menu(tab, frame_point(tab, loop), "Unwrap")
    assert not graph.groups and train in graph.nodes
    assert undone(tab.document, before)


def test_edge_menu_deletes_the_connection(tab):
    graph = tab.document.graph
    source, target = node_named(graph, "make-data"), node_named(graph, "train")
    tab.document.connect_ports(source, "data", target, "data")
    tab.scene.select_ids([source])
    before = to_json(graph)
    edge = tab.scene.edges[(target, "data")]
    seen = canvas_menu(tab, edge.path().pointAtPercent(0.5), "Delete Connection")
    assert seen["entries"] == ["Delete Connection"]
    assert "data" not in graph.nodes[target].inputs and source in graph.nodes
    assert undone(tab.document, before)
