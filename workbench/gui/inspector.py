"""The inspector dock: properties of the selected task or group, or of the pipeline when nothing
is selected. It rebuilds from the graph after each change, except while the user is typing in it
(so the cursor stays where it is)."""

from __future__ import annotations

from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QFormLayout, QLineEdit, QPlainTextEdit, QScrollArea,
                               QVBoxLayout, QWidget)

from workbench.gui.editor_document import EditorDocument
from workbench.gui.group_inspector import GroupInspector
from workbench.gui.node_inspector import NodeInspector

TYPING_WIDGETS = (QLineEdit, QPlainTextEdit, QAbstractSpinBox)


class PipelineInspector(QWidget):
    def __init__(self, document: EditorDocument, parent: QWidget | None = None):
        super().__init__(parent)
        graph = document.graph
        form = QFormLayout(self)
        name = QLineEdit(graph.name)
        description = QPlainTextEdit(graph.description)
        description.setFixedHeight(90)
        name.textEdited.connect(lambda text: document.set_pipeline_info(text, graph.description))
        description.textChanged.connect(lambda: document.set_pipeline_info(graph.name, description.toPlainText()))
        form.addRow("Pipeline name", name)
        form.addRow("Description", description)


class Inspector(QScrollArea):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.document: EditorDocument | None = None
        self.selection: list[str] = []
        self._stale = False
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self._show_empty()

    def _show_empty(self) -> None:
        self.setWidget(QWidget())

    def set_document(self, document: EditorDocument | None) -> None:
        if self.document is not None:
            self.document.graph_changed.disconnect(self._graph_changed)
        self.document, self.selection = document, []
        if document is not None:
            document.graph_changed.connect(self._graph_changed)
        self.refresh()

    def set_selection(self, ids: list[str]) -> None:
        self.selection = ids
        self.refresh()

    def _typing_here(self) -> bool:
        focus = QApplication.focusWidget()
        return isinstance(focus, TYPING_WIDGETS) and self.isAncestorOf(focus)

    def _graph_changed(self, _change: str, _item: str) -> None:
        if self._typing_here():
            self._stale = True
            return
        self.refresh()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._stale and not (new is not None and self.isAncestorOf(new)):
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        document = self.document
        if document is None:
            self._show_empty()
            return
        graph = document.graph
        live = [s for s in self.selection if s in graph.nodes or s in graph.groups]
        if len(live) == 1 and live[0] in graph.nodes:
            page = NodeInspector(document, live[0])
        elif len(live) == 1:
            page = GroupInspector(document, live[0])
        else:
            page = PipelineInspector(document)
        container = QWidget()
        layout = QVBoxLayout(container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page)
        self.setWidget(container)
