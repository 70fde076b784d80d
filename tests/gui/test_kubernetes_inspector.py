"""The inspector's Kubernetes section, driven with real clicks, keys and dropdown popups: a secret
as env named by a pipeline parameter reaches the compiled platform spec and undoes / redoes in
steps; a relative mount path is marked inline and in the Problems panel; a CreatePVC dropped from
the palette names a PVC mount; every control of a fully configured task survives the exerciser."""

from __future__ import annotations

import json

import pytest
import yaml
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QSpinBox, QWidget

from child_process import run_child, survived
from exercise_app import pick, settle
from gui_drive import node_named
from workbench.compiler.compile import compile_graph
from workbench.gui.kubernetes_entries import (LIST_KINDS, add_entry, field_problem, remove_entry, set_map,
                                              set_name, set_scalar)
from workbench.gui.kubernetes_section import BAD_FIELD, KubernetesSection, NameEditor, PairsEditor
from workbench.model.bindings import Binding
from workbench.model.document import Parameter
from workbench.model.kubernetes import KubernetesConfig
from workbench.model.serialize import loads, to_json

KINDS = {kind.section: kind for kind in LIST_KINDS}


def executors(graph) -> dict:
    documents = list(yaml.safe_load_all(compile_graph(graph)))
    return documents[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"] if len(documents) > 1 else {}


def open_section(window, tab, node_id: str) -> KubernetesSection:
    tab.scene.select_ids([node_id])
    settle()
    section = window.inspector.page.kubernetes
    if not section.toggle.isChecked():
        QTest.mouseClick(section.toggle, Qt.MouseButton.LeftButton)
    assert section.body.isVisible()
    return section


def block(window, section: str) -> QWidget:
    """The list of one kind on the current inspector page (looked up again after each rebuild)."""
    return window.inspector.page.kubernetes.findChild(QWidget, f"k8s-{section}")


def click_add(window, section: str) -> None:
    button = next(b for b in block(window, section).findChildren(QPushButton) if b.text() == "Add")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    settle()


def choose_name(window, section: str, source: str, label: str) -> None:
    """Through the popups: the name's source, then the entry whose text is `label`."""
    editor = block(window, section).findChild(NameEditor)
    pick(editor.source, editor.source.findData(source))
    editor = block(window, section).findChild(NameEditor)
    combo = editor.choices[source]
    index = combo.findText(label)
    assert index >= 0, [combo.itemText(i) for i in range(combo.count())]
    pick(combo, index)


def type_into(line: QLineEdit, text: str) -> None:
    line.setFocus()
    QTest.keyClicks(line, text)
    settle()


def test_secret_as_env_named_by_a_parameter_compiles_and_undoes_in_steps(window, tab):
    document, graph = tab.document, tab.document.graph
    document.set_parameter(Parameter("db_secret", "String", "prod-db"))
    train = node_named(graph, "train")
    document.connect_ports(node_named(graph, "make-data"), "data", train, "data")
    open_section(window, tab, train)
    start = document.undo_stack.index()
    click_add(window, "secretAsEnv")
    choose_name(window, "secretAsEnv", "parameter", "param: db_secret")
    pairs = block(window, "secretAsEnv").findChild(PairsEditor)
    QTest.mouseClick(pairs.add, Qt.MouseButton.LeftButton)
    type_into(block(window, "secretAsEnv").findChild(PairsEditor).rows[0][1], "password")
    type_into(block(window, "secretAsEnv").findChild(PairsEditor).rows[0][2], "DB_PASSWORD")
    window.inspector.setFocus()
    settle()

    config = graph.nodes[train].kubernetes
    assert config.references == {("secretAsEnv", 0, "secretNameParameter"): Binding.param("db_secret")}
    assert executors(graph)["exec-train"]["secretAsEnv"] == [{
        "keyToEnv": [{"envVar": "DB_PASSWORD", "secretKey": "password"}],
        "secretNameParameter": {"componentInputParameter": "db_secret"}}]
    # add, choose a parameter, type a key, type an env name: four steps, typing merged
    assert document.undo_stack.index() - start == 4
    saved = to_json(graph)
    for _ in range(4):
        document.undo_stack.undo()
    assert graph.nodes[train].kubernetes is None and "exec-train" not in executors(graph)
    for _ in range(4):
        document.undo_stack.redo()
    assert to_json(graph) == saved
    document.rename_parameter("db_secret", Parameter("db_credentials", "String", "prod-db"))
    assert graph.nodes[train].kubernetes.references == {
        ("secretAsEnv", 0, "secretNameParameter"): Binding.param("db_credentials")}
    document.undo_stack.undo()  # the rename and what followed it: one step
    assert to_json(graph) == saved
    settle()  # the page shows the restored entry, not the stale one
    editor = block(window, "secretAsEnv").findChild(NameEditor)
    assert editor.source.currentData() == "parameter"
    assert editor.choices["parameter"].currentText() == "param: db_secret"


def test_a_relative_mount_path_is_marked_inline_and_in_the_problems_panel(window, tab):
    graph = tab.document.graph
    train = node_named(graph, "train")
    open_section(window, tab, train)
    click_add(window, "secretAsVolume")

    def name() -> QLineEdit:  # looked up again: the page rebuilds once the field loses focus
        return block(window, "secretAsVolume").findChild(NameEditor).text

    def path() -> QLineEdit:
        return next(line for line in block(window, "secretAsVolume").findChildren(QLineEdit)
                    if line.placeholderText() == "/etc/secret")

    type_into(name(), "Bad_Name")
    assert name().styleSheet() == BAD_FIELD and "DNS-1123" in name().toolTip()
    type_into(path(), "etc/config")
    assert path().styleSheet() == BAD_FIELD and "absolute" in path().toolTip()
    window.actions_by_name["validate"].trigger()
    texts = [window.problems.item(i).text() for i in range(window.problems.count())]
    assert any("secret mount 'etc/config': the mount path must be absolute" in t for t in texts), texts
    assert any("secret name 'Bad_Name' must be a DNS-1123 name" in t for t in texts), texts
    path().setFocus()
    path().setCursorPosition(0)
    QTest.keyClick(path(), Qt.Key.Key_Slash)
    assert path().styleSheet() == ""
    name().setFocus()
    name().selectAll()
    QTest.keyClicks(name(), "app-config")
    assert name().styleSheet() == ""
    window.inspector.setFocus()
    window.actions_by_name["validate"].trigger()
    texts = [window.problems.item(i).text() for i in range(window.problems.count())]
    assert not any("Kubernetes" in t for t in texts), texts
    assert graph.nodes[train].kubernetes.mounts()[0].mount_path == "/etc/config"
    settle()
    assert path().text() == "/etc/config" and path().styleSheet() == "" and name().text() == "app-config"


def test_a_create_pvc_from_the_palette_feeds_a_pvc_mount(window, tab):
    graph = tab.document.graph
    palette = window.palette_panel
    item = palette.item_for("create_pvc")
    assert item is not None and item.parent().text(0) == "Kubernetes"
    assert palette.item_for("delete_pvc") is not None
    mime = palette.tree.mimeData([item])
    target = tab.view.mapFromScene(QPointF(200, 300))
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(tab.view.viewport(),
                           QDragEnterEvent(target, Qt.DropAction.CopyAction, mime, buttons, modifiers))
    QApplication.sendEvent(tab.view.viewport(),
                           QDropEvent(QPointF(target), Qt.DropAction.CopyAction, mime, buttons, modifiers))
    create = graph.node_by_name("createpvc").id
    tab.document.set_binding(create, "access_modes", Binding.constant(["ReadWriteOnce"]))
    tab.document.set_binding(create, "size", Binding.constant("1Gi"))
    tab.document.set_binding(create, "pvc_name_suffix", Binding.constant("-work"))
    train = node_named(graph, "train")
    tab.document.connect_ports(node_named(graph, "make-data"), "data", train, "data")
    open_section(window, tab, train)
    click_add(window, "pvcMount")
    choose_name(window, "pvcMount", "output", "createpvc.name")
    path = next(line for line in block(window, "pvcMount").findChildren(QLineEdit) if line.placeholderText() == "/data")
    type_into(path, "/data")
    window.inspector.setFocus()
    settle()
    assert create in graph.upstream_of(train)
    assert executors(graph)["exec-train"]["pvcMount"] == [{"mountPath": "/data", "pvcNameParameter": {
        "taskOutputParameter": {"outputParameterKey": "name", "producerTask": "createpvc"}}}]
    # the producer's own inspector does not offer the consumer's outputs (that would be a cycle)
    open_section(window, tab, create)
    click_add(window, "pvcMount")
    editor = block(window, "pvcMount").findChild(NameEditor)
    offered = [editor.choices["output"].itemText(i) for i in range(editor.choices["output"].count())]
    assert not any(text.startswith("train.") for text in offered)


def test_the_section_opens_for_settings_and_otherwise_as_the_user_left_it(window, tab, monkeypatch):
    monkeypatch.setattr(KubernetesSection, "remembered_open", False)
    graph = tab.document.graph
    train, make = node_named(graph, "train"), node_named(graph, "make-data")
    graph.update_node(train, kubernetes=KubernetesConfig({"nodeSelector": {"labels": {"pool": "gpu"}}}))
    tab.scene.select_ids([train])
    settle()
    assert window.inspector.page.kubernetes.body.isVisible()  # opened by its settings, not remembered
    tab.scene.select_ids([make])
    settle()
    section = window.inspector.page.kubernetes
    assert not section.body.isVisible()
    QTest.mouseClick(section.toggle, Qt.MouseButton.LeftButton)
    assert section.body.isVisible()
    tab.scene.select_ids([train])
    settle()
    tab.scene.select_ids([make])
    settle()
    assert window.inspector.page.kubernetes.body.isVisible()


def test_removing_an_entry_moves_later_references_and_drops_its_own():
    config = KubernetesConfig()
    for _ in range(3):
        config = add_entry(config, KINDS["secretAsVolume"])
    config = set_name(config, KINDS["secretAsVolume"], 0, Binding.param("first"))
    config = set_name(config, KINDS["secretAsVolume"], 2, Binding.param("third"))
    config = set_name(config, KINDS["secretAsVolume"], 1, Binding.constant("middle"))
    assert config.config["secretAsVolume"][1] == {"secretName": "middle",
                                                  "secretNameParameter": {"runtimeValue": {"constant": "middle"}}}
    config = remove_entry(config, "secretAsVolume", 0)
    assert config.references == {("secretAsVolume", 1, "secretNameParameter"): Binding.param("third")}
    assert config.name_of(("secretAsVolume", 0), "secretNameParameter", "secretName") == Binding.constant("middle")
    config = remove_entry(remove_entry(config, "secretAsVolume", 1), "secretAsVolume", 0)
    assert config.config == {} and config.references == {}


def test_hostile_values_are_refused_inline_and_maps_and_numbers_stay_clean():
    config = add_entry(add_entry(KubernetesConfig(), KINDS["pvcMount"]), KINDS["emptyDirMounts"])
    config.config["pvcMount"][0]["mountPath"] = "/data/"
    assert field_problem(config, ("emptyDirMounts", 0, "mountPath"), "path", "/data") != ""
    assert field_problem(config, ("pvcMount", 0, "mountPath"), "path", "/data/") == ""  # not its own twin
    assert field_problem(config, (), "path", "../../etc") != ""
    for bad in ("UPPER", "a_b", "-lead", "x" * 254, "ok;rm -rf /", ""):
        assert field_problem(config, (), "name", bad) != "", bad
    assert field_problem(config, (), "label", "has.dot") != "" and field_problem(config, (), "name", "has.dot") == ""
    config = set_map(config, ("podMetadata", "labels"), [("", "ignored"), ("team", "ml")])
    assert config.config["podMetadata"] == {"labels": {"team": "ml"}}
    config = set_map(config, ("podMetadata", "labels"), [])
    assert "podMetadata" not in config.config
    config = set_scalar(config, ("securityContext", "runAsUser"), 0)  # root is a value, not "unset"
    assert config.config["securityContext"] == {"runAsUser": "0"}
    assert "securityContext" not in set_scalar(config, ("securityContext", "runAsUser"), None).config


def test_a_hand_edited_config_with_odd_values_shows_and_edits_without_error(window, tab):
    graph = tab.document.graph
    train = node_named(graph, "train")
    odd = {"secretAsEnv": [{"secretName": "db", "keyToEnv": 7}, "not an entry"],
           "emptyDirMounts": [{"volumeName": "x", "mountPath": "/x", "medium": {"odd": 1}}],
           "activeDeadlineSeconds": ["soon"], "securityContext": "root", "podMetadata": []}
    graph.update_node(train, kubernetes=KubernetesConfig(odd))
    section = open_section(window, tab, train)
    assert len(block(window, "secretAsEnv").findChildren(NameEditor)) == 1
    assert block(window, "secretAsEnv").findChild(NameEditor).text.text() == "db"
    spins = section.findChildren(QSpinBox)
    assert [s.specialValueText() == s.text() for s in spins] == [True, True, True]
    spins[1].setFocus()
    QTest.keyClick(spins[1], Qt.Key.Key_Up)  # the user id over a security context that was a string
    labels = window.inspector.page.kubernetes.findChild(QWidget, "k8s-map-podMetadata/labels").findChild(PairsEditor)
    QTest.mouseClick(labels.add, Qt.MouseButton.LeftButton)
    type_into(labels.rows[0][1], "team")
    config = graph.nodes[train].kubernetes.config
    assert config["securityContext"] == {"runAsUser": "0"} and config["podMetadata"] == {"labels": {"team": ""}}
    assert config["emptyDirMounts"][0]["medium"] == {"odd": 1}  # kept as it was, not guessed


@pytest.mark.xserver
def test_every_control_of_a_configured_task_survives_the_exerciser(tmp_path, small_graph):
    """Every dropdown entry of the section picked through its popup, every spin box stepped and
    check box toggled, in a child process (a segfault fails with its trace)."""
    train = small_graph.node_by_name("train")
    small_graph.set_parameter(Parameter("db_secret", "String", "db"))
    config = KubernetesConfig()
    for kind in LIST_KINDS:
        config = add_entry(config, kind)
    config = set_name(config, KINDS["secretAsEnv"], 0, Binding.param("db_secret"))
    config = set_map(config, ("nodeSelector", "labels"), [("pool", "gpu")])
    small_graph.update_node(train.id, kubernetes=config)
    path = tmp_path / "configured.wbp"
    path.write_text(to_json(small_graph))
    assert loads(path.read_text()).nodes[train.id].kubernetes == config
    result = survived(run_child(["tests/gui/exercise_app.py", str(path)], tmp_path / "data", timeout=600))
    counts = json.loads(next(line for line in result.stdout.splitlines()
                             if line.startswith("EXERCISED ")).removeprefix("EXERCISED "))
    print("EXERCISED", json.dumps(counts, sort_keys=True))
    assert counts["uncaught"] == 0, counts
    assert counts["picks"] >= 40 and counts["steps"] >= 9, counts
