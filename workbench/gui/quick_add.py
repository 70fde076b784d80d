"""Quick-add: a search popup at the mouse (as in Orange's quick menu). Opened by double-clicking
empty canvas or dropping a dangling edge; in the second case it lists only components with an
input that output can feed. It opens fully inside the window (or screen); its list scrolls."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from workbench.components.spec import ComponentSpec, Port
from workbench.gui.catalog import CatalogEntry
from workbench.gui.icons import category_icon
from workbench.gui.popup_geometry import place_popup
from workbench.model.types import is_compatible


def compatible_input(spec: ComponentSpec, source: Port | None) -> str | None:
    """The first input of `spec` that `source` may feed (None when it has none)."""
    if source is None:
        return None
    return next((p.name for p in spec.inputs if is_compatible(source.type, p.type)), None)


SIZE = QSize(320, 360)


class QuickAddPopup(QDialog):
    def __init__(self, entries: list[CatalogEntry], source: Port | None = None, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setWindowTitle("Add component")
        self.chosen: CatalogEntry | None = None
        self.search = QLineEdit(placeholderText="Type to search\u2026")
        self.list = QListWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.resize(SIZE)
        for entry in entries:
            if source is not None and compatible_input(entry.spec, source) is None:
                continue
            item = QListWidgetItem(category_icon(entry.category), f"{entry.spec.name}  \u2014  {entry.category}")
            item.setData(Qt.ItemDataRole.UserRole, entry)
            self.list.addItem(item)
        self.search.textChanged.connect(self._filter)
        self.list.itemActivated.connect(self._choose)
        self.search.returnPressed.connect(self._choose_current)
        self._filter("")

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        first = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = bool(needle) and needle not in item.text().lower()
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        self.list.setCurrentItem(first)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.search.hasFocus():
            self.list.keyPressEvent(event)
            return
        super().keyPressEvent(event)

    def _choose_current(self) -> None:
        if self.list.currentItem() is not None:
            self._choose(self.list.currentItem())

    def _choose(self, item: QListWidgetItem) -> None:
        self.chosen = item.data(Qt.ItemDataRole.UserRole)
        self.accept()

    def popup_at(self, global_pos: QPoint) -> None:
        place_popup(self, global_pos, SIZE)
        self.search.setFocus()
        self.open()
