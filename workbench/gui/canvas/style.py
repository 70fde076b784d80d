"""Sizes and colours of canvas items. Colours derive from the application palette so the canvas
follows the system light / dark theme; port colours tell KFP types apart."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from workbench.compiler.layout import (GROUP_HEADER, GROUP_PADDING, HEADER_HEIGHT, NODE_HEIGHT, NODE_WIDTH, PORT_ROW,
                                       STATUS_HEIGHT, node_height)

__all__ = ["NODE_WIDTH", "NODE_HEIGHT", "GROUP_PADDING", "GROUP_HEADER", "PORT_ROW", "HEADER_HEIGHT",
           "STATUS_HEIGHT", "PORT_RADIUS", "GRID", "type_color", "is_dark", "palette_color", "STATE_COLORS",
           "node_height"]

PORT_RADIUS = 5.0
GRID = 20.0

_TYPE_COLORS = {
    "String": "#3a9d5d", "Integer": "#2f7fd1", "Float": "#5b5fd6", "Boolean": "#c9831c",
    "List": "#9a52c7", "Dict": "#b5488f", "PipelineTaskFinalStatus": "#7a7a7a",
    "system.Dataset": "#d1603d", "system.Model": "#c23b3b", "system.Metrics": "#1f9e9e",
    "system.ClassificationMetrics": "#1f9e9e", "system.SlicedClassificationMetrics": "#1f9e9e",
    "system.HTML": "#8d6e63", "system.Markdown": "#8d6e63", "system.Artifact": "#9e9e9e",
}

STATE_COLORS = {
    "pending": "#9e9e9e", "running": "#2f7fd1", "succeeded": "#3a9d5d", "failed": "#d13d3d",
    "skipped": "#b0b0b0", "cancelled": "#c9831c", "cached": "#1f9e9e",
}


def type_color(type_name: str) -> QColor:
    return QColor(_TYPE_COLORS.get(type_name.split("@")[0], "#9e9e9e"))


def palette_color(role: QPalette.ColorRole) -> QColor:
    return QGuiApplication.palette().color(role)


def is_dark() -> bool:
    return palette_color(QPalette.ColorRole.Window).lightness() < 128
