"""What the window writes besides documents: the compiled KFP YAML and canvas images."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMainWindow

from workbench.atomic import write_atomic
from workbench.errors import WorkbenchError
from workbench.gui.compile_worker import Compiler
from workbench.gui.render import export_scene

STATUS_MS = 6000


class Outputs:
    def __init__(self, window: QMainWindow):
        self.window = window
        self.compiler = Compiler(window)
        self.compiler.compiled.connect(self._compiled)
        self.target: str | None = None

    def _suggest(self, suffix: str) -> str:
        document = self.window.current.document
        stem = Path(document.path).with_suffix(suffix) if document.path else Path(f"{document.graph.name}{suffix}")
        return str(stem)

    def compile_to_file(self) -> None:
        """Compile on the worker thread; the file is written when the result arrives."""
        if self.window.current is None:
            return
        path, _ = QFileDialog.getSaveFileName(self.window, "Compile to KFP pipeline YAML", self._suggest(".yaml"),
                                              "KFP pipeline YAML (*.yaml)")
        if path:
            self.compile_to(path)

    def compile_to(self, path: str) -> None:
        self.target = path
        self.window.statusBar().showMessage("Compiling\u2026")
        self.compiler.start(self.window.current.document.graph)

    def _compiled(self, text: str, error: str) -> None:
        target, self.target = self.target, None
        if target is None:
            return
        if error:
            self.window.show_error("Cannot compile", WorkbenchError(error))
            return
        try:
            write_atomic(target, text)
        except OSError as exc:
            self.window.show_error("Cannot write the YAML", WorkbenchError(exc.strerror or str(exc), path=target))
            return
        self.window.statusBar().showMessage(f"Compiled to {target}", STATUS_MS)

    def export_canvas(self, kind: str) -> None:
        if self.window.current is None:
            return
        path, _ = QFileDialog.getSaveFileName(self.window, f"Export canvas as {kind.upper()}",
                                              self._suggest(f".{kind}"), f"{kind.upper()} image (*.{kind})")
        if not path:
            return
        if not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        try:
            export_scene(self.window.current.scene, path)
        except WorkbenchError as exc:
            self.window.show_error("Cannot export", exc)
            return
        self.window.statusBar().showMessage(f"Exported {path}", STATUS_MS)
