"""The problems panel: validation diagnostics; activating one selects its element on the canvas.
Validation is cheap (pure Python over the graph) and runs shortly after edits settle."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyle, QWidget

from workbench.gui.editor_document import EditorDocument
from workbench.model.validate import Diagnostic, element_label, validate

ELEMENT_ROLE = Qt.ItemDataRole.UserRole
SETTLE_MS = 300


class ProblemsPanel(QListWidget):
    element_activated = Signal(str)
    counts_changed = Signal(int, int)  # errors, warnings

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.document: EditorDocument | None = None
        self.diagnostics: list[Diagnostic] = []
        self._timer = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._timer.timeout.connect(self.run)
        self.itemActivated.connect(self._activate)
        self.itemClicked.connect(self._activate)

    def sizeHint(self) -> QSize:
        return QSize(600, 110)

    def set_document(self, document: EditorDocument | None) -> None:
        if self.document is not None:
            self.document.graph_changed.disconnect(self._schedule)
        self.document = document
        if document is not None:
            document.graph_changed.connect(self._schedule)
        self.run()

    def _schedule(self, *_args) -> None:
        self._timer.start()

    def run(self) -> list[Diagnostic]:
        """Validate now and list the result (the Validate action calls this)."""
        self.clear()
        self.diagnostics = validate(self.document.graph) if self.document else []
        error_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        warning_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for diagnostic in self.diagnostics:
            text = f"{element_label(self.document.graph, diagnostic.element)}: {diagnostic.message}"
            item = QListWidgetItem(error_icon if diagnostic.severity == "error" else warning_icon, text)
            item.setData(ELEMENT_ROLE, diagnostic.element)
            item.setToolTip(text)
            self.addItem(item)
        if self.document is not None and not self.diagnostics:
            self.addItem(QListWidgetItem(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton),
                                         "No problems"))
        errors = sum(d.severity == "error" for d in self.diagnostics)
        self.counts_changed.emit(errors, len(self.diagnostics) - errors)
        return self.diagnostics

    def _activate(self, item: QListWidgetItem) -> None:
        element = item.data(ELEMENT_ROLE)
        if element:
            self.element_activated.emit(element)
