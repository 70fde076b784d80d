"""File > Open of a `.zip` bundle, and the trust state of documents unpacked from bundles.

Opening reads and verifies the whole bundle in memory and builds its review on a worker (nothing is
written), shows the trust review, then unpacks into the folder the user chose (new or empty) on a worker, and opens
its `pipeline.wbp`. Approval is recorded only for the exact content that was reviewed: if the zip
changed between review and unpacking, the document opens untrusted. Any file opened from a bundle
folder is untrusted until that folder's content is approved (`share.trust.trust_problem` decides).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtWidgets import QMainWindow

from workbench.errors import ShareError, WorkbenchError
from workbench.gui.jobs import Jobs
from workbench.gui.sharing.review_dialog import TRUST, TrustReviewDialog
from workbench.gui.sharing.tab_trust import TabTrust, mark_untrusted
from workbench.share.bundle import Bundle, ImportResult, import_bundle, read_bundle, read_folder, verify_folder
from workbench.share.review import Review, review_document
from workbench.share.trust import TrustStore, trust_problem

STATUS_MS = 8000


def free_folder(bundle_path: Path, fingerprint: str) -> Path:
    """A folder beside the zip named after it: new, empty, or already holding this very bundle."""
    base = bundle_path.with_suffix("")
    candidate, number = base, 2
    while candidate.exists() and any(candidate.iterdir()) and verify_folder(candidate) != fingerprint:
        candidate, number = base.with_name(f"{base.name}-{number}"), number + 1
    return candidate


def folder_trust(document_path: str, graph) -> TabTrust | None:
    """The trust state of a file from an unpacked bundle folder; None for the user's own files and
    for unchanged content of an approved bundle."""
    problem = trust_problem(document_path)
    if problem is None:
        return None
    review = None
    if problem.fingerprint is not None:  # the bundle as it was imported
        with contextlib.suppress(ShareError):
            review = read_folder(problem.folder).review()
    review = review or review_document(graph, Path(document_path).name)  # changed: what this file runs
    source = f"the bundle folder {problem.folder}" + ("" if problem.fingerprint else " (changed since it was unpacked)")
    return TabTrust(graph.name, source, problem.fingerprint, review)


def _read_and_review(path: str) -> tuple[Bundle, Review]:
    bundle = read_bundle(path)
    return bundle, bundle.review()


class BundleOpener:
    def __init__(self, window: QMainWindow, jobs: Jobs):
        self.window, self.jobs = window, jobs
        self.dialog: TrustReviewDialog | None = None  # the open review, for tests and screenshots

    def open(self, path: str) -> None:
        self.window.statusBar().showMessage(f"Checking the bundle {path}\u2026")
        self.jobs.run(lambda: _read_and_review(path), lambda reviewed: self._review(*reviewed),
                      lambda error: self.window.show_error("Bundle refused", error))

    def _review(self, bundle: Bundle, review: Review) -> None:
        self.window.statusBar().clearMessage()
        source = Path(bundle.source)
        dialog = TrustReviewDialog(bundle.graph.name, source.name, bundle.fingerprint, review, self.window,
                                   destination=free_folder(source, bundle.fingerprint))
        dialog.finished.connect(lambda _result: self._decided(bundle, dialog))
        self.dialog = dialog
        dialog.open()

    def _decided(self, bundle: Bundle, dialog: TrustReviewDialog) -> None:
        self.dialog = None
        dialog.deleteLater()
        folder = dialog.destination()
        if dialog.choice is None:
            self.window.statusBar().showMessage("The bundle was not opened", STATUS_MS)
            return
        if folder is None:
            self.window.show_error("Cannot open the bundle", WorkbenchError("choose a folder to unpack it into"))
            return
        trust = dialog.choice == TRUST
        self.window.statusBar().showMessage(f"Unpacking into {folder}\u2026")
        self.jobs.run(lambda: import_bundle(bundle.source, folder), lambda result: self._imported(bundle, result, trust),
                      lambda error: self.window.show_error("Cannot import the bundle", error))

    def _imported(self, reviewed: Bundle, result: ImportResult, trust: bool) -> None:
        changed = result.bundle.fingerprint != reviewed.fingerprint
        if trust and not changed:
            TrustStore().approve(reviewed.fingerprint, reviewed.graph.name)
        tab = self.window.open_path(str(result.document))
        if changed:
            self.window.show_error("The bundle changed", WorkbenchError(
                "the zip changed after you reviewed it; the new content was unpacked and opened untrusted",
                path=reviewed.source))
        if tab is not None:
            self.window.statusBar().showMessage(f"Unpacked {Path(reviewed.source).name} into {result.folder}",
                                                STATUS_MS)

    def opened(self, tab) -> None:
        """After any document opens: mark it untrusted when it lies in an unapproved bundle folder."""
        path = tab.document.path
        trust = folder_trust(path, tab.document.graph) if path else None
        if trust is not None:
            mark_untrusted(tab, trust)
