"""Right-clicks as a user makes them and picks in the popup menu that opens (with mouse clicks on
its entries), for GUI tests and the exerciser."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QWidget

WAIT_MS = 3000


def entry_text(action) -> str:
    """An entry's text as a user reads it: no mnemonic, no shortcut column."""
    return action.text().split("\t")[0].replace("&", "")


def entries(menu: QMenu) -> list:
    return [a for a in menu.actions() if not a.isSeparator()]


def right_click(widget: QWidget, pos: QPoint) -> None:
    """Press, context-menu event, release: the order X11 delivers them in (the menu opens on the press)."""
    QTest.mousePress(widget, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, pos)
    QApplication.sendEvent(widget, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, widget.mapToGlobal(pos)))
    QTest.mouseRelease(widget, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, pos)


def click_entry(menu: QMenu, action) -> None:
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     menu.actionGeometry(action).center())


def when_menu_opens(handle) -> None:
    """Call `handle(menu)` once a popup menu is open (polling, as the menu opens inside the click)."""
    clock = QElapsedTimer()
    clock.start()

    def poll() -> None:
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu) and menu.isVisible():
            handle(menu)
        elif clock.elapsed() < WAIT_MS:
            QTimer.singleShot(10, poll)
    QTimer.singleShot(0, poll)


def menu_key(widget: QWidget) -> None:
    """The keyboard's Menu key as the platform reports it: a context-menu event of reason Keyboard."""
    pos = widget.rect().topLeft()
    QApplication.sendEvent(widget, QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, pos, widget.mapToGlobal(pos)))


def open_menu(widget: QWidget, pos: QPoint | None, pick: str | int | None = None) -> dict:
    """Right-click `widget` at `pos`; in the menu click the entry named `pick` (or at that index among
    the non-separator entries), or close the menu when `pick` is None or the entry is disabled.
    `pos` None presses the Menu key instead. Returns what the menu showed: {"entries": [text],
    "enabled": {text: bool}, "tips": {text: tooltip}, "checked": {text: bool}, "picked": text or None}."""
    seen: dict = {"entries": [], "enabled": {}, "tips": {}, "checked": {}, "picked": None}

    def handle(menu: QMenu) -> None:
        actions = entries(menu)
        for action in actions:
            text = entry_text(action)
            seen["entries"].append(text)
            seen["enabled"][text] = action.isEnabled()
            seen["tips"][text] = action.toolTip()
            if action.isCheckable():
                seen["checked"][text] = action.isChecked()
        chosen = None
        if isinstance(pick, int):
            chosen = actions[pick] if pick < len(actions) else None
        elif pick is not None:
            chosen = next((a for a in actions if entry_text(a) == pick), None)
        if chosen is not None and chosen.isEnabled():
            seen["picked"] = entry_text(chosen)
            click_entry(menu, chosen)
        else:
            QTest.keyClick(menu, Qt.Key.Key_Escape)
    when_menu_opens(handle)
    right_click(widget, pos) if pos is not None else menu_key(widget)
    QApplication.processEvents()
    return seen
