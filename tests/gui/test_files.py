"""Files and safety: save and reopen, the unsaved-changes star and prompt, a corrupt file that
leaves the app running, KFP YAML import, and autosave with recovery after a crash."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from gui_drive import node_named
from workbench.gui import app as gui_app
from workbench.gui.autosave import pending_recoveries
from workbench.gui.crash.report_dialog import RECOVER
from workbench.model import serialize
from workbench.model.bindings import Binding
from workbench.model.serialize import to_json

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "pipelines" / "train_compare_deploy.wbp"


def test_save_reopen_compare_and_title_star(window, tab, tmp_path, monkeypatch):
    graph = tab.document.graph
    tab.document.connect_ports(node_named(graph, "make-data"), "data", node_named(graph, "train"), "data")
    assert window.isWindowModified() and window.tabs.tabText(0).endswith("*")
    target = tmp_path / "saved.wbp"
    monkeypatch.setattr("workbench.gui.main_window.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert target.exists() and not window.isWindowModified() and not window.tabs.tabText(0).endswith("*")
    window.close_current()
    reopened = window.open_path(str(target))
    assert to_json(reopened.document.graph) == to_json(graph)
    assert window.windowTitle().startswith("saved.wbp")


def test_failed_save_keeps_old_file_and_modified_state(window, tab, tmp_path, dialogs):
    target = tmp_path / "doc.wbp"
    tab.document.save(str(target))
    original = target.read_text()
    tab.document.set_binding(node_named(tab.document.graph, "train"), "label", Binding.constant("x"))
    os.chmod(tmp_path, 0o500)
    try:
        assert window.save() is False or os.geteuid() == 0
    finally:
        os.chmod(tmp_path, 0o700)
    if os.geteuid() != 0:
        assert target.read_text() == original and tab.document.modified
        assert dialogs.messages and dialogs.messages[-1][1] == "Cannot save"


def test_close_prompts_for_unsaved_work(window, tab, dialogs):
    tab.document.set_binding(node_named(tab.document.graph, "train"), "label", Binding.constant("x"))
    dialogs.answer = QMessageBox.StandardButton.Cancel
    QTest.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert dialogs.messages[-1][0] == "question" and window.tabs.count() == 1
    dialogs.answer = QMessageBox.StandardButton.Discard
    window.close_current()
    assert window.tabs.count() == 0


def test_corrupt_file_gives_message_and_app_keeps_running(window, tmp_path, dialogs):
    broken = tmp_path / "broken.wbp"
    broken.write_text('{"schema_version": 2, "nodes": {"x": {"name": ')
    assert window.open_path(str(broken)) is None
    kind, title, text = dialogs.messages[-1]
    assert kind == "warning" and "broken.wbp" in text and "not valid JSON" in text
    assert window.isVisible()
    assert window.new_document() is not None


def test_open_kfp_yaml_imports_a_graph(window, tmp_path):
    from workbench.compiler.compile import compile_graph

    ir = tmp_path / "pipeline.yaml"
    ir.write_text(compile_graph(serialize.load(EXAMPLE)))
    tab = window.open_path(str(ir))
    assert tab is not None and tab.document.path is None, "an import is saved as a new .wbp"
    assert len(tab.scene.nodes) == len(serialize.load(EXAMPLE).nodes)
    assert tab.scene.frames


def test_autosave_writes_recovery_and_start_offers_it(window, tab, qtbot):
    graph = tab.document.graph
    tab.document.set_binding(node_named(graph, "train"), "label", Binding.constant("recover me"))
    qtbot.waitUntil(lambda: len(pending_recoveries()) == 1, timeout=2000)
    recovery = pending_recoveries()[0]
    assert serialize.load(recovery.document_file).node_by_name("train").inputs["label"] == Binding.constant("recover me")
    expected = to_json(graph)
    # as after a crash: a new session starts while the recovery file is still there
    new_window = gui_app.MainWindow(window.catalog)
    qtbot.addWidget(new_window)
    dialog = gui_app.startup_dialog(new_window, [], pending_recoveries())
    assert [r.document_file for r in dialog.chosen()] == [recovery.document_file]
    assert gui_app.settle_startup(new_window, dialog, RECOVER, []) == 1
    recovered = new_window.current.document
    assert to_json(recovered.graph) == expected and recovered.modified
    assert recovery.document_file.exists(), "recovered work stays recoverable until saved or discarded"
    recovered.undo_stack.setClean()
    assert not recovery.document_file.exists(), "saving (a clean document) ends the recovery"


def test_saving_removes_the_recovery_file(window, tab, qtbot, tmp_path):
    tab.document.set_binding(node_named(tab.document.graph, "train"), "label", Binding.constant("y"))
    qtbot.waitUntil(lambda: len(pending_recoveries()) == 1, timeout=2000)
    tab.document.save(str(tmp_path / "x.wbp"))
    assert pending_recoveries() == []
