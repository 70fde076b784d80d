"""The inspector dock: properties of the selected task or group, or of the pipeline when nothing
is selected. It rebuilds from the graph after each change, except while the user is typing in it
(so the cursor stays where it is), and always after the event that caused the change has returned:
the dropdown that edited the graph must outlive its own click (see deferred_rebuild)."""

from __future__ import annotations

from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QFormLayout, QLineEdit, QPlainTextEdit, QScrollArea,
                               QVBoxLayout, QWidget)

from workbench.gui.deferred_rebuild import DeferredRebuild, swap_page
from workbench.gui.editor_document import EditorDocument
from workbench.gui.group_inspector import GroupInspector
from workbench.gui.narrow_widgets import narrow_all
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
        self.rebuild = DeferredRebuild(self.refresh, self)
        holder = QWidget()
        self._layout = QVBoxLayout(holder)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.setWidget(holder)
        self.page: QWidget = swap_page(self._layout, None, QWidget())
        self._layout.addStretch(1)  # a short page sits at the top of a tall dock
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def set_document(self, document: EditorDocument | None) -> None:
        if self.document is not None:
            self.document.graph_changed.disconnect(self._graph_changed)
        self.document, self.selection = document, []
        if document is not None:
            document.graph_changed.connect(self._graph_changed)
        self.rebuild.request()

    def set_selection(self, ids: list[str]) -> None:
        self.selection = ids
        self.rebuild.request()

    def _typing_here(self) -> bool:
        focus = QApplication.focusWidget()
        return isinstance(focus, TYPING_WIDGETS) and self.isAncestorOf(focus)

    def _graph_changed(self, _change: str, _item: str) -> None:
        if self._typing_here():
            self._stale = True
            return
        self.rebuild.request()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._stale and not (new is not None and self.isAncestorOf(new)):
            self._stale = False
            self.rebuild.request()

    def refresh(self) -> None:
        """Replace the page now; call it only from outside the page's own events (the deferred
        rebuild does), since the old page is hidden at once."""
        self._stale = False
        self.rebuild.cancel()
        page = self._new_page()
        narrow_all(page)  # the dock's width is the layout's, never the page's
        self.page = swap_page(self._layout, self.page, page)

    def _new_page(self) -> QWidget:
        document = self.document
        if document is None:
            return QWidget()
        graph = document.graph
        live = [s for s in self.selection if s in graph.nodes or s in graph.groups]
        if len(live) == 1 and live[0] in graph.nodes:
            return NodeInspector(document, live[0])
        if len(live) == 1:
            return GroupInspector(document, live[0])
        return PipelineInspector(document)
