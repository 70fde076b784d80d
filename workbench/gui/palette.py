"""The component palette: a tree by category with a search box; entries drag onto the canvas."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from workbench.gui.canvas.view import COMPONENT_MIME
from workbench.components.google_cloud import CATEGORY as GOOGLE_CLOUD, available
from workbench.errors import WorkbenchError
from workbench.gui.catalog import CatalogEntry, ComponentCatalog, google_cloud_entries
from workbench.gui.icons import category_icon
from workbench.gui.jobs import Jobs
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
        self.jobs = Jobs(self)
        # The Google Cloud category is built on first expand or search: absent, idle, loading, loaded, failed
        self.google_cloud = "idle" if available() else "absent"
        self.google_cloud_note = "expand to load"
        self.search.textChanged.connect(self._filter)
        self.tree.itemActivated.connect(self._activate)
        self.tree.itemExpanded.connect(self._expanded)
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
        if self.google_cloud in ("idle", "loading", "failed"):
            self._add_google_cloud_placeholder()
        self._filter(self.search.text())

    def _add_google_cloud_placeholder(self) -> None:
        parent = QTreeWidgetItem(self.tree, [GOOGLE_CLOUD])
        parent.setIcon(0, category_icon(GOOGLE_CLOUD))
        parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
        QTreeWidgetItem(parent, [self.google_cloud_note]).setFlags(Qt.ItemFlag.NoItemFlags)

    def _expanded(self, item: QTreeWidgetItem) -> None:
        if item.text(0) == GOOGLE_CLOUD and item.parent() is None:
            self.load_google_cloud()

    def load_google_cloud(self) -> None:
        """Build the Google Cloud category off the GUI thread (seconds the first time, then cached)."""
        if self.google_cloud not in ("idle", "failed"):
            return
        self.google_cloud, self.google_cloud_note = "loading", "loading\u2026"
        self.jobs.run(google_cloud_entries, self._google_cloud_loaded, self._google_cloud_failed)
        self.refresh()

    def _google_cloud_loaded(self, entries: list[CatalogEntry]) -> None:
        self.google_cloud = "loaded"
        self.catalog.add_loaded_later(entries)
        self.refresh()

    def _google_cloud_failed(self, error: WorkbenchError) -> None:
        self.google_cloud, self.google_cloud_note = "failed", f"could not load: {error}"
        self.refresh()

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        if needle and self.google_cloud == "idle":
            self.load_google_cloud()
            return
        for index in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(index)
            visible = 0
            for row in range(parent.childCount()):
                child = parent.child(row)
                entry = self.catalog.find(child.data(0, KEY_ROLE))
                match = (entry is None or not needle  # the Google Cloud placeholder stays visible
                         or needle in f"{entry.spec.name} {entry.spec.description} {entry.category}".lower())
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
