"""Loops, conditions and exit handlers on the canvas (wrap, unwrap, membership by dragging across
a frame edge), their editors, and copy / paste through the clipboard, each undone exactly."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from gui_drive import click, drag, inspector_widget, inspector_widgets, node_header, node_named, port_pos
from workbench.gui.combo_data import find_data
from workbench.gui.editor_document import EditorDocument
from workbench.model.bindings import Binding
from workbench.model.document import Parameter
from workbench.model.expressions import BoolOp, Comparison, Not
from workbench.model.serialize import to_json


def undo_all_and_compare(document: EditorDocument, before: str) -> str:
    after = to_json(document.graph)
    while document.undo_stack.canUndo():
        document.undo_stack.undo()
    assert to_json(document.graph) == before
    while document.undo_stack.canRedo():
        document.undo_stack.redo()
    assert to_json(document.graph) == after
    return after


@pytest.mark.parametrize("action,kind", [("wrap_loop", "loop"), ("wrap_condition", "condition"),
                                         ("wrap_exit_handler", "exit_handler")])
def test_wrap_from_menu_and_unwrap(window, tab, action, kind):
    graph = tab.document.graph
    train = node_named(graph, "train")
    before = to_json(graph)
    click(tab.view, node_header(tab.scene, train))
    window.actions_by_name[action].trigger()
    (group_id,) = graph.groups
    assert graph.groups[group_id].kind == kind and graph.groups[group_id].members == [train]
    frame = tab.scene.frames[group_id]
    assert frame.rect.contains(tab.scene.nodes[train].sceneBoundingRect())
    wrapped = to_json(graph)
    assert tab.scene.selected_ids() == [group_id]
    window.actions_by_name["unwrap"].trigger()
    assert not graph.groups and train in graph.nodes and group_id not in tab.scene.frames
    tab.document.undo_stack.undo()
    assert to_json(graph) == wrapped and group_id in tab.scene.frames
    tab.document.undo_stack.undo()
    assert to_json(graph) == before


def test_wrap_shortcut_keeps_order_in_nested_group(window, tab):
    graph = tab.document.graph
    a, b = node_named(graph, "make-data"), node_named(graph, "train")
    before = to_json(graph)
    tab.scene.select_ids([a, b])
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    (outer,) = graph.groups
    tab.scene.select_ids([b])
    inner = tab.wrap("condition")
    assert graph.groups[outer].members == [a, inner] and graph.parent_of(b) == inner
    tab.scene.select_ids([outer])
    tab.unwrap()
    assert graph.parent_of(inner) is None
    undo_all_and_compare(tab.document, before)


def test_dragging_a_node_out_of_and_into_a_frame_changes_membership(tab):
    graph = tab.document.graph
    a, b = node_named(graph, "make-data"), node_named(graph, "train")
    tab.scene.select_ids([a, b])
    loop = tab.wrap("loop")
    before = to_json(graph)
    start = node_header(tab.scene, b)
    drag(tab.view, start, start + QPointF(0, 400), steps=12)
    assert graph.groups[loop].members == [a] and graph.parent_of(b) is None
    assert tab.document.undo_stack.undoText() == "Move"
    tab.document.undo_stack.undo()
    assert to_json(graph) == before, "position and membership come back in one step"
    tab.document.undo_stack.redo()
    back = node_header(tab.scene, b)
    drag(tab.view, back, QPointF(80, 60), steps=12)
    assert graph.parent_of(b) == loop


def test_loop_item_port_binds_the_loop_item(tab):
    graph = tab.document.graph
    train = node_named(graph, "train")
    tab.scene.select_ids([train])
    loop = tab.wrap("loop")
    item_port = tab.scene.frames[loop].item_port
    drag(tab.view, item_port.scenePos(), port_pos(tab.scene, train, "label", False))
    assert graph.nodes[train].inputs["label"] == Binding.loop_item(loop)
    assert (train, "label") in tab.scene.edges


def test_output_of_a_loop_is_collected_downstream(tab):
    graph = tab.document.graph
    a, b = node_named(graph, "make-data"), node_named(graph, "train")
    tab.scene.select_ids([a])
    loop = tab.wrap("loop")
    drag(tab.view, port_pos(tab.scene, a, "data", True), port_pos(tab.scene, b, "data", False))
    assert graph.nodes[b].inputs["data"] == Binding.collected(a, "data")
    frame = tab.scene.frames[loop]
    fan_in = frame.collected_ports[(a, "data")]
    assert fan_in.scenePos().x() == frame.rect.right(), "fan-in port sits on the frame's edge"
    assert tab.scene.edges[(b, "data")].dashed
    tab.document.undo_stack.undo()
    assert not frame.collected_ports, "the port goes with the last edge through it"


def test_loop_editor_sets_items_and_parallelism(window, tab):
    graph = tab.document.graph
    before = to_json(graph)
    tab.document.set_parameter(Parameter("shards", "List", [1, 2]))
    train = node_named(graph, "train")
    tab.scene.select_ids([train])
    loop = tab.wrap("loop")
    from workbench.gui.group_inspector import GroupInspector
    from PySide6.QtWidgets import QComboBox, QSpinBox

    page = inspector_widget(window, GroupInspector)
    assert page is not None and page.group_id == loop
    source = page.findChildren(QComboBox)[0]
    source.setCurrentIndex(source.findData("parameter"))
    source.activated.emit(source.currentIndex())
    assert graph.groups[loop].items == Binding.param("shards")
    page = inspector_widget(window, GroupInspector)
    spin = page.findChild(QSpinBox)
    spin.setFocus()
    spin.selectAll()
    QTest.keyClicks(spin, "4")
    assert graph.groups[loop].parallelism == 4
    undo_all_and_compare(tab.document, before)


def test_condition_builder_writes_expression_and_branches(window, tab):
    graph = tab.document.graph
    make, train = node_named(graph, "make-data"), node_named(graph, "train")
    tab.scene.select_ids([train])
    branch = tab.wrap("condition")
    from workbench.gui.condition_builder import ConditionBuilder

    builder = inspector_widget(window, ConditionBuilder)
    row = builder.rows[0]
    row.left.setCurrentIndex(find_data(row.left, Binding.from_output(make, "count")))
    row.op.setCurrentText(">=")
    row.right.setEditText("3")
    builder._emit()
    assert graph.groups[branch].condition == Comparison(Binding.from_output(make, "count"), ">=", Binding.constant(3))
    builder = inspector_widget(window, ConditionBuilder)
    builder._add_row(None, False)
    second = builder.rows[1]
    for widget in (*second.widgets(), builder.joiner):
        widget.blockSignals(True)
    second.negate.setChecked(True)
    second.left.setCurrentIndex(find_data(second.left, Binding.param("threshold")))
    second.op.setCurrentText("<")
    second.right.setEditText("0.5")
    builder.joiner.setCurrentText("or")
    builder._emit()
    expected = BoolOp("or", (Comparison(Binding.from_output(make, "count"), ">=", Binding.constant(3)),
                             Not(Comparison(Binding.param("threshold"), "<", Binding.constant(0.5)))))
    assert graph.groups[branch].condition == expected
    builder = inspector_widget(window, ConditionBuilder)
    assert "make-data.count >= 3 or not (param:threshold < 0.5)" in builder.text.text()
    else_branch = tab.document.add_branch(branch, else_branch=True)
    assert graph.groups[else_branch].follows == branch and graph.groups[else_branch].condition is None


def test_binding_editor_typing_is_one_undo_step(window, tab):
    graph = tab.document.graph
    train = node_named(graph, "train")
    before = to_json(graph)
    tab.scene.select_ids([train])
    from workbench.gui.binding_editor import BindingEditor

    editors = {e.port.name: e for e in inspector_widgets(window, BindingEditor)}
    label = editors["label"]
    label.kind.setCurrentIndex(label.kind.findData("constant"))
    label._kind_chosen(label.kind.currentIndex())
    editors = {e.port.name: e for e in inspector_widgets(window, BindingEditor)}
    line = editors["label"].pages["constant"].line
    line.setFocus()
    line.selectAll()
    QTest.keyClicks(line, "hello")
    assert graph.nodes[train].inputs["label"] == Binding.constant("hello")
    assert tab.document.undo_stack.count() == 2, "choosing the kind, then one merged typing step"
    undo_all_and_compare(tab.document, before)


def test_copy_paste_across_documents_and_duplicate(window, tab, qtbot):
    graph = tab.document.graph
    a, b = node_named(graph, "make-data"), node_named(graph, "train")
    tab.document.connect_ports(a, "data", b, "data")
    tab.scene.select_ids([a, b])
    QTest.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(graph.nodes) == 4
    pasted = [n for n in graph.nodes.values() if n.id not in (a, b)]
    names = sorted(n.name for n in pasted)
    assert names == ["make-data-2", "train-2"]
    pasted_train = graph.node_by_name("train-2")
    assert pasted_train.inputs["data"].node == graph.node_by_name("make-data-2").id
    assert pasted_train.inputs["rate"] == Binding.param("threshold")
    other = window.new_document()
    other.view.setFocus()
    QTest.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert sorted(n.name for n in other.document.graph.nodes.values()) == ["make-data", "train"]
    assert "rate" not in other.document.graph.node_by_name("train").inputs, "no such parameter there"
    assert set(other.document.graph.components) == {"make-data", "train"}
    before = to_json(other.document.graph)
    other.scene.select_ids([other.document.graph.node_by_name("train").id])
    QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert other.document.graph.node_by_name("train-2") is not None
    other.document.undo_stack.undo()
    assert to_json(other.document.graph) == before


def test_paste_remaps_template_parts(tab):
    graph = tab.document.graph
    a, b = node_named(graph, "make-data"), node_named(graph, "train")
    template = Binding.template("{0} rows for {1}", [Binding.from_output(a, "count"), Binding.param("threshold")])
    tab.document.set_binding(b, "label", template)
    new_ids = tab.document.paste_text(tab.document.copy_text([a, b]))
    pasted = {graph.nodes[n].name: graph.nodes[n] for n in new_ids}
    label = pasted["train-2"].inputs["label"]
    assert label.kind == "template" and label.parts[0].node == pasted["make-data-2"].id
    assert label.parts[1] == Binding.param("threshold")


def test_cut_and_undo(window, tab):
    graph = tab.document.graph
    before = to_json(graph)
    tab.scene.select_ids([node_named(graph, "train")])
    QTest.keyClick(window, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert graph.node_by_name("train") is None
    tab.document.undo_stack.undo()
    assert to_json(graph) == before


def test_exit_handler_marks_exit_task_and_final_status(window, tab):
    graph = tab.document.graph
    a, b = node_named(graph, "make-data"), node_named(graph, "train")
    before = to_json(graph)
    tab.scene.select_ids([a])
    handler = tab.wrap("exit_handler")
    from PySide6.QtWidgets import QComboBox

    from workbench.gui.group_inspector import GroupInspector

    page = inspector_widget(window, GroupInspector)
    exit_task = page.findChildren(QComboBox)[0]
    assert exit_task.findData(a) == -1, "a task inside the body cannot be its exit task"
    exit_task.setCurrentIndex(exit_task.findData(b))
    exit_task.activated.emit(exit_task.currentIndex())
    assert graph.groups[handler].exit_node == b
    assert "then train" in tab.scene.frames[handler].detail
    undo_all_and_compare(tab.document, before)


def test_space_drag_pans(tab):
    view = tab.view
    view.set_zoom(2.5)
    view.setFocus()
    before = view.mapToScene(view.viewport().rect().center())
    QTest.keyPress(view, Qt.Key.Key_Space)
    drag(view, QPointF(300, 200), QPointF(200, 150))
    QTest.keyRelease(view, Qt.Key.Key_Space)
    assert view.mapToScene(view.viewport().rect().center()) != before
    assert not tab.document.undo_stack.count(), "panning is no edit"
