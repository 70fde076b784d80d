"""The Help menu: the shortcuts list comes from the window's actions and filters as you type, the
user guide renders the README with its pictures, About names the versions (kfp read on opening)."""

from __future__ import annotations

from importlib import metadata

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence, QTextDocument
from PySide6.QtTest import QTest

from workbench import __version__
from workbench.gui.about_dialog import CHECKING
from workbench.gui.user_guide import MAX_IMAGE_WIDTH, readme_path


def help_entries(window) -> list[str]:
    (menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_help_menu_is_there_without_a_document(window):
    assert help_entries(window) == ["&Keyboard Shortcuts", "&User Guide", "&About Pipeline Workbench"]
    assert window.current is None
    assert all(window.actions_by_name[n].isEnabled() for n in ("shortcuts", "user_guide", "about"))


def test_shortcuts_dialog_lists_every_action_with_its_keys_and_filters(window, qtbot):
    QTest.keyClick(window, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)
    dialog = window.help.dialogs["shortcuts"]
    assert dialog.isVisible()
    rows = {dialog.table.item(r, 0).text(): (dialog.table.item(r, 1).text(), dialog.table.item(r, 2).text())
            for r in range(dialog.table.rowCount())}
    assert rows["Save"] == (QKeySequence("Ctrl+S").toString(QKeySequence.SequenceFormat.NativeText), "File")
    assert rows["Redo"][0] == "Ctrl+Shift+Z, Ctrl+Y" and rows["Redo"][1] == "Edit"
    assert rows["Wrap in Loop"] == ("Ctrl+Shift+L", "Pipeline")
    assert rows["Keyboard Shortcuts"] == ("Ctrl+/", "Help")
    for name, action in window.actions_by_name.items():  # nothing kept by hand: every action is listed
        assert action.text().replace("&", "").rstrip("\u2026") in rows, name
    assert "Components" in rows, "the dock toggles of the View menu are listed too"
    QTest.keyClicks(dialog.search, "wrap")
    assert sorted(dialog.visible_commands()) == ["Unwrap", "Wrap in Condition", "Wrap in Exit Handler", "Wrap in Loop"]
    assert dialog.count.text().startswith("4 of ")
    dialog.search.clear()
    QTest.keyClicks(dialog.search, "ctrl+shift+l")
    assert dialog.visible_commands() == ["Wrap in Loop"]
    dialog.search.clear()
    QTest.keyClicks(dialog.search, "run history")
    assert dialog.visible_commands() == ["Run History"]
    dialog.search.clear()
    QTest.keyClicks(dialog.search, "no such command")
    assert dialog.visible_commands() == [] and dialog.count.text().startswith("0 of ")


def test_user_guide_renders_the_readme_with_its_pictures(window):
    window.actions_by_name["user_guide"].trigger()
    dialog = window.help.dialogs["user_guide"]
    text = dialog.browser.toPlainText()
    assert "Pipeline Workbench" in text and "The editor" in text and "##" not in text, "markdown is rendered"
    assert "workbench runs list\u2223show" in text and "\\|" not in text, "a table's escaped pipe reads as one"
    assert dialog.browser.source() == QUrl.fromLocalFile(str(readme_path()))
    picture = "docs/screenshots/train_compare_deploy-window.png"
    assert picture in readme_path().read_text()
    image = dialog.browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(picture))
    assert isinstance(image, QImage) and not image.isNull() and image.width() <= MAX_IMAGE_WIDTH
    QTest.keyClicks(dialog.find, "Keyboard Shortcuts")
    QTest.keyClick(dialog.find, Qt.Key.Key_Return)
    assert dialog.browser.textCursor().selectedText() == "Keyboard Shortcuts"
    dialog.find.clear()
    QTest.keyClicks(dialog.find, "no such words anywhere")
    QTest.keyClick(dialog.find, Qt.Key.Key_Return)
    assert dialog.found.text() == "not found"


def test_about_names_the_versions_and_asks_docker_off_the_gui_thread(window, qtbot):
    window.actions_by_name["about"].trigger()
    dialog = window.help.dialogs["about"]
    assert dialog.labels["Pipeline Workbench"].text() == __version__
    assert dialog.labels["kfp"].text() == metadata.version("kfp")
    assert dialog.labels["Qt"].text().startswith("6.")
    qtbot.waitUntil(lambda: dialog.labels["Docker engine"].text() != CHECKING, timeout=15_000)
    docker = dialog.labels["Docker engine"].text()
    assert docker[0].isdigit() or docker.startswith("not reachable"), docker
    dialog.copy_versions()
    copied = QGuiApplication.clipboard().text()
    assert f"kfp: {metadata.version('kfp')}" in copied and f"Docker engine: {docker}" in copied


def test_user_guide_in_a_packaged_layout_reads_the_readme_beside_the_package(window, tmp_path, monkeypatch):
    """As packaging/workbench.spec lays the app out: _internal/workbench/, _internal/README.md, _internal/docs/."""
    import workbench
    from workbench.gui.user_guide import UserGuideDialog

    internal = tmp_path / "_internal"
    (internal / "workbench").mkdir(parents=True)
    (internal / "docs").mkdir()
    picture = QImage(1200, 300, QImage.Format.Format_RGB32)
    picture.fill(Qt.GlobalColor.darkCyan)
    picture.save(str(internal / "docs" / "shot.png"))
    (internal / "README.md").write_text("# Packaged guide\n\n![a shot](docs/shot.png)\n\n| a | b |\n|---|---|\n"
                                        "| `x\\|y` | z |\n")
    monkeypatch.setattr(workbench, "__file__", str(internal / "workbench" / "__init__.py"))
    dialog = UserGuideDialog(window)
    assert dialog.browser.toPlainText().startswith("Packaged guide") and "x\u2223y" in dialog.browser.toPlainText()
    image = dialog.browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl("docs/shot.png"))
    assert isinstance(image, QImage) and image.width() == MAX_IMAGE_WIDTH, "scaled down to fit"


def test_user_guide_of_an_installed_wheel_comes_from_the_package_metadata(window, monkeypatch):
    from workbench.gui import user_guide

    monkeypatch.setattr(user_guide, "readme_path", lambda: None)
    dialog = user_guide.UserGuideDialog(window)
    assert "The editor" in dialog.browser.toPlainText()
    monkeypatch.setattr(user_guide, "readme_from_metadata", lambda: "")
    dialog = user_guide.UserGuideDialog(window)
    assert dialog.browser.toPlainText().startswith("User guide not found")
