"""The component palette: a tree by category with a search box; entries drag onto the canvas."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from workbench.gui.canvas.view import COMPONENT_MIME
from workbench.gui.catalog import CatalogEntry, ComponentCatalog
from workbench.gui.icons import category_icon
KEY_ROLE = Qt.ItemDataRole.UserRole


def entry_tooltip(entry: CatalogEntry) -> str:
    spec = entry.spec
    ins = ", ".join(f"{p.name}: {p.type}" for p in spec.inputs) or "none"
    outs = ", ".join(f"{p.name}: {p.type}" for p in spec.outputs) or "none"
    return f"<b>{spec.name}</b><br>{spec.description}<br><i>inputs:</i> {ins}<br><i>outputs:</i> {outs}"


class _ComponentTree(QTreeWidget):
    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:
        data = QMimeData()
        keys = [i.data(0, KEY_ROLE) for i in items if i.data(0, KEY_ROLE)]
        if keys:
            data.setData(COMPONENT_MIME, keys[0].encode())
            data.setText(keys[0])
        return data

    def mimeTypes(self) -> list[str]:
        return [COMPONENT_MIME]


class ComponentPalette(QWidget):
    activated = Signal(str)  # a component key, on double-click or Enter: add it at the view centre

    def __init__(self, catalog: ComponentCatalog, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self.search = QLineEdit(placeholderText="Search components\u2026", clearButtonEnabled=True)
        self.tree = _ComponentTree()
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.search.textChanged.connect(self._filter)
        self.tree.itemActivated.connect(self._activate)
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        for category in self.catalog.categories():
            parent = QTreeWidgetItem(self.tree, [category])
            parent.setIcon(0, category_icon(category))
            parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for entry in self.catalog.entries:
                if entry.category == category:
                    child = QTreeWidgetItem(parent, [entry.spec.name])
                    child.setData(0, KEY_ROLE, entry.key)
                    child.setToolTip(0, entry_tooltip(entry))
                    child.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                                   | Qt.ItemFlag.ItemIsDragEnabled)
        self.tree.expandAll()
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for index in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(index)
            visible = 0
            for row in range(parent.childCount()):
                child = parent.child(row)
                entry = self.catalog.find(child.data(0, KEY_ROLE))
                match = not needle or needle in f"{entry.spec.name} {entry.spec.description} {entry.category}".lower()
                child.setHidden(not match)
                visible += match
            parent.setHidden(visible == 0)

    def item_for(self, key: str) -> QTreeWidgetItem | None:
        for index in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(index)
            for row in range(parent.childCount()):
                if parent.child(row).data(0, KEY_ROLE) == key:
                    return parent.child(row)
        return None

    def _activate(self, item: QTreeWidgetItem) -> None:
        key = item.data(0, KEY_ROLE)
        if key:
            self.activated.emit(key)
