"""Node and port items: dumb views of a node, told what to show by the scene."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QStyleOptionGraphicsItem

from workbench.components.spec import Port
from workbench.gui.canvas.style import (GRID, HEADER_HEIGHT, NODE_WIDTH, PORT_RADIUS, PORT_ROW, STATE_COLORS,
                                        is_dark, node_height, palette_color, type_color)


DETAIL_ZOOM = 0.35  # below this scale text and ports are too small to read: boxes only


def _port_tooltip(port: Port, direction: str) -> str:
    lines = [f"<b>{port.name}</b> ({direction})", f"type: {port.type}{' (list)' if port.is_list else ''}"]
    if port.description:
        lines.append(port.description)
    if port.default is not None:
        lines.append(f"default: {port.default!r}")
    elif port.optional:
        lines.append("optional")
    return "<br>".join(lines)


class PortItem(QGraphicsItem):
    """A typed connection point. `owner` is a node id (or a loop id for a loop-item source)."""

    NORMAL, HIGHLIGHTED, DIMMED = range(3)

    def __init__(self, parent: QGraphicsItem, owner: str, port: Port, is_output: bool, kind: str = "port"):
        super().__init__(parent)
        self.owner, self.port, self.is_output, self.kind = owner, port, is_output, kind
        self.state = self.NORMAL
        self.color = type_color(port.type)
        self.setToolTip(_port_tooltip(port, "output" if is_output else "input"))
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)

    @property
    def name(self) -> str:
        return self.port.name

    BOUNDS = QRectF(-PORT_RADIUS - 3, -PORT_RADIUS - 3, 2 * PORT_RADIUS + 6, 2 * PORT_RADIUS + 6)

    def boundingRect(self) -> QRectF:
        return self.BOUNDS

    def set_state(self, state: int) -> None:
        if state != self.state:
            self.state = state
            self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if option.levelOfDetailFromTransform(painter.worldTransform()) < DETAIL_ZOOM:
            return
        color = QColor(self.color)
        radius = PORT_RADIUS
        if self.state == self.DIMMED:
            color.setAlpha(50)
        elif self.state == self.HIGHLIGHTED:
            radius += 2
            painter.setPen(QPen(palette_color(QPalette.ColorRole.Highlight), 2))
            painter.drawEllipse(QPointF(0, 0), radius + 1.5, radius + 1.5)
        painter.setPen(QPen(color.darker(140), 1))
        painter.setBrush(color if not self.port.is_artifact else color.lighter(115))
        if self.port.is_artifact:
            painter.drawRoundedRect(QRectF(-radius, -radius, 2 * radius, 2 * radius), 2, 2)
        else:
            painter.drawEllipse(QPointF(0, 0), radius, radius)


class NodeItem(QGraphicsObject):
    """A task: header with title and component, ports left (inputs) and right (outputs), status strip."""

    def __init__(self, node_id: str, title: str, component: str, inputs: list[Port], outputs: list[Port]):
        super().__init__()
        self.node_id = node_id
        self.title, self.component_name = title, component
        self.run_state, self.run_text = "", ""
        self.bound_inputs: dict[str, str] = {}
        self.snap = True
        self.moved_callback = None  # set by the scene: called with the node id while dragging
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(10)
        self.inputs: dict[str, PortItem] = {}
        self.outputs: dict[str, PortItem] = {}
        self.set_ports(inputs, outputs)

    def set_ports(self, inputs: list[Port], outputs: list[Port]) -> None:
        for item in [*self.inputs.values(), *self.outputs.values()]:
            item.setParentItem(None)
            if item.scene():
                item.scene().removeItem(item)
        self.prepareGeometryChange()
        self.height = node_height(len(inputs), len(outputs))
        self._bounds = QRectF(-2, -2, NODE_WIDTH + 4, self.height + 4)
        self.inputs = {p.name: PortItem(self, self.node_id, p, False) for p in inputs}
        self.outputs = {p.name: PortItem(self, self.node_id, p, True) for p in outputs}
        for row, item in enumerate(self.inputs.values()):
            item.setPos(0, HEADER_HEIGHT + (row + 0.5) * PORT_ROW)
        for row, item in enumerate(self.outputs.values()):
            item.setPos(NODE_WIDTH, HEADER_HEIGHT + (row + 0.5) * PORT_ROW)

    def set_text(self, title: str, component: str, bound_inputs: dict[str, str]) -> None:
        self.title, self.component_name, self.bound_inputs = title, component, bound_inputs
        self.update()

    def set_run_state(self, state: str, text: str) -> None:
        self.run_state, self.run_text = state, text
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, NODE_WIDTH, self.height), 6, 6)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        dark = is_dark()
        base = palette_color(QPalette.ColorRole.Base)
        text = palette_color(QPalette.ColorRole.Text)
        rect = QRectF(0, 0, NODE_WIDTH, self.height)
        border = palette_color(QPalette.ColorRole.Highlight) if self.isSelected() else QColor("#777" if dark else "#aaa")
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(border, 2.5 if self.isSelected() else 1))
        painter.setBrush(base.lighter(120) if dark else base)
        painter.drawRoundedRect(rect, 6, 6)
        header = QRectF(1, 1, NODE_WIDTH - 2, HEADER_HEIGHT - 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 14) if dark else QColor(0, 0, 0, 10))
        painter.drawRoundedRect(header, 5, 5)
        if option.levelOfDetailFromTransform(painter.worldTransform()) >= DETAIL_ZOOM:
            self._paint_text(painter, text)
        self._paint_status(painter, text)

    def _paint_text(self, painter: QPainter, text: QColor) -> None:
        title_font = QFont(painter.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(text)
        width = NODE_WIDTH - 16
        metrics = QFontMetricsF(title_font)
        painter.drawText(QRectF(8, 3, width, 18), Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(self.title, Qt.TextElideMode.ElideRight, width))
        small = QFont(painter.font())
        small.setBold(False)
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.85))
        painter.setFont(small)
        faint = QColor(text)
        faint.setAlpha(150)
        painter.setPen(faint)
        small_metrics = QFontMetricsF(small)
        painter.drawText(QRectF(8, 20, width, 15), Qt.AlignmentFlag.AlignVCenter,
                         small_metrics.elidedText(self.component_name, Qt.TextElideMode.ElideRight, width))
        painter.setPen(text)
        half = NODE_WIDTH / 2 - 12
        for row, name in enumerate(self.inputs):
            label = name + (f" = {self.bound_inputs[name]}" if name in self.bound_inputs else "")
            y = HEADER_HEIGHT + row * PORT_ROW
            painter.drawText(QRectF(10, y, half if self.outputs else NODE_WIDTH - 20, PORT_ROW),
                             Qt.AlignmentFlag.AlignVCenter,
                             small_metrics.elidedText(label, Qt.TextElideMode.ElideRight,
                                                      half if self.outputs else NODE_WIDTH - 20))
        for row, name in enumerate(self.outputs):
            y = HEADER_HEIGHT + row * PORT_ROW
            right = NODE_WIDTH - 10
            avail = half if self.inputs else NODE_WIDTH - 20
            painter.drawText(QRectF(right - avail, y, avail, PORT_ROW),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             small_metrics.elidedText(name, Qt.TextElideMode.ElideRight, avail))

    def _paint_status(self, painter: QPainter, text: QColor) -> None:
        if not self.run_state:
            return
        color = QColor(STATE_COLORS.get(self.run_state, "#9e9e9e"))
        strip = QRectF(1, self.height - 15, NODE_WIDTH - 2, 14)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(strip, 4, 4)
        painter.setPen(QColor("white"))
        painter.drawText(strip.adjusted(6, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter,
                         self.run_text or self.run_state)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange and self.snap \
                and getattr(self.scene(), "snap_to_grid", True):
            return QPointF(round(value.x() / GRID) * GRID, round(value.y() / GRID) * GRID)
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged and self.moved_callback:
            self.moved_callback(self.node_id)
        return super().itemChange(change, value)
