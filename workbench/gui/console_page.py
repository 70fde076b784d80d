"""Open a remote run's page in the Vertex AI console or the Kubeflow Pipelines UI, in the user's
browser. The address is built from the run's recorded target (no network call); a local run has
no such page and says so. For the run history and run views: `open_console_page(record, parent)`."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.errors import WorkbenchError


def console_address(record) -> str:
    """The page of a remote run (`RunRecord`); WorkbenchError for a local run."""
    from workbench.runs.remote.tracking import console_url

    return console_url(record)


def open_console_page(record, parent: QWidget | None = None) -> str | None:
    """Open the page in the browser and return its address; None (after a message) when there is none."""
    try:
        url = console_address(record)
    except WorkbenchError as exc:
        QMessageBox.information(parent, "No console page", str(exc))
        return None
    if not QDesktopServices.openUrl(QUrl(url)):
        QMessageBox.information(parent, "Console page", f"No browser could be started. The run's page is:\n\n{url}")
    return url
