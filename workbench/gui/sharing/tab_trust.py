"""Whether an open pipeline may run: the hook the run controls check before starting anything.

A tab opened from a bundle (or another source the user has not approved) carries a `TabTrust`
in its `bundle_trust` attribute and shows a banner; every other tab is the user's own and trusted.
Approval is remembered by bundle fingerprint in the `TrustStore`, so it covers exactly the
reviewed content and survives restarts; content without a fingerprint (an imported folder edited
since) is approved for the session only.

    from workbench.gui.sharing.tab_trust import ensure_trusted, is_trusted
    if not ensure_trusted(tab, window):   # shows the review (modal) when untrusted
        return
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from workbench.share.review import Review
from workbench.share.trust import TrustStore

ATTRIBUTE = "bundle_trust"


@dataclass
class TabTrust:
    name: str
    source: str  # the bundle, folder or library asset the content came from
    fingerprint: str | None  # the bundle's manifest sha256; None when there is none to remember
    review: Review
    approved: bool = False  # approved in this session


def trust_of(tab: QWidget) -> TabTrust | None:
    return getattr(tab, ATTRIBUTE, None)


def is_trusted(tab: QWidget, store: TrustStore | None = None) -> bool:
    """True for the user's own documents and for approved content; False until an import is reviewed."""
    trust = trust_of(tab)
    if trust is None or trust.approved:
        return True
    if trust.fingerprint and (store or TrustStore()).is_trusted(trust.fingerprint):
        trust.approved = True
        return True
    return False


def approve(tab: QWidget, store: TrustStore | None = None) -> None:
    trust = trust_of(tab)
    if trust is None:
        return
    if trust.fingerprint:
        (store or TrustStore()).approve(trust.fingerprint, trust.name)
    trust.approved = True
    banner = tab.findChild(UntrustedBanner)
    if banner is not None:
        banner.hide()


def mark_untrusted(tab: QWidget, trust: TabTrust) -> None:
    """Attach the trust state and a banner above the canvas (DocumentTab's layout is a plain VBox)."""
    setattr(tab, ATTRIBUTE, trust)
    if is_trusted(tab):
        return
    banner = UntrustedBanner(tab)
    tab.layout().insertWidget(0, banner)
    banner.show()  # a layout shows new children only on a later event


def ensure_trusted(tab: QWidget, parent: QWidget) -> bool:
    """True when the tab may run; otherwise show the review (modal) and approve on the user's word."""
    if is_trusted(tab):
        return True
    from workbench.gui.sharing.review_dialog import TRUST, TrustReviewDialog

    trust = trust_of(tab)
    dialog = TrustReviewDialog(trust.name, trust.source, trust.fingerprint, trust.review, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.choice == TRUST:
        approve(tab)
        return True
    return False


class UntrustedBanner(QFrame):
    """A strip above the canvas saying why the pipeline will not run yet, with the way out."""

    def __init__(self, tab: QWidget):
        super().__init__(tab)
        self.setObjectName("untrusted-banner")
        self.setStyleSheet("#untrusted-banner { background: #fff3cd; border-bottom: 1px solid #e0c36a; }"
                           "#untrusted-banner QLabel { color: #5c4400; }")
        trust = trust_of(tab)
        label = QLabel(f"Not trusted: <b>{trust.name}</b> came from {trust.source}. You can view and edit it; "
                       "its components will not run until you review and trust them.", wordWrap=True)
        self.review = QPushButton("Review and Trust\u2026")
        self.review.clicked.connect(lambda: ensure_trusted(tab, tab.window()))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(label, 1)
        layout.addWidget(self.review)
