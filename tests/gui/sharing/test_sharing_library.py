"""The Library dock: publish the current pipeline or a selected component, search, read the asset
page, open a pipeline, add a component to the canvas, download; library folders from settings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from sharing_gui_helpers import click, type_into, wait_idle

from workbench.components.authoring import container_component
from workbench.components.spec import Port
from workbench.gui.sharing.library_folders import build_library
from workbench.gui.sharing.tab_trust import is_trusted
from workbench.settings import Settings, VertexTarget, load_settings, save_settings


def publish_through_dialog(qtbot, window, version: str = "") -> None:
    window.actions_by_name["publish_to_library"].trigger()
    dialog = window.sharing.library.dialog
    assert dialog is not None and dialog.isVisible()
    if version:
        type_into(dialog.version, version)
    click(dialog.publish_button)
    wait_idle(qtbot, window)


def test_publish_the_document_to_private_search_and_open_it(window, tab, qtbot, dialogs):
    browser = window.sharing.library.browser
    window.show_library()
    assert browser.scope == "public" and browser.list.count() > 5  # the built-in components
    publish_through_dialog(qtbot, window, "1.2.0")
    assert dialogs.messages == []
    assert browser.scope == "private"
    assert window.statusBar().currentMessage() == "Published pipeline/demo 1.2.0 to Private"

    type_into(browser.search, "demo")
    assert browser.list.count() == 1 and browser.current_asset().asset_id == "pipeline/demo"
    page = browser.page.toPlainText()
    assert "a small demo" in page and "threshold" in page and "Float" in page and "1.2.0" in page
    assert "Published by" in page and "workbench library get pipeline/demo" in page
    assert browser.open_button.isEnabled() and not browser.add_button.isEnabled()
    type_into(browser.search, "no such thing")
    assert browser.list.count() == 0 and "Nothing matches" in browser.notice.text()

    type_into(browser.search, "demo")
    click(browser.open_button)
    wait_idle(qtbot, window)
    opened = window.current
    assert opened is not tab and opened.document.graph.name == "demo" and opened.document.path is None
    assert len(opened.document.graph.nodes) == 2 and is_trusted(opened)  # your own Private asset


def test_a_second_publish_keeps_the_earlier_version(window, tab, qtbot):
    publish_through_dialog(qtbot, window, "1.0.0")
    publish_through_dialog(qtbot, window)  # empty version: the next one
    browser = window.sharing.library.browser
    assert browser.current_asset().versions == ("1.0.0", "1.0.1")
    assert [browser.versions.itemText(i) for i in range(browser.versions.count())] == ["1.0.1", "1.0.0"]
    browser.versions.setCurrentIndex(1)
    assert browser.current_version().version == "1.0.0"


def test_an_invalid_version_is_refused_in_the_dialog(window, tab, qtbot):
    window.actions_by_name["publish_to_library"].trigger()
    dialog = window.sharing.library.dialog
    type_into(dialog.version, "v-one")
    click(dialog.publish_button)
    assert dialog.isVisible() and "invalid version" in dialog.problem.text()
    click(dialog.buttons.button(dialog.buttons.StandardButton.Cancel))
    wait_idle(qtbot, window)
    assert window.sharing.library.browser.library.search(scope="private") == []


def test_publish_a_selected_component_then_add_it_to_another_canvas(window, tab, qtbot):
    train = tab.document.graph.node_by_name("train").id
    tab.scene.select_ids([train])
    window.actions_by_name["publish_to_library"].trigger()
    dialog = window.sharing.library.dialog
    assert dialog.what.currentText().startswith("The component 'Toy trainer'")
    click(dialog.publish_button)
    wait_idle(qtbot, window)
    browser = window.sharing.library.browser
    assert browser.current_asset().asset_id == "component/toy-trainer"
    assert "Outputs" in browser.page.toPlainText() and "system.Model" in browser.page.toPlainText()

    other = window.new_document()
    click(browser.add_button)
    wait_idle(qtbot, window)
    nodes = list(other.document.graph.nodes.values())
    assert len(nodes) == 1 and other.document.graph.component_of(nodes[0].id).name == "Toy trainer"


def test_add_a_new_library_component_goes_through_my_components(window, qtbot):
    spec = container_component("Lib only", "alpine:3.20", ["echo", "hi"], [], inputs=[Port("text", "String")])
    library = window.sharing.library.browser.library
    library.publish(spec, "private", "2.0.0")
    browser = window.sharing.library.browser
    window.show_library()
    browser.set_scope("private")
    browser.refresh(select="component/lib-only")
    doc = window.new_document()
    browser.list.setFocus()
    QTest.keyClick(browser.list, Qt.Key.Key_Return)  # activating a component adds it
    wait_idle(qtbot, window)
    assert [window.catalog.find(n.component).spec.name for n in doc.document.graph.nodes.values()] == ["Lib only"]
    assert window.palette_panel.item_for("lib-only") is not None


def test_adding_over_a_different_component_asks_first(window, tab, qtbot, dialogs):
    changed = container_component("Toy data", "busybox:1", ["true"], [])  # same name as a palette entry
    library = window.sharing.library.browser.library
    library.publish(changed, "private", "1.0.0")
    browser = window.sharing.library.browser
    window.show_library()
    browser.set_scope("private")
    browser.refresh(select="component/toy-data")
    before = len(tab.document.graph.nodes)
    dialogs.answer = QMessageBox.StandardButton.No
    click(browser.add_button)
    wait_idle(qtbot, window)
    assert dialogs.messages[-1][:2] == ("question", "Replace the component?")
    assert len(tab.document.graph.nodes) == before


def test_download_writes_the_stored_file(window, tab, qtbot, tmp_path, file_dialogs):
    publish_through_dialog(qtbot, window, "3.0.0")
    file_dialogs.answer = str(tmp_path / "copy.wbp")
    click(window.sharing.library.browser.download_button)
    wait_idle(qtbot, window)
    assert (tmp_path / "copy.wbp").read_text().startswith("{")
    assert "Saved pipeline/demo 3.0.0" in window.statusBar().currentMessage()


def test_team_pipelines_open_untrusted_and_folders_come_from_settings(window, tab, qtbot, tmp_path):
    team = tmp_path / "team"
    save_settings(Settings(team_dir=str(team), catalog_dirs=(str(tmp_path / "catalog"),)))
    library = build_library()
    assert [s.scope for s in library.stores] == ["private", "team", "public", "public"]
    window.sharing.library.browser.set_library(library)
    library.publish(tab.document.graph, "team", "1.0.0")
    browser = window.sharing.library.browser
    window.show_library()
    browser.set_scope("team")
    assert browser.current_asset().asset_id == "pipeline/demo"
    click(browser.open_button)
    wait_idle(qtbot, window)
    assert not is_trusted(window.current)


def test_team_scope_without_a_folder_says_how_to_set_one(window):
    browser = window.sharing.library.browser
    window.show_library()
    browser.set_scope("team")
    assert browser.list.count() == 0 and "WORKBENCH_TEAM_DIR" in browser.notice.text()


def test_library_folders_are_kept_beside_the_targets(tmp_path):
    settings = Settings().with_target(VertexTarget(name="prod", project="p"))
    settings = Settings(settings.targets, team_dir="/mnt/team", catalog_dirs=("/srv/a", "/srv/b"))
    save_settings(settings)
    loaded = load_settings()
    assert loaded == settings
    assert loaded.without_target("prod").team_dir == "/mnt/team"


def test_the_library_is_read_when_first_shown_not_at_start(qtbot, catalog):
    from workbench.gui.main_window import MainWindow

    window = MainWindow(catalog)  # not shown yet: no library folder has been read
    qtbot.addWidget(window)
    browser = window.sharing.library.browser
    assert browser.list.count() == 0
    window.show()
    window.show_library()
    assert browser.list.count() > 5
