"""The compiled YAML preview: the IR the pipeline compiles to, refreshed off the GUI thread a
moment after edits settle (only while the dock is visible), or on demand."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from workbench.gui.compile_worker import Compiler
from workbench.gui.elided_label import ElidedLabel
from workbench.gui.editor_document import EditorDocument
from workbench.gui.theme import error_text_color

SETTLE_MS = 800


class YamlPreview(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.document: EditorDocument | None = None
        self.compiler = Compiler(self)
        self.compiler.compiled.connect(self._show)
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.state = ElidedLabel()  # a long compile error must not widen the dock
        refresh = QPushButton("Compile now")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.state, 1)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.text)
        self._timer = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._timer.timeout.connect(self.refresh)
        self._dirty = True

    def set_document(self, document: EditorDocument | None) -> None:
        if self.document is not None:
            self.document.graph_changed.disconnect(self._changed)
        self.document = document
        self.text.clear()
        if document is not None:
            document.graph_changed.connect(self._changed)
        self._changed()

    def _changed(self, *_args) -> None:
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self._timer.start()

    def refresh(self) -> None:
        if self.document is None:
            return
        self._dirty = False
        self.state.setStyleSheet("")
        self.state.setText("compiling\u2026")
        self.compiler.start(self.document.graph)

    def _show(self, text: str, error: str) -> None:
        if error:
            self.state.setStyleSheet(f"color: {error_text_color()}")
            self.state.setText(error)
            return
        self.state.setStyleSheet("")
        self.state.setText("compiled KFP pipeline spec (IR YAML)")
        scroll = self.text.verticalScrollBar().value()
        self.text.setPlainText(text)
        self.text.verticalScrollBar().setValue(scroll)
