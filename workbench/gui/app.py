"""`workbench-gui [FILE ...]`: start the editor. Only Qt and the document model load here; kfp,
docker and aiplatform are imported when a feature first needs them."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from workbench import __version__
from workbench.gui.autosave import pending_recoveries
from workbench.gui.main_window import MainWindow
from workbench.gui.editor_document import EditorDocument


def offer_recovery(window: MainWindow) -> int:
    """After a crash, ask whether to reopen what the recovery files hold; returns how many were."""
    recoveries = pending_recoveries()
    if not recoveries:
        return 0
    names = "\n".join(r.original_path or "(never saved)" for r in recoveries)
    answer = QMessageBox.question(window, "Recover unsaved work",
                                  f"Workbench closed without saving {len(recoveries)} document(s):\n\n{names}\n\n"
                                  "Recover them?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    recovered = 0
    for recovery in recoveries:
        if answer == QMessageBox.StandardButton.Yes:
            try:
                graph = recovery.load()
            except Exception as exc:  # a damaged recovery file must not stop the app
                window.show_error("Cannot recover", exc)
                continue
            document = EditorDocument(graph, recovery.original_path)
            document.undo_stack.resetClean()
            window.add_document(document)
            recovered += 1
        recovery.discard()
    return recovered


def build_window(files: list[str]) -> MainWindow:
    window = MainWindow()
    for path in files:
        window.open_path(path)
    if not files:
        window.new_document()
    return window


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="workbench-gui", description="Design Kubeflow pipelines visually.")
    parser.add_argument("files", nargs="*", help=".wbp documents or KFP pipeline YAML files to open")
    parser.add_argument("--version", action="version", version=f"workbench-gui {__version__}")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Pipeline Workbench")
    app.setOrganizationName("pipeline-workbench")
    window = build_window(args.files)
    window.show()
    offer_recovery(window)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
