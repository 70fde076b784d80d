"""List and Dict values in the multi-line JSON editor: typed with real keys, validated as typed
(line and column of a mistake), invalid text refused with the old value kept, one undo step per
commit; in the parameters table, task inputs and loop items; nested and megabyte values."""

from __future__ import annotations

import json
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from workbench.gui import theme
from workbench.gui.json_editor import JsonEditDialog, JsonField, check
from workbench.model.document import Node, Parameter, new_id


def replace_text(qtbot, dialog: JsonEditDialog, text: str) -> None:
    """Select all and type `text` key by key, then wait for the pause-triggered validation."""
    editor = dialog.editor
    editor.setFocus()
    QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(editor, Qt.Key.Key_Delete)
    for number, line in enumerate(text.split("\n")):
        if number:
            QTest.keyClick(editor, Qt.Key.Key_Return)
        QTest.keyClicks(editor, line)
    qtbot.waitUntil(lambda: not dialog.timer.isActive(), timeout=3000)


def commit(dialog: JsonEditDialog) -> None:
    QTest.keyClick(dialog.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def parameter_field(window, name: str) -> JsonField:
    window.parameters.refresh()
    names = list(window.current.document.graph.parameters)
    return window.parameters.table.cellWidget(names.index(name), 2)


def open_from(qtbot, field: JsonField) -> JsonEditDialog:
    qtbot.mouseClick(field.edit_button, Qt.MouseButton.LeftButton)
    dialog = field.dialog
    qtbot.waitExposed(dialog)
    return dialog


def test_check_says_what_is_wrong_and_where():
    assert check("List", "[1, 2]") == ([1, 2], "")
    assert check("Dict", '{"a": {"b": [1]}}') == ({"a": {"b": [1]}}, "")
    assert check("List", '[\n  1,\n  2\n  3\n]')[1] == "Line 4, column 3: Expecting ',' delimiter"
    wrong = check("Dict", "[1]")[1]
    assert wrong.startswith("A Dict needs a JSON object") and wrong.endswith("not a list")
    assert check("List", '"text"')[1].endswith("not a string")
    assert check("List", "  ")[1].startswith("Empty")
    assert check("List", "", allow_empty=True) == (None, "")
    assert check("List", "[" * 100_000 + "]" * 100_000)[1] == "Nested too deeply to read"


def test_parameter_default_typed_validated_refused_then_committed_and_undone(window, tab, qtbot):
    document = tab.document
    document.set_parameter(Parameter("grid", "List", [1, 2]))
    field = parameter_field(window, "grid")
    assert field.line.text() == "[1, 2]"
    dialog = open_from(qtbot, field)
    assert dialog.editor.toPlainText() == "[\n  1,\n  2\n]"  # pretty-printed
    assert "monospace" in dialog.editor.font().family().lower() or dialog.editor.font().fixedPitch()

    replace_text(qtbot, dialog, '[1, 2,\n {"lr": 0.1')
    assert "Line 2, column" in dialog.message.text() and "not saved" in dialog.message.text()
    assert not dialog.ok_button().isEnabled()
    assert theme.STATUS_TEXT["light"]["error"] in dialog.message.text()
    window.theme_menu.actions_by_choice["dark"].trigger()  # the message follows a theme switch
    qtbot.waitUntil(lambda: theme.STATUS_TEXT["dark"]["error"] in dialog.message.text())
    window.theme_menu.actions_by_choice["system"].trigger()
    commit(dialog)
    assert dialog.isVisible()  # refused
    assert document.graph.parameters["grid"].default == [1, 2]

    replace_text(qtbot, dialog, '{"lr": 0.1}')
    assert "A List needs a JSON list" in dialog.message.text()
    commit(dialog)
    assert dialog.isVisible() and document.graph.parameters["grid"].default == [1, 2]

    replace_text(qtbot, dialog, "[3]")
    QTest.keyClick(dialog.editor, Qt.Key.Key_Comma)  # OK clicked before the pause's check: refused all the same
    qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Line 1, column 4" in dialog.message.text()
    assert document.graph.parameters["grid"].default == [1, 2]

    steps = document.undo_stack.count()
    replace_text(qtbot, dialog, '[1, 2, {"lr": 0.1, "layers": [64, 32]}]')
    assert dialog.ok_button().isEnabled() and "3 items" in dialog.message.text()
    commit(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    expected = [1, 2, {"lr": 0.1, "layers": [64, 32]}]
    assert document.graph.parameters["grid"].default == expected
    assert document.undo_stack.count() == steps + 1  # one commit, one undo step
    window.actions_by_name["undo"].trigger()
    assert document.graph.parameters["grid"].default == [1, 2]
    window.actions_by_name["redo"].trigger()
    assert document.graph.parameters["grid"].default == expected
    qtbot.waitUntil(lambda: parameter_field(window, "grid").line.text() == json.dumps(expected))


def test_cancel_and_escape_keep_the_old_value(window, tab, qtbot):
    tab.document.set_parameter(Parameter("settings", "Dict", {"a": 1}))
    field = parameter_field(window, "settings")
    dialog = open_from(qtbot, field)
    replace_text(qtbot, dialog, '{"a": 2}')
    QTest.keyClick(dialog.editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert tab.document.graph.parameters["settings"].default == {"a": 1}
    assert field.value == {"a": 1}


def test_enter_on_the_field_opens_the_editor_and_empty_means_required(window, tab, qtbot):
    tab.document.set_parameter(Parameter("items", "List", [3]))
    field = parameter_field(window, "items")
    field.line.setFocus()
    QTest.keyClick(field.line, Qt.Key.Key_Return)
    dialog = field.dialog
    qtbot.waitExposed(dialog)
    replace_text(qtbot, dialog, "")
    assert "no default" in dialog.message.text()
    commit(dialog)
    qtbot.waitUntil(lambda: tab.document.graph.parameters["items"].default is None)


def test_format_pretty_prints_what_was_typed(qtbot):
    field = JsonField("Dict", None)
    qtbot.addWidget(field)
    field.show()
    dialog = open_from(qtbot, field)
    replace_text(qtbot, dialog, '{"b": [1, 2], "a": {"c": null}}')
    QTest.keyClick(dialog.editor, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert dialog.editor.toPlainText() == json.dumps({"b": [1, 2], "a": {"c": None}}, indent=2)
    with qtbot.waitSignal(field.committed) as emitted:
        commit(dialog)
    assert emitted.args == [{"b": [1, 2], "a": {"c": None}}]


def test_task_input_constant_and_loop_items_use_the_editor(window, tab, qtbot):
    from workbench.components.authoring import container_component
    from workbench.components.spec import Port
    from workbench.gui.binding_editor import BindingEditor
    from workbench.model.bindings import Binding

    graph = tab.document.graph
    spec = container_component("Configured", "python:3.11-slim", ["python", "-c", "pass"], [],
                               inputs=[Port("config", "Dict", optional=True, default={"depth": 3})])
    graph.add_component("configured", spec)
    node_id = new_id()
    graph.add_node(Node(node_id, "configured", "configured", position=(0.0, 300.0)))
    editor = BindingEditor(graph, node_id, spec.inputs[0], Binding.constant({"depth": 3}))
    qtbot.addWidget(editor)
    editor.show()
    dialog = open_from(qtbot, editor.pages["constant"].json)
    replace_text(qtbot, dialog, '{"depth": 5, "nested": {"deeper": [1, [2, [3]]]}}')
    with qtbot.waitSignal(editor.binding_edited) as emitted:
        commit(dialog)
    assert emitted.args == [Binding.constant({"depth": 5, "nested": {"deeper": [1, [2, [3]]]}}), False]

    first = next(iter(graph.nodes))
    tab.scene.select_ids([first])
    group_id = tab.wrap("loop")
    tab.scene.select_ids([group_id])
    qtbot.waitUntil(lambda: window.inspector.page.findChild(JsonField) is not None)
    dialog = open_from(qtbot, window.inspector.page.findChild(JsonField))
    replace_text(qtbot, dialog, '[{"lr": 0.1}, {"lr": 0.01}]')
    commit(dialog)
    qtbot.waitUntil(lambda: graph.groups[group_id].items == Binding.constant([{"lr": 0.1}, {"lr": 0.01}]))
    window.actions_by_name["undo"].trigger()
    assert graph.groups[group_id].items != Binding.constant([{"lr": 0.1}, {"lr": 0.01}])


@pytest.fixture
def megabyte_value():
    value = [{"id": i, "name": f"item-{i}", "tags": ["train", "eval"], "weight": i / 7} for i in range(14_000)]
    assert len(json.dumps(value)) > 1_000_000
    return value


def test_a_megabyte_value_stays_responsive(qtbot, megabyte_value):
    field = JsonField("List", megabyte_value)
    qtbot.addWidget(field)
    field.show()
    assert len(field.line.text()) <= 201  # the one-line field shows the start, not the megabyte
    started = time.perf_counter()
    dialog = open_from(qtbot, field)
    opened = time.perf_counter() - started
    editor = dialog.editor
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    editor.setFocus()
    typed = []
    for key in (Qt.Key.Key_Backspace, Qt.Key.Key_Comma, Qt.Key.Key_7):  # each returns at once: parsing waits
        started = time.perf_counter()
        QTest.keyClick(editor, key)
        typed.append(time.perf_counter() - started)
    assert dialog.timer.isActive()
    QTest.keyClick(editor, Qt.Key.Key_BracketRight)
    started = time.perf_counter()
    assert dialog.validate()
    parsed = time.perf_counter() - started
    print(f"1 MB JSON: open {opened:.2f} s, key {max(typed) * 1000:.0f} ms, validation {parsed * 1000:.0f} ms")
    assert opened < 2 and max(typed) < 0.25 and parsed < 1.0
    assert editor.document().blockCount() == len(megabyte_value) + 2  # one line per entry, not per scalar
    with qtbot.waitSignal(field.committed):
        qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    assert field.value == [*megabyte_value, 7]
    QApplication.processEvents()
