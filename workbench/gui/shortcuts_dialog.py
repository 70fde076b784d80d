"""Help > Keyboard Shortcuts: every command of the window's menus with its shortcuts and menu,
read from the actions themselves (no list kept by hand), filtered as you type."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QLineEdit,
                               QMainWindow, QMenu, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

COLUMNS = ("Command", "Shortcut", "Menu")
MENU_SEPARATOR = " \u25b8 "


def plain(text: str) -> str:
    """Menu text without mnemonics, ellipsis or a shortcut after a tab."""
    return text.split("\t")[0].replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("\u2026").strip()


def shortcut_text(action: QAction) -> str:
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())


def command_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(command, shortcuts, menu path) for each menu command in menu order, then the window's actions
    with a shortcut that are in no menu. Entries a menu makes for itself (recent files) are content,
    not commands, and are left out."""
    rows: list[tuple[str, str, str]] = []
    seen: set[QAction] = set()

    def walk(menu: QMenu, path: list[str]) -> None:
        for action in menu.actions():
            if action.isSeparator() or isinstance(action.parent(), QMenu) and action.menu() is None:
                continue
            if action.menu() is not None:
                walk(action.menu(), [*path, plain(action.text())])
                continue
            seen.add(action)
            rows.append((plain(action.text()), shortcut_text(action), MENU_SEPARATOR.join(path)))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), [plain(top.text())])
    for action in window.actions():
        if action not in seen and action.shortcuts():
            rows.append((plain(action.text()), shortcut_text(action), "(no menu)"))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow, parent: QWidget | None = None):
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard Shortcuts")
        self.search = QLineEdit(placeholderText="Filter: command, key or menu (e.g. wrap, ctrl+s, view)",
                                clearButtonEnabled=True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.count = QLabel()
        hint = QLabel("On the canvas: drag from an output port to connect, double-click empty space to add a "
                      "component, right-click for a menu, wheel to zoom, middle button or Space + drag to pan.")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.search, self.table, self.count, hint, buttons):
            layout.addWidget(widget)
        self.search.textChanged.connect(self._filter)
        self.main_window = window
        self.resize(660, 620)

    def fill(self, window: QMainWindow) -> None:
        rows = command_rows(window)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            for column, text in enumerate(row):
                self.table.setItem(index, column, QTableWidgetItem(text))
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        needles = text.lower().split()
        shown = 0
        for row in range(self.table.rowCount()):
            haystack = " ".join(self.table.item(row, c).text().lower() for c in range(len(COLUMNS)))
            hidden = not all(n in haystack for n in needles)
            self.table.setRowHidden(row, hidden)
            shown += not hidden
        self.count.setText(f"{shown} of {self.table.rowCount()} commands")

    def visible_commands(self) -> list[str]:
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount()) if not self.table.isRowHidden(r)]

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.fill(self.main_window)
        self.search.setFocus()
        self.search.selectAll()

