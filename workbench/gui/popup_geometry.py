"""Where a popup opened at a point goes so that all of it stays visible: inside the window it
belongs to (or the screen, when the window is too small for it), opening up and to the left of
the point when there is no room below and to the right, as menus do."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def available_area(anchor: QPoint, owner: QWidget | None) -> QRect:
    """The owner's window on its screen; the screen alone when they do not overlap."""
    screen = QGuiApplication.screenAt(anchor) or (owner.screen() if owner is not None else None) \
        or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    if owner is not None:
        window = owner.window().geometry()
        inside = window.intersected(area)
        if not inside.isEmpty():
            return inside
    return area


def popup_rect(anchor: QPoint, wanted: QSize, area: QRect, minimum: QSize = QSize(200, 160)) -> QRect:
    """A rect of `wanted` size (shrunk to `area`) with a corner at `anchor`, inside `area`."""
    width = min(wanted.width(), max(area.width(), minimum.width()))
    height = min(wanted.height(), max(area.height(), minimum.height()))
    x = anchor.x() if anchor.x() + width <= area.right() + 1 else anchor.x() - width
    y = anchor.y() if anchor.y() + height <= area.bottom() + 1 else anchor.y() - height
    x = max(area.left(), min(x, area.right() + 1 - width))
    y = max(area.top(), min(y, area.bottom() + 1 - height))
    return QRect(x, y, width, height)


def place_popup(popup: QWidget, anchor: QPoint, wanted: QSize) -> None:
    """Move and size `popup` (a top-level popup window) to open at `anchor`, fully visible."""
    rect = popup_rect(anchor, wanted, available_area(anchor, popup.parentWidget()))
    popup.resize(rect.size())
    popup.move(rect.topLeft())
