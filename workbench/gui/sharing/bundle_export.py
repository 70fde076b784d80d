"""File > Export Bundle: the current pipeline as one shareable zip. Exporting compiles the pipeline
and draws its picture in a child process (seconds), so it runs on a worker on a copy of the graph."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMainWindow

from workbench.errors import WorkbenchError
from workbench.gui.jobs import Jobs
from workbench.share.bundle import export_bundle

STATUS_MS = 8000
ZIP_FILTER = "Pipeline bundles (*.zip)"


class BundleExporter:
    def __init__(self, window: QMainWindow, jobs: Jobs, *, render: bool = True):
        self.window, self.jobs, self.render = window, jobs, render

    def export_dialog(self) -> None:
        tab = self.window.current
        if tab is None:
            return
        document = tab.document
        stem = Path(document.path).stem if document.path else document.graph.name
        start = str(Path(document.path).with_name(f"{stem}.zip")) if document.path else f"{stem}.zip"
        path, _ = QFileDialog.getSaveFileName(self.window, "Export bundle", start, ZIP_FILTER)
        if path:
            self.export_to(path if path.lower().endswith(".zip") else f"{path}.zip")

    def export_to(self, path: str) -> None:
        graph = self.window.current.document.graph.copy()  # the worker must not see later edits
        render = self.render
        self.window.statusBar().showMessage(f"Exporting bundle to {path}\u2026")
        self.jobs.run(lambda: export_bundle(graph, path, render=render), self._exported, self._failed)

    def _exported(self, path: Path) -> None:
        self.window.statusBar().showMessage(f"Exported bundle {path}", STATUS_MS)

    def _failed(self, error: WorkbenchError) -> None:
        self.window.show_error("Cannot export the bundle", error)
