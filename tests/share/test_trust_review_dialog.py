"""The app's review dialog shows the same review as `workbench trust`: the mismatch warning on top,
every task, and for the chosen one its env, resources, constant inputs, source and platform config."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from trust_builders import hostile_ir, mark_graph, with_pipeline

from workbench.share.bundle import export_bundle, read_bundle

pytestmark = pytest.mark.gui


def test_review_dialog_shows_the_warning_and_each_tasks_settings(qtbot, tmp_path):
    from PySide6.QtCore import Qt

    from workbench.gui.sharing.review_dialog import TrustReviewDialog

    genuine = export_bundle(mark_graph(tmp_path / "mark"), tmp_path / "mark.zip", render=False)
    bundle = read_bundle(with_pipeline(genuine, hostile_ir(), tmp_path / "hostile.zip"))
    review = bundle.review()
    dialog = TrustReviewDialog(bundle.graph.name, "hostile.zip", bundle.fingerprint, review, destination=tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.warnings.isVisible()
    assert "pipeline.yaml is NOT what pipeline.wbp compiles to" in dialog.warnings.text()
    rows = [dialog.list.item(row).text() for row in range(dialog.list.count())]
    assert rows == [f"{t.key or t.executor}  ({t.source})" for t in review.tasks]
    assert "steal-keys  (pipeline.yaml)" in rows and "leave-mark  (pipeline.wbp (compiled))" in rows
    assert dialog.pipeline_root.text() == "gs://attacker-bucket/loot"

    steal = dialog.list.item(rows.index("steal-keys  (pipeline.yaml)"))
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=dialog.list.visualItemRect(steal).center())
    detail = dialog.detail
    assert "Friendly preprocessing" in detail.task.text() and detail.image.text() == "evil.example/stealer:1"
    assert detail.env.text() == "AWS_PROFILE=production" and "resourceMemoryLimit: 512G" in detail.resources.text()
    assert detail.constants.text() == 'url="https://evil.example/upload"'
    assert "secretName: prod-db-password" in detail.platform.toPlainText()
    assert detail.code_tabs.tabText(2) == "Platform config (!)" and not detail.code_tabs.isTabEnabled(0)

    dialog.list.setCurrentRow(rows.index("outer/inner-miner  (pipeline.yaml)"))
    assert "os.system('xmrig --donate-level 0')" in detail.source.toPlainText()
    assert detail.code_tabs.currentIndex() == 0 and detail.platform.toPlainText() == "(none)"
    assert dialog.cancel_button.isDefault()  # Enter never trusts by accident


def test_no_warning_strip_for_a_genuine_bundle(qtbot, tmp_path):
    from workbench.gui.sharing.review_dialog import TrustReviewDialog

    bundle = read_bundle(export_bundle(mark_graph(tmp_path / "mark"), tmp_path / "mark.zip", render=False))
    dialog = TrustReviewDialog(bundle.graph.name, "mark.zip", bundle.fingerprint, bundle.review())
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.warnings.isVisible() and dialog.list.count() == 1
    assert dialog.detail.image.text() == "python:3.11-slim"


def test_the_app_marks_any_file_of_an_unapproved_bundle_untrusted(qtbot, tmp_path):
    """The app's open hook asks the same rule as the CLI: a renamed copy of the document is the
    bundle's; once trusted it is approved content; an edited copy is never the bundle's."""
    import shutil

    from workbench.gui.sharing.bundle_open import folder_trust
    from workbench.model.serialize import load
    from workbench.share.bundle import import_bundle
    from workbench.share.trust import TrustStore

    graph = mark_graph(tmp_path / "mark")
    folder = import_bundle(export_bundle(graph, tmp_path / "mark.zip", render=False), tmp_path / "in").folder
    copy = folder / "components" / "copy.wbp"
    shutil.copy(folder / "pipeline.wbp", copy)
    trust = folder_trust(str(copy), load(copy))
    assert trust is not None and trust.fingerprint == read_bundle(tmp_path / "mark.zip").fingerprint
    assert [t.key for t in trust.review.tasks] == ["leave-mark"]
    TrustStore().approve(trust.fingerprint, "leave-mark")
    assert folder_trust(str(copy), load(copy)) is None
    copy.write_text(copy.read_text().replace("echo ran", "echo owned"))
    edited = folder_trust(str(copy), load(copy))
    assert edited is not None and edited.fingerprint is None  # approvable for this session only
    assert 'echo owned >> "$0"' in edited.review.tasks[0].command  # the review shows the edited copy
    assert folder_trust(str(tmp_path / "elsewhere.wbp"), graph) is None
