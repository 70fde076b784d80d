"""Sizes and colours of canvas items. Colours derive from the application palette so the canvas
follows the system light / dark theme; port colours tell KFP types apart."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from workbench.compiler.layout import (GROUP_HEADER, GROUP_PADDING, HEADER_HEIGHT, NODE_HEIGHT, NODE_WIDTH, PORT_ROW,
                                       STATUS_HEIGHT, node_height)

__all__ = ["NODE_WIDTH", "NODE_HEIGHT", "GROUP_PADDING", "GROUP_HEADER", "PORT_ROW", "HEADER_HEIGHT",
           "STATUS_HEIGHT", "PORT_RADIUS", "GRID", "type_color", "is_dark", "palette_color", "STATE_COLORS",
           "KIND_COLORS", "frame_title_color", "node_height"]

PORT_RADIUS = 5.0
GRID = 20.0

# One set for both themes: each reads at 3:1 or better against the canvas and node backgrounds of
# the light and of the dark theme (mid-tone luminance); white state text reads at 4.5:1 on each
# state colour. tests/gui/test_theme.py measures them on a rendered canvas.
_TYPE_COLORS = {
    "String": "#369156", "Integer": "#2e7ed1", "Float": "#6468d8", "Boolean": "#b37519",
    "List": "#9a52c7", "Dict": "#b5488f", "PipelineTaskFinalStatus": "#7a7a7a",
    "system.Dataset": "#d1603d", "system.Model": "#c74747", "system.Metrics": "#1c9191",
    "system.ClassificationMetrics": "#1c9191", "system.SlicedClassificationMetrics": "#1c9191",
    "system.HTML": "#8d6e63", "system.Markdown": "#8d6e63", "system.Artifact": "#828282",
}
UNKNOWN_TYPE_COLOR = "#828282"

STATE_COLORS = {
    "pending": "#737373", "running": "#2a74c0", "succeeded": "#30824d", "failed": "#c93434",
    "skipped": "#66707c", "cancelled": "#9d6616", "cached": "#198080",
}

KIND_COLORS = {"loop": "#2f7fd1", "condition": "#b37519", "exit_handler": "#9a52c7"}


def type_color(type_name: str) -> QColor:
    return QColor(_TYPE_COLORS.get(type_name.split("@")[0], UNKNOWN_TYPE_COLOR))


def palette_color(role: QPalette.ColorRole) -> QColor:
    return QGuiApplication.palette().color(role)


def is_dark() -> bool:
    return palette_color(QPalette.ColorRole.Window).lightness() < 128


def frame_title_color(kind: str) -> QColor:
    """A group frame's title: its kind colour, lightened on dark and darkened on light backgrounds."""
    color = QColor(KIND_COLORS[kind])
    return color.lighter(140) if is_dark() else color.darker(150)
