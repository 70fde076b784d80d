"""Docks whose content can never widen the window: a panel that would need more room than its dock
has (a row of buttons, a long unwrapped line) scrolls inside the dock instead of pushing the dock,
the canvas and at last the window wider. Panels that scroll by themselves (lists, text views, the
inspector) go in as they are."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea, QDockWidget, QFrame, QMainWindow, QScrollArea, QWidget


def scrolling(panel: QWidget) -> QWidget:
    """`panel` itself when it scrolls already, else `panel` in a frameless scroll area that fits it
    to the dock and shows scroll bars only when the dock is smaller than the panel's minimum."""
    if isinstance(panel, QAbstractScrollArea):
        return panel
    area = QScrollArea()
    area.setObjectName(f"scroll-{panel.objectName() or type(panel).__name__}")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(panel)
    return area


def panel_dock(window: QMainWindow, object_name: str, title: str, panel: QWidget,
               area: Qt.DockWidgetArea) -> QDockWidget:
    """A dock for `panel` (see `scrolling`) added to `window` in `area`; `object_name` is the key the
    window's saved layouts know it by."""
    dock = QDockWidget(title, window)
    dock.setObjectName(object_name)
    dock.setWidget(scrolling(panel))
    window.addDockWidget(area, dock)
    return dock
