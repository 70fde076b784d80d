"""Canvas gestures with real mouse and key events: drop from the palette, connect ports, refuse
an incompatible connection, move, select, delete, and undo / redo restoring the exact document."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui_drive import click, double_click, drag, node_header, node_named, port_pos
from workbench.model.serialize import to_json


def graph_spec_name(tab, node) -> str:
    return tab.document.graph.components[node.component].name


def test_palette_drop_creates_node(window, tab, qtbot):
    palette = window.palette_panel
    item = palette.item_for("toy-data")
    assert item is not None, "the test component is listed in the palette"
    mime: QMimeData = palette.tree.mimeData([item])
    target = tab.view.mapFromScene(QPointF(200, 300))
    before = set(tab.document.graph.nodes)
    enter = QDragEnterEvent(target, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(tab.view.viewport(), enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(target), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(tab.view.viewport(), drop)
    added = set(tab.document.graph.nodes) - before
    assert len(added) == 1
    node = tab.document.graph.nodes[added.pop()]
    assert graph_spec_name(tab, node) == "Toy data" and node.name == "toy-data"
    assert abs(node.position[0] - 200) <= 20 and abs(node.position[1] - 300) <= 20
    assert node.id in tab.scene.nodes


def test_drag_between_ports_creates_edge(tab):
    graph = tab.document.graph
    source, target = node_named(graph, "make-data"), node_named(graph, "train")
    before = to_json(graph)
    drag(tab.view, port_pos(tab.scene, source, "data", True), port_pos(tab.scene, target, "data", False))
    binding = graph.nodes[target].inputs["data"]
    assert (binding.kind, binding.node, binding.output) == ("output", source, "data")
    assert (target, "data") in tab.scene.edges
    tab.document.undo_stack.undo()
    assert to_json(graph) == before and (target, "data") not in tab.scene.edges
    tab.document.undo_stack.redo()
    assert graph.nodes[target].inputs["data"] == binding


def test_incompatible_connection_is_refused_with_reason(window, tab):
    graph = tab.document.graph
    source, target = node_named(graph, "make-data"), node_named(graph, "train")
    before = to_json(graph)
    drag(tab.view, port_pos(tab.scene, source, "count", True), port_pos(tab.scene, target, "label", False))
    assert to_json(graph) == before
    message = window.statusBar().currentMessage()
    assert "Cannot connect" in message and "Integer" in message and "String" in message


def test_ports_highlight_while_dragging(tab):
    graph = tab.document.graph
    source, target = node_named(graph, "make-data"), node_named(graph, "train")
    viewport = tab.view.viewport()
    start = tab.view.mapFromScene(port_pos(tab.scene, source, "data", True))
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, start + tab.view.mapFromScene(QPointF(40, 40)) - tab.view.mapFromScene(QPointF(0, 0)))
    ports = tab.scene.nodes[target].inputs
    assert ports["data"].state == ports["data"].HIGHLIGHTED
    assert ports["label"].state == ports["label"].DIMMED
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    assert ports["label"].state == ports["label"].NORMAL


def test_move_is_one_undo_step(tab):
    graph = tab.document.graph
    node_id = node_named(graph, "train")
    before = to_json(graph)
    start = node_header(tab.scene, node_id)
    drag(tab.view, start, start + QPointF(100, 80), steps=10)
    assert graph.nodes[node_id].position == (500.0, 80.0)
    assert tab.document.undo_stack.count() == 1
    tab.document.undo_stack.undo()
    assert to_json(graph) == before
    assert tab.scene.nodes[node_id].pos() == QPointF(400, 0)


def test_rubber_band_and_ctrl_click_selection(tab):
    graph = tab.document.graph
    a, b = node_named(graph, "make-data"), node_named(graph, "train")
    drag(tab.view, QPointF(-60, -60), QPointF(150, 150))
    assert tab.scene.selected_ids() == [a]
    click(tab.view, node_header(tab.scene, b), Qt.KeyboardModifier.ControlModifier)
    assert set(tab.scene.selected_ids()) == {a, b}


def test_delete_key_and_undo_restore_bindings(window, tab):
    graph = tab.document.graph
    source, target = node_named(graph, "make-data"), node_named(graph, "train")
    tab.document.connect_ports(source, "data", target, "data")
    before = to_json(graph)
    click(tab.view, node_header(tab.scene, source))
    tab.view.setFocus()
    QTest.keyClick(tab.view, Qt.Key.Key_Delete)
    assert source not in graph.nodes and "data" not in graph.nodes[target].inputs
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert to_json(graph) == before
    assert (target, "data") in tab.scene.edges
    QTest.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert source not in graph.nodes


def test_delete_selected_edge(tab):
    graph = tab.document.graph
    source, target = node_named(graph, "make-data"), node_named(graph, "train")
    tab.document.connect_ports(source, "data", target, "data")
    edge = tab.scene.edges[(target, "data")]
    click(tab.view, edge.path().pointAtPercent(0.5))
    assert edge.isSelected()
    tab.delete()
    assert "data" not in graph.nodes[target].inputs


def test_double_click_empty_space_opens_quick_add(tab, qtbot):
    graph = tab.document.graph
    double_click(tab.view, QPointF(200, 320))
    popup = tab.quick_add
    assert popup is not None and popup.isVisible()
    QTest.keyClicks(popup.search, "toy trainer")
    assert popup.list.currentItem().text().startswith("Toy trainer")
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    assert len(graph.nodes) == 3
    added = [n for n in graph.nodes.values() if n.name == "toy-trainer"]
    assert added and abs(added[0].position[1] - 300) <= 40


def test_dangling_edge_opens_filtered_quick_add_and_connects(tab):
    graph = tab.document.graph
    source = node_named(graph, "make-data")
    drag(tab.view, port_pos(tab.scene, source, "data", True), QPointF(250, 350))
    popup = tab.quick_add
    assert popup is not None and popup.isVisible()
    names = [popup.list.item(i).text() for i in range(popup.list.count())]
    assert any(n.startswith("Toy trainer") for n in names)
    assert not any(n.startswith("Toy data") for n in names), "Toy data has no Dataset input"
    QTest.keyClicks(popup.search, "Toy trainer")
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    new = graph.node_by_name("toy-trainer")
    assert new.inputs["data"].node == source
    tab.document.undo_stack.undo()
    assert graph.node_by_name("toy-trainer") is None, "quick-add and its connection are one undo step"


def test_wheel_zoom_and_fit(tab):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent

    view = tab.view
    before = view.zoom
    center = QPointF(view.viewport().rect().center())
    event = QWheelEvent(center, QPointF(view.viewport().mapToGlobal(center.toPoint())), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)
    assert view.zoom > before
    QTest.keyClick(view, Qt.Key.Key_F)
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(tab.scene.content_rect())


def test_middle_drag_pans(tab):
    view = tab.view
    view.set_zoom(2.5)
    before = view.mapToScene(view.viewport().rect().center())
    drag(view, QPointF(100, 200), QPointF(200, 250), button=Qt.MouseButton.MiddleButton)
    after = view.mapToScene(view.viewport().rect().center())
    assert after != before


def test_snap_to_grid_can_be_switched_off_and_is_remembered(window, tab):
    graph = tab.document.graph
    node_id = node_named(graph, "train")
    snap = window.actions_by_name["snap_to_grid"]
    assert snap.isChecked()
    start = node_header(tab.scene, node_id)
    drag(tab.view, start, start + QPointF(33, 27), steps=5)
    x, y = graph.nodes[node_id].position
    assert x % 20 == 0 and y % 20 == 0
    snap.trigger()  # off
    start = node_header(tab.scene, node_id)
    drag(tab.view, start, start + QPointF(33, 27), steps=5)
    x, y = graph.nodes[node_id].position
    assert (x % 20, y % 20) != (0, 0)
    from workbench.gui import settings as remembered

    assert remembered.settings().value("snap_to_grid", True, type=bool) is False
    snap.trigger()  # back on for the other tests
