"""The docks: problems (validate, click to select), pipeline parameters (edit, undo), compiled
YAML preview (compiled off the GUI thread), Compile to a file, and the component authoring dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui_drive import node_named
from workbench.model.bindings import Binding
from workbench.model.serialize import to_json


def test_validate_lists_problems_and_click_selects(window, tab):
    graph = tab.document.graph
    train = node_named(graph, "train")
    window.actions_by_name["validate"].trigger()
    problems = window.problems
    texts = [problems.item(i).text() for i in range(problems.count())]
    assert any("required input 'data'" in t for t in texts)
    row = next(i for i, t in enumerate(texts) if "required input 'data'" in t)
    item = problems.item(row)
    QTest.mouseClick(problems.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     problems.visualItemRect(item).center())
    assert tab.scene.selected_ids() == [train]
    assert "error" in window.problem_counts.text()


def test_parameters_editor_add_edit_remove_undo(window, tab):
    graph = tab.document.graph
    before = to_json(graph)
    editor = window.parameters
    editor.add_button.click()
    assert "param_1" in graph.parameters
    QApplication.processEvents()  # the table refills after the click has returned
    default = editor.table.cellWidget(1, 2)
    default.setFocus()
    QTest.keyClicks(default, "abc")
    assert graph.parameters["param_1"].default == "abc"
    name = editor.table.cellWidget(1, 0)
    name.setFocus()
    name.selectAll()
    QTest.keyClicks(name, "greeting")
    QTest.keyClick(name, Qt.Key.Key_Return)
    assert list(graph.parameters) == ["threshold", "greeting"], "renaming keeps the order"
    QApplication.processEvents()
    threshold = editor.table.cellWidget(0, 0)
    threshold.setFocus()
    threshold.selectAll()
    QTest.keyClicks(threshold, "cutoff")
    QTest.keyClick(threshold, Qt.Key.Key_Return)
    assert graph.node_by_name("train").inputs["rate"] == Binding.param("cutoff"), "bindings follow a rename"
    QApplication.processEvents()
    editor.table.setCurrentCell(0, 0)
    editor.remove_button.click()
    assert list(graph.parameters) == ["greeting"]
    while tab.document.undo_stack.canUndo():
        tab.document.undo_stack.undo()
    assert to_json(graph) == before


def test_yaml_preview_compiles_off_the_gui_thread(window, tab, qtbot):
    graph = tab.document.graph
    tab.document.connect_ports(node_named(graph, "make-data"), "data", node_named(graph, "train"), "data")
    window.docks["yaml"].show()
    window.docks["yaml"].raise_()
    preview = window.yaml_preview
    preview.refresh()
    qtbot.waitUntil(lambda: "pipelineInfo" in preview.text.toPlainText(), timeout=30000)
    assert "comp-train" in preview.text.toPlainText() or "train" in preview.text.toPlainText()
    tab.document.set_binding(node_named(graph, "train"), "label", Binding.constant("changed"))
    qtbot.waitUntil(lambda: "changed" in preview.text.toPlainText(), timeout=30000)


def test_compile_action_writes_yaml(window, tab, qtbot, tmp_path, monkeypatch):
    graph = tab.document.graph
    tab.document.connect_ports(node_named(graph, "make-data"), "data", node_named(graph, "train"), "data")
    target = tmp_path / "out.yaml"
    monkeypatch.setattr("workbench.gui.outputs.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    window.actions_by_name["compile"].trigger()
    qtbot.waitUntil(target.exists, timeout=30000)
    assert "pipelineInfo" in target.read_text()
    assert "Compiled to" in window.statusBar().currentMessage()


def test_container_component_dialog_adds_to_palette(window, qtbot):
    from workbench.gui.component_editor import ContainerComponentDialog

    dialog = ContainerComponentDialog(window)
    dialog.name.setText("Echo words")
    dialog.image.setText("alpine:3.20")
    dialog.inputs.add_row("words", "String")
    dialog.outputs.add_row("log", "system.Artifact")
    dialog.command.setText("sh -c")
    dialog.placeholder.refill()
    dialog.placeholder.setCurrentIndex(0)
    dialog._insert_placeholder()
    assert "{{$.inputs.parameters['words']}}" in dialog.args.text()
    dialog.create()
    assert dialog.result() == dialog.DialogCode.Accepted
    window.library.add_to_library(dialog.spec)
    assert window.palette_panel.item_for("echo-words") is not None


def test_python_component_dialog_marks_syntax_errors(window):
    from workbench.gui.component_editor import PythonComponentDialog

    dialog = PythonComponentDialog(window)
    assert dialog.check() and dialog.function.currentText() == "count_rows"
    assert "data: Input[Dataset]" in dialog.signature.text()
    dialog.editor.setPlainText("def broken(:\n    pass\n")
    assert not dialog.check()
    assert dialog.error.text().startswith("line 1") and dialog.editor.extraSelections()


def test_python_component_dialog_builds_component(window, qtbot):
    from workbench.gui.component_editor import PythonComponentDialog

    dialog = PythonComponentDialog(window, source="def add(a: int, b: int) -> int:\n    return a + b\n")
    dialog.create()
    assert dialog.spec is not None
    assert [p.name for p in dialog.spec.inputs] == ["a", "b"] and dialog.spec.python.function_name == "add"
