"""Edges: smooth curves from an output port to an input port, with an arrow at the consumer."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPainterPathStroker, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyleOptionGraphicsItem

from workbench.gui.canvas.style import palette_color

ARROW = 8.0


def curve(start: QPointF, end: QPointF) -> QPainterPath:
    """A horizontal S-curve; the handles grow with distance so long edges stay smooth."""
    dx = max(25.0, abs(end.x() - start.x()) * 0.5)
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
        self._end, self._bounds = QPointF(), QRectF()

    @property
    def key(self) -> tuple[str, str]:
        return self.target, self.input_name

    def set_ends(self, start: QPointF, end: QPointF, via: QPointF | None = None) -> None:
        """A curve from start to end; through `via` (a loop frame's collected port) when given."""
        self.prepareGeometryChange()
        path = curve(start, via) if via is not None else QPainterPath(start)
        path.connectPath(curve(via if via is not None else start, QPointF(end.x() - ARROW, end.y())))
        self.setPath(path)
        self._end = end
        self._bounds = super().boundingRect().adjusted(-ARROW, -ARROW, ARROW, ARROW)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.path())

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = palette_color(QPalette.ColorRole.Highlight) if self.isSelected() else self.color
        pen = QPen(color, 3 if self.isSelected() else 2)
        if self.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        tip = self._end  # the curve always arrives horizontally, so the arrow points right
        arrow = QPolygonF([tip, QPointF(tip.x() - ARROW, tip.y() - ARROW * 0.45),
                           QPointF(tip.x() - ARROW, tip.y() + ARROW * 0.45)])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(arrow)
