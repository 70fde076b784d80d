"""`workbench-gui [FILE ...]`: start the editor. Only Qt and the document model load here; kfp,
docker and aiplatform are imported when a feature first needs them."""

from __future__ import annotations

import argparse
import logging
import sys

from PySide6.QtWidgets import QApplication

from workbench import __version__
from workbench.gui import session_restore
from workbench.gui.autosave import Recovery, pending_recoveries
from workbench.gui.crash.error_reporter import ErrorReporter
from workbench.gui.crash.fault_log import CrashReport, FaultLog, archive, previous_crashes
from workbench.gui.crash.report_dialog import DISCARD, RECOVER, StartupReportDialog
from workbench.gui.main_window import MainWindow
from workbench.gui.editor_document import EditorDocument
from workbench.logs import configure_file_logging

log = logging.getLogger(__name__)


def recover(window: MainWindow, recoveries: list[Recovery]) -> int:
    """Open each recovery in a tab that keeps its recovery file; a file that cannot be read is set
    aside with a message. Returns how many opened."""
    recovered = 0
    for recovery in recoveries:
        try:
            graph = recovery.load()
        except Exception as exc:  # a damaged recovery file must not stop the app
            try:
                where = f"it was moved to {recovery.set_aside()}"
            except OSError as move_error:
                where = f"it could not be moved aside ({move_error.strerror}) and is offered again next time"
            log.warning("cannot recover %s: %s", recovery.document_file, exc)
            window.show_error("Cannot recover", ValueError(f"{recovery.document_file}: {exc}; {where}."))
            continue
        document = EditorDocument(graph, recovery.original_path)
        document.undo_stack.resetClean()  # unsaved: closing asks, saving ends the recovery
        reopened = window.tab_for_path(recovery.original_path)  # by the session, as last saved
        if reopened is not None and not reopened.document.modified:
            window.close_tab(reopened)
        window.add_document(document, recovery)
        recovered += 1
    return recovered


def startup_dialog(window: MainWindow, crashes: list[CrashReport],
                   recoveries: list[Recovery]) -> StartupReportDialog | None:
    return StartupReportDialog(crashes, recoveries, window) if crashes or recoveries else None


def settle_startup(window: MainWindow, dialog: StartupReportDialog, result: int, crashes: list[CrashReport]) -> int:
    """Act on the dialog's answer; returns how many documents were recovered."""
    for crash in crashes:
        archive(crash)
    if result == RECOVER:
        return recover(window, dialog.chosen())
    if result == DISCARD:
        for recovery in dialog.chosen():
            recovery.discard()
    return 0


def offer_recovery(window: MainWindow, crashes: list[CrashReport] | None = None) -> int:
    """After a crash, show what happened and offer the recovery files; returns how many reopened."""
    crashes = previous_crashes() if crashes is None else crashes
    dialog = startup_dialog(window, crashes, pending_recoveries())
    if dialog is None:
        return 0
    return settle_startup(window, dialog, dialog.exec(), crashes)


def build_window(files: list[str]) -> MainWindow:
    """The window with the last session's documents, its active tab and layout, plus `files` (the
    last of them active); an empty pipeline when nothing opened."""
    window = MainWindow()
    restored = session_restore.restore(window)
    for path in files:
        window.open_path(path)
    if not restored and window.current is None:
        window.new_document()
    window.keeps_session = True
    session_restore.remember(window)
    return window


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="workbench-gui", description="Design Kubeflow pipelines visually.")
    parser.add_argument("files", nargs="*", help=".wbp documents or KFP pipeline YAML files to open")
    parser.add_argument("--version", action="version", version=f"workbench-gui {__version__}")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Pipeline Workbench")
    app.setOrganizationName("pipeline-workbench")
    crashes = previous_crashes()  # before this session's own log exists
    fault_log = FaultLog()
    log_problem = fault_log.start()
    reporter = ErrorReporter(app, str(configure_file_logging()))
    reporter.install()
    window = build_window(args.files)
    window.show()
    if log_problem:
        window.statusBar().showMessage(log_problem, 30_000)
    offer_recovery(window, crashes)
    code = app.exec()
    reporter.uninstall()
    fault_log.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
