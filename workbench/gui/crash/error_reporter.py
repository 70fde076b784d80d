"""Uncaught Python exceptions (in a slot, a paint, a worker thread) are logged and shown in an
error dialog with the traceback behind "Details"; they never end the app. The dialog opens after
the failing event has returned, and errors that arrive while it is open are added to it rather
than stacking dialogs."""

from __future__ import annotations

import logging
import sys
import threading
import traceback

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

log = logging.getLogger(__name__)
MAX_DETAILS = 20_000


class ErrorReporter(QObject):
    """Installs sys.excepthook and threading.excepthook for the app's lifetime. `count` is how many
    uncaught exceptions it has seen (the exerciser and the random walk assert it stays 0)."""

    reported = Signal(str, str)  # summary, traceback text; queued onto the GUI thread

    def __init__(self, parent: QObject | None = None, log_file: str = ""):
        super().__init__(parent)
        self.log_file = log_file  # named in the dialog so a user can send it
        self.count = 0
        self.pending: list[tuple[str, str]] = []
        self.dialog: QMessageBox | None = None
        self.reported.connect(self._queue)
        self._previous = (sys.excepthook, threading.excepthook)

    def install(self) -> None:
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def _excepthook(self, kind, value, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        self._report(kind, value, tb, "")

    def _thread_excepthook(self, args) -> None:
        if args.exc_type is SystemExit:
            return
        self._report(args.exc_type, args.exc_value, args.exc_traceback,
                     f" in thread {args.thread.name if args.thread else '?'}")

    def _report(self, kind, value, tb, where: str) -> None:
        self.count += 1
        log.error("uncaught exception%s", where, exc_info=(kind, value, tb))
        details = "".join(traceback.format_exception(kind, value, tb))
        self.reported.emit(f"{kind.__name__}{where}: {value}", details[-MAX_DETAILS:])

    def _queue(self, summary: str, details: str) -> None:
        self.pending.append((summary, details))
        if self.dialog is None:
            QTimer.singleShot(0, self._show)
        else:
            self._fill(self.dialog)

    def _show(self) -> None:
        if self.dialog is not None or not self.pending:
            return
        parent = QApplication.activeWindow()
        dialog = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error",
                             "Something went wrong. Your documents are unchanged; the last action may "
                             "not have finished. Details are in the log"
                             + (f": {self.log_file}" if self.log_file else "") + ".",
                             QMessageBox.StandardButton.Ok, parent if isinstance(parent, QWidget) else None)
        self.dialog = dialog
        self._fill(dialog)
        dialog.finished.connect(self._closed)
        dialog.open()

    def _fill(self, dialog: QMessageBox) -> None:
        summaries = [s for s, _ in self.pending]
        dialog.setInformativeText("\n".join(summaries[:5]) + (f"\n(and {len(summaries) - 5} more)"
                                                             if len(summaries) > 5 else ""))
        dialog.setDetailedText("\n".join(d for _, d in self.pending)[-MAX_DETAILS:])

    def _closed(self) -> None:
        self.pending.clear()
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None
