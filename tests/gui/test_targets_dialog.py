"""Settings > Remote Targets: add Vertex AI and Kubeflow targets by typing into the form, see them
again in a new dialog, secrets in the keyring only, invalid fields refused with a message."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from workbench.runs.remote import secrets
from workbench.settings import KfpTarget, VertexTarget, load_settings, settings_path


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("WORKBENCH_KFP_TOKEN", raising=False)


@pytest.fixture
def failing_keyring():
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def open_dialog(qtbot):
    from workbench.gui.targets_dialog import TargetsDialog

    dialog = TargetsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(form, **values) -> None:
    for name, text in values.items():
        editor = form.secret if name == "secret" else form.editors[name]
        editor.setFocus()
        editor.selectAll()
        QTest.keyClick(editor, Qt.Key.Key_Delete)
        QTest.keyClicks(editor, text)


def choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def save(dialog) -> None:
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def test_add_vertex_and_kfp_targets_and_see_them_again(qtbot, memory_keyring):
    dialog = open_dialog(qtbot)
    QTest.mouseClick(dialog.add_vertex, Qt.MouseButton.LeftButton)
    vertex = dialog.forms["vertex"]
    fill(vertex, name="prod", project="my-proj", region="europe-west4", pipeline_root="gs://bucket/root",
         service_account="runner@my-proj.iam.gserviceaccount.com", labels="team=ml, env=dev",
         api_endpoint="europe-west4-aiplatform.googleapis.com")
    choose(vertex.editors["enable_caching"], False)
    save(dialog)
    assert dialog.problem.text() == ""

    QTest.mouseClick(dialog.add_kfp, Qt.MouseButton.LeftButton)
    kfp = dialog.forms["kfp"]
    fill(kfp, name="lab", host="https://kfp.example.com", namespace="team-a")
    choose(kfp.editors["auth"], "token")
    fill(kfp, secret="s3cret-token")
    save(dialog)
    assert dialog.problem.text() == ""

    settings = load_settings()
    assert settings.targets["prod"] == VertexTarget(
        name="prod", project="my-proj", region="europe-west4", pipeline_root="gs://bucket/root",
        service_account="runner@my-proj.iam.gserviceaccount.com", labels={"team": "ml", "env": "dev"},
        enable_caching=False, api_endpoint="europe-west4-aiplatform.googleapis.com")
    assert settings.targets["lab"] == KfpTarget(name="lab", host="https://kfp.example.com", namespace="team-a",
                                                auth="token")
    assert secrets.load_secret("lab") == "s3cret-token"
    assert "s3cret-token" not in settings_path().read_text()

    again = open_dialog(qtbot)
    assert [again.list.item(i).text().split()[0] for i in range(again.list.count())] == ["lab", "prod"]
    again.list.setCurrentRow(0)
    form = again.forms["kfp"]
    assert again.stack.currentWidget() is form and form.editors["host"].text() == "https://kfp.example.com"
    assert form.secret.text() == "" and "A secret is stored" in form.secret_note.text()
    again.list.setCurrentRow(1)
    assert again.forms["vertex"].editors["labels"].text() == "env=dev, team=ml"  # saved with sorted keys


def test_invalid_pipeline_root_and_host_are_refused(qtbot):
    dialog = open_dialog(qtbot)
    QTest.mouseClick(dialog.add_vertex, Qt.MouseButton.LeftButton)
    fill(dialog.forms["vertex"], name="prod", project="p", pipeline_root="bucket/root")
    save(dialog)
    assert "gs://" in dialog.problem.text()
    assert not settings_path().exists()

    QTest.mouseClick(dialog.add_kfp, Qt.MouseButton.LeftButton)
    fill(dialog.forms["kfp"], name="lab", host="kfp.example.com")
    save(dialog)
    assert "http:// or https://" in dialog.problem.text()
    fill(dialog.forms["kfp"], name="bad name", host="https://kfp.example.com")
    save(dialog)
    assert "target name" in dialog.problem.text()
    fill(dialog.forms["kfp"], name="lab")
    dialog.forms["kfp"].editors["namespace"].setText("")
    save(dialog)
    assert dialog.problem.text() == "" and list(load_settings().targets) == ["lab"]


def test_labels_must_be_key_value(qtbot):
    dialog = open_dialog(qtbot)
    QTest.mouseClick(dialog.add_vertex, Qt.MouseButton.LeftButton)
    fill(dialog.forms["vertex"], project="p", labels="team")
    save(dialog)
    assert "key=value" in dialog.problem.text()


def test_without_a_keyring_the_target_is_saved_and_the_message_names_the_variable(qtbot, failing_keyring,
                                                                                    dialogs):
    dialog = open_dialog(qtbot)
    QTest.mouseClick(dialog.add_kfp, Qt.MouseButton.LeftButton)
    kfp = dialog.forms["kfp"]
    choose(kfp.editors["auth"], "cookie")
    assert "WORKBENCH_KFP_TOKEN" in kfp.secret_note.text()
    fill(kfp, host="http://127.0.0.1:8888", secret="authservice_session=abc")
    save(dialog)
    assert list(load_settings().targets) == ["kfp"]
    kind, title, text = dialogs.messages[-1]
    assert kind == "warning" and "WORKBENCH_KFP_TOKEN" in text
    assert "authservice_session" not in json.dumps(json.loads(settings_path().read_text()))


def test_rename_moves_nothing_silently_and_remove_forgets_the_secret(qtbot, memory_keyring, dialogs):
    dialog = open_dialog(qtbot)
    QTest.mouseClick(dialog.add_kfp, Qt.MouseButton.LeftButton)
    fill(dialog.forms["kfp"], name="lab", host="https://h")
    choose(dialog.forms["kfp"].editors["auth"], "token")
    fill(dialog.forms["kfp"], secret="tok")
    save(dialog)
    fill(dialog.forms["kfp"], name="lab2")
    save(dialog)
    assert "type the token or cookie again" in dialog.problem.text()
    fill(dialog.forms["kfp"], secret="tok2")
    save(dialog)
    assert list(load_settings().targets) == ["lab2"]
    assert secrets.load_secret("lab") is None and secrets.load_secret("lab2") == "tok2"
    dialogs.answer = QMessageBox.StandardButton.Yes
    QTest.mouseClick(dialog.remove, Qt.MouseButton.LeftButton)
    assert load_settings().targets == {} and secrets.load_secret("lab2") is None
    assert dialog.list.count() == 0


def test_the_settings_menu_offers_the_dialog(window):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Settings")
    assert window.actions_by_name["remote_targets"] in menu.actions()
    assert window.actions_by_name["remote_targets"].isEnabled()  # also with no document open
