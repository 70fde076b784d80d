"""Edges: smooth curves from an output port to an input port, with an arrow at the consumer."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPainterPathStroker, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyleOptionGraphicsItem

from workbench.gui.canvas.style import palette_color

ARROW = 8.0


def curve(start: QPointF, end: QPointF) -> QPainterPath:
    """A horizontal S-curve; the handles grow with distance so long edges stay smooth."""
    dx = max(40.0, abs(end.x() - start.x()) * 0.5)
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x() + dx, start.y()), QPointF(end.x() - dx, end.y()), end)
    return path


class EdgeItem(QGraphicsPathItem):
    """Feeds `target.input` from `source` (a node id or a loop id for the loop item)."""

    def __init__(self, source: str, output: str, target: str, input_name: str, color: QColor, dashed: bool = False):
        super().__init__()
        self.source, self.output, self.target, self.input_name = source, output, target, input_name
        self.color, self.dashed = color, dashed
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(5)
        self.setToolTip(f"{output} \u2192 {input_name}" + (" (collected from every iteration)" if dashed else ""))

    @property
    def key(self) -> tuple[str, str]:
        return self.target, self.input_name

    def set_ends(self, start: QPointF, end: QPointF) -> None:
        self.setPath(curve(start, QPointF(end.x() - ARROW, end.y())))
        self._end = end

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.path())

    def boundingRect(self) -> QRectF:
        return super().boundingRect().adjusted(-ARROW, -ARROW, ARROW, ARROW)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = palette_color(QPalette.ColorRole.Highlight) if self.isSelected() else self.color
        pen = QPen(color, 3 if self.isSelected() else 2)
        if self.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        tip = self._end
        back = self.path().pointAtPercent(0.98)
        angle = math.atan2(tip.y() - back.y(), tip.x() - back.x()) if back != tip else 0.0
        wing = 0.45
        arrow = QPolygonF([tip,
                           QPointF(tip.x() - ARROW * math.cos(angle - wing), tip.y() - ARROW * math.sin(angle - wing)),
                           QPointF(tip.x() - ARROW * math.cos(angle + wing), tip.y() - ARROW * math.sin(angle + wing))])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(arrow)
