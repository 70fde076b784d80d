"""File > Export Bundle and File > Open of a bundle: export on a worker, the trust review, trusted
and untrusted tabs, and hostile bundles refused with a message while the app keeps running."""

from __future__ import annotations

import zipfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sharing_gui_helpers import EXAMPLE, click, click_row, wait_idle

from workbench.gui.sharing.tab_trust import UntrustedBanner, is_trusted
from workbench.share.bundle import read_bundle
from workbench.share.trust import TrustStore


def menu_actions(window, title: str) -> list:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == title)
    return menu.actions()


def open_and_review(qtbot, window, bundle: Path):
    assert window.open_path(str(bundle)) is None  # checked on a worker, reviewed before it opens
    qtbot.waitUntil(lambda: window.sharing.opener.dialog is not None, timeout=30_000)
    return window.sharing.opener.dialog


def test_export_bundle_from_the_file_menu(window, tmp_path, file_dialogs, qtbot, dialogs):
    window.open_path(str(EXAMPLE))
    action = window.actions_by_name["export_bundle"]
    assert action in menu_actions(window, "&File")
    file_dialogs.answer = str(tmp_path / "out" / "demo")  # no suffix: .zip is added
    action.trigger()
    assert window.statusBar().currentMessage().startswith("Exporting bundle")
    wait_idle(qtbot, window)
    assert dialogs.messages == []
    out = tmp_path / "out" / "demo.zip"
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
    assert names[0] == "pipeline.yaml"
    assert {"pipeline.wbp", "manifest.json", "graph.png"} <= set(names)
    assert str(out) in window.statusBar().currentMessage()


def test_review_shows_images_and_python_then_trust_and_open(window, example_bundle, tmp_path, qtbot):
    fingerprint = read_bundle(example_bundle).fingerprint
    dialog = open_and_review(qtbot, window, example_bundle)
    assert dialog.fingerprint.text() == fingerprint
    assert dialog.list.count() == 10  # every task (three train tasks share one executor)
    click_row(dialog.list, dialog.list.count() - 1)
    assert dialog.detail.image.text() == "python:3.11-slim"
    sources = []
    for row in range(dialog.list.count()):
        click_row(dialog.list, row)
        sources.append(dialog.detail.source.toPlainText())
    assert any("def train_model(" in source for source in sources)
    assert dialog.detail.source.isReadOnly()
    destination = tmp_path / "unpacked"
    dialog.folder.setText(str(destination))
    click(dialog.trust_button)
    wait_idle(qtbot, window)
    tab = window.current
    assert tab is not None and tab.document.path == str(destination / "pipeline.wbp")
    assert tab.document.graph.name == "train-compare-deploy"
    assert is_trusted(tab) and TrustStore().is_trusted(fingerprint)
    assert tab.findChild(UntrustedBanner) is None


def open_untrusted(qtbot, window, bundle: Path, folder: Path):
    """Open a bundle with "Open without trusting"; return its tab."""
    dialog = open_and_review(qtbot, window, bundle)
    dialog.folder.setText(str(folder))
    click(dialog.untrusted_button)
    wait_idle(qtbot, window)
    return window.current


def test_open_without_trusting_marks_the_tab_until_reviewed(window, example_bundle, tmp_path, qtbot):
    tab = open_untrusted(qtbot, window, example_bundle, tmp_path / "unpacked")
    assert tab is not None and not is_trusted(tab)
    banner = tab.findChild(UntrustedBanner)
    assert banner is not None and banner.isVisible()

    # reopened later from its folder, it is still untrusted
    window.close_tab(tab)
    reopened = window.open_path(str(tmp_path / "unpacked" / "pipeline.wbp"))
    assert not is_trusted(reopened)

    # the banner's button shows the review again; trusting there approves the bundle
    def trust_in_modal_review():
        review = QApplication.activeModalWidget()
        click(review.trust_button)

    QTimer.singleShot(200, trust_in_modal_review)
    click(reopened.findChild(UntrustedBanner).review)
    assert is_trusted(reopened)
    assert not reopened.findChild(UntrustedBanner).isVisible()
    assert TrustStore().is_trusted(read_bundle(example_bundle).fingerprint)


def test_cancel_writes_nothing(window, example_bundle, tmp_path, qtbot):
    dialog = open_and_review(qtbot, window, example_bundle)
    destination = tmp_path / "never"
    dialog.folder.setText(str(destination))
    click(dialog.cancel_button)
    wait_idle(qtbot, window)
    assert not destination.exists() and window.tabs.count() == 0


def test_a_hostile_bundle_is_refused_and_nothing_is_written(window, tmp_path, qtbot, dialogs):
    hostile = tmp_path / "incoming" / "evil.zip"
    hostile.parent.mkdir()
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("pipeline.yaml", "pipelineInfo: {name: x}\nroot: {}\n")
        archive.writestr("../escaped.txt", "owned")
    def written() -> list[str]:  # the run history the window's start-up refresh may be creating meanwhile aside
        return sorted(p.name for p in tmp_path.rglob("*") if not p.name.startswith("runs.sqlite"))

    before = written()
    window.open_path(str(hostile))
    qtbot.waitUntil(lambda: bool(dialogs.messages), timeout=30_000)
    kind, title, text = dialogs.messages[-1]
    assert (kind, title) == ("warning", "Bundle refused")
    assert "../escaped.txt" in text and "evil.zip" in text
    assert window.sharing.opener.dialog is None and window.isVisible()
    assert written() == before
    window.new_document()  # still working
    assert window.tabs.count() == 1


def test_running_an_untrusted_pipeline_asks_for_the_review_first(window, example_bundle, tmp_path, qtbot):
    tab = open_untrusted(qtbot, window, example_bundle, tmp_path / "unpacked")
    assert not is_trusted(tab)

    def answer_review(button_name: str):
        def answer():
            review = QApplication.activeModalWidget()
            click(getattr(review, button_name))
        return answer

    # refusing the review: no Run dialog, nothing starts
    QTimer.singleShot(200, answer_review("cancel_button"))
    window.actions_by_name["run"].trigger()
    assert window.runs.run_dialog is None and not is_trusted(tab)

    # trusting it: the Run dialog opens
    QTimer.singleShot(200, answer_review("trust_button"))
    window.actions_by_name["run"].trigger()
    assert is_trusted(tab) and window.runs.run_dialog is not None
    window.runs.run_dialog.reject()
