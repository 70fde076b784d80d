"""Edges: smooth curves from an output port to an input port, with an arrow at the consumer."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPainterPathStroker, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyleOptionGraphicsItem

from workbench.gui.canvas.detail import is_overview
from workbench.gui.canvas.style import palette_color

ARROW = 8.0
NO_PEN, NO_BRUSH = Qt.PenStyle.NoPen, Qt.BrushStyle.NoBrush  # looked up once: enum access costs per paint


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
        self._pen = QPen(color, 2)
        if dashed:
            self._pen.setStyle(Qt.PenStyle.DashLine)
        self._curve, self._arrow = QPainterPath(), QPolygonF()  # kept: path() returns a copy on each call
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(5)
        self.setToolTip(f"{output} \u2192 {input_name}" + (" (collected from every iteration)" if dashed else ""))
        self._bounds = QRectF()

    @property
    def key(self) -> tuple[str, str]:
        return self.target, self.input_name

    def set_ends(self, start: QPointF, end: QPointF, via: QPointF | None = None) -> None:
        """A curve from start to end; through `via` (a loop frame's collected port) when given."""
        self.prepareGeometryChange()
        path = curve(start, via) if via is not None else QPainterPath(start)
        path.connectPath(curve(via if via is not None else start, QPointF(end.x() - ARROW, end.y())))
        self.setPath(path)
        self._curve = path
        # the curve always arrives horizontally, so the arrow points right
        self._arrow = QPolygonF([end, QPointF(end.x() - ARROW, end.y() - ARROW * 0.45),
                                 QPointF(end.x() - ARROW, end.y() + ARROW * 0.45)])
        self._bounds = super().boundingRect().adjusted(-ARROW, -ARROW, ARROW, ARROW)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.path())

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        """Called for every visible edge on every repaint, so it reuses its pen and shapes (the
        views and the exporter turn antialiasing on); the arrow goes with the other details when
        zoomed out."""
        pen, color = self._pen, self.color
        if self.isSelected():
            color = palette_color(QPalette.ColorRole.Highlight)
            pen = QPen(color, 3, self._pen.style())
        painter.setPen(pen)
        painter.setBrush(NO_BRUSH)
        painter.drawPath(self._curve)
        if not is_overview(option.levelOfDetailFromTransform(painter.worldTransform())):
            painter.setPen(NO_PEN)
            painter.setBrush(color)
            painter.drawPolygon(self._arrow)
