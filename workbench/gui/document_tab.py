"""One tab: a document's canvas (scene + view) and the canvas edits that need a selection."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QVBoxLayout, QWidget

from workbench.compiler.layout import auto_layout
from workbench.gui.canvas.scene import PipelineScene
from workbench.gui.canvas.style import GRID
from workbench.gui.canvas.view import PipelineView
from workbench.gui.catalog import ComponentCatalog
from workbench.gui.editor_document import EditorDocument
from workbench.gui.quick_add import QuickAddPopup, compatible_input

class DocumentTab(QWidget):
    status_message = Signal(str)

    def __init__(self, document: EditorDocument, catalog: ComponentCatalog, parent: QWidget | None = None):
        super().__init__(parent)
        self.document, self.catalog = document, catalog
        self.scene = PipelineScene(document, self)
        self.view = PipelineView(self.scene, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.view.component_dropped.connect(self.add_component)
        self.scene.quick_add_requested.connect(self.open_quick_add)
        self.scene.status_message.connect(self.status_message)
        self.quick_add: QuickAddPopup | None = None

    # ----- adding ------------------------------------------------------------------------------

    def add_component(self, key: str, position: QPointF | None = None) -> str | None:
        entry = self.catalog.find(key)
        if entry is None:
            self.status_message.emit(f"unknown component {key!r}")
            return None
        if position is None:
            position = self.view.mapToScene(self.view.viewport().rect().center())
        spec = self.document.graph.components.get(key) or entry.spec
        if key in self.document.graph.components and spec.to_dict() != entry.spec.to_dict():
            key, spec = self._free_key(key), entry.spec
        snapped = (round(position.x() / GRID) * GRID, round(position.y() / GRID) * GRID)
        group = self.scene.group_at(position)
        node_id = self.document.add_component_node(key, spec, snapped, group)
        self.scene.select_ids([node_id])
        return node_id

    def _free_key(self, key: str) -> str:
        index = 2
        while f"{key}-{index}" in self.document.graph.components:
            index += 1
        return f"{key}-{index}"

    def open_quick_add(self, position: QPointF, source: tuple[str, str] | None) -> QuickAddPopup:
        graph = self.document.graph
        port = graph.component_of(source[0]).output(source[1]) if source else None
        popup = QuickAddPopup(self.catalog.entries, port, self)
        popup.accepted.connect(lambda: self._quick_added(popup, position, source))
        self.quick_add = popup
        popup.popup_at(self.view.viewport().mapToGlobal(self.view.mapFromScene(position)))
        return popup

    def _quick_added(self, popup: QuickAddPopup, position: QPointF, source: tuple[str, str] | None) -> None:
        entry = popup.chosen
        if entry is None:
            return
        at = QPointF(position.x() + (40 if source else 0), position.y() - 20)
        self.document.undo_stack.beginMacro(f"Quick-add {entry.spec.name}")
        node_id = self.add_component(entry.key, at)
        if source and node_id:
            source_port = self.document.graph.component_of(source[0]).output(source[1])
            input_name = compatible_input(self.document.graph.component_of(node_id), source_port)
            if input_name:
                self.document.connect_ports(source[0], source[1], node_id, input_name)
        self.document.undo_stack.endMacro()

    # ----- selection edits ---------------------------------------------------------------------

    def selected(self) -> list[str]:
        return self.scene.selected_ids()

    def copy(self) -> bool:
        nodes = self._selected_nodes()
        if not nodes:
            return False
        QGuiApplication.clipboard().setText(self.document.copy_text(nodes))
        return True

    def cut(self) -> None:
        if self.copy():
            self.delete()

    def paste(self, at: QPointF | None = None) -> list[str]:
        """Paste beside the copied tasks, or with the top-left pasted task at `at` (snapped to the grid)."""
        point = (round(at.x() / GRID) * GRID, round(at.y() / GRID) * GRID) if at is not None else None
        new_ids = self.document.paste_text(QGuiApplication.clipboard().text(), at=point)
        if not new_ids:
            self.status_message.emit("the clipboard holds no pipeline tasks")
        self.scene.select_ids(new_ids)
        return new_ids

    def duplicate(self) -> list[str]:
        nodes = self._selected_nodes()
        new_ids = self.document.paste_text(self.document.copy_text(nodes)) if nodes else []
        self.scene.select_ids(new_ids)
        return new_ids

    def delete(self) -> None:
        edges = self.scene.selected_edges()
        ids = self.selected()
        if edges and not ids:
            self.document.undo_stack.beginMacro("Delete connection")
            for edge in edges:
                self.document.set_binding(edge.target, edge.input_name, None)
            self.document.undo_stack.endMacro()
            return
        self.document.delete(ids)

    def select_all(self) -> None:
        self.scene.select_ids(list(self.document.graph.nodes))

    def _selected_nodes(self) -> list[str]:
        graph = self.document.graph
        ids = self.selected()
        return list(dict.fromkeys([i for i in ids if i in graph.nodes]
                                  + [n for g in ids if g in graph.groups for n in graph.nodes_in(g)]))

    def align(self, edge: str) -> None:
        graph = self.document.graph
        nodes = self._selected_nodes()
        if len(nodes) < 2:
            self.status_message.emit("select two or more tasks to align")
            return
        axis = 0 if edge == "left" else 1
        line = min(graph.nodes[n].position[axis] for n in nodes)
        positions = {n: (line, graph.nodes[n].position[1]) if axis == 0 else (graph.nodes[n].position[0], line)
                     for n in nodes}
        self.document.apply_positions(positions, f"Align {edge}")

    def auto_layout(self) -> None:
        laid_out = self.document.graph.copy()
        auto_layout(laid_out)
        self.document.apply_positions({n.id: tuple(n.position) for n in laid_out.nodes.values()}, "Auto-layout")
        self.view.fit()

    def wrap(self, kind: str) -> str | None:
        ids = self.selected()
        problem = self.document.wrap_problem(ids, kind)
        if problem:
            self.status_message.emit(problem)
            return None
        group_id = self.document.wrap(ids, kind)
        self.scene.select_ids([group_id])
        return group_id

    def unwrap(self) -> None:
        groups = [g for g in self.selected() if g in self.document.graph.groups]
        if not groups:
            self.status_message.emit("select a loop, condition or exit handler frame to unwrap")
            return
        self.document.undo_stack.beginMacro("Unwrap")
        for group_id in groups:
            self.document.unwrap(group_id)
        self.document.undo_stack.endMacro()

    def find(self, text: str) -> int:
        """Select the tasks whose name or label contains `text` and show them."""
        needle = text.strip().lower()
        found = [n.id for n in self.document.graph.nodes.values()
                 if needle and (needle in n.name.lower() or needle in n.label.lower())]
        self.scene.select_ids(found)
        if found:
            self.view.centerOn(self.scene.nodes[found[0]])
        return len(found)

    def zoom_to_selection(self) -> None:
        if not self.view.fit_selection():
            self.status_message.emit("select tasks or frames to zoom to them")

    def reveal(self, element: str) -> None:
        """Select a node or group (from the problems panel) and scroll to it."""
        self.scene.select_ids([element])
        item = self.scene.nodes.get(element) or self.scene.frames.get(element)
        if item is not None:
            self.view.centerOn(item)
