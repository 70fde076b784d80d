"""Node and port items: dumb views of a node, told what to show by the scene."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QStyleOptionGraphicsItem

from workbench.components.spec import Port
from workbench.gui.canvas.detail import (DETAIL_FULL, STATE_GLYPHS, FittedLabel, LabelFitter, detail_opacity,
                                         draw_label, is_overview, readable_px, text_on)
from workbench.gui.canvas.style import (GRID, HEADER_HEIGHT, NODE_WIDTH, PORT_RADIUS, PORT_ROW, STATE_COLORS,
                                        is_dark, node_height, palette_color, type_color)


PORT_REACH = PORT_RADIUS + 5  # how far a highlighted port reaches beyond the node's edge


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
    """A typed connection point. `owner` is a node id (or a loop id for a loop-item source).
    A node's ports are drawn by the node (into its pixmap cache: no paint call per port on each
    repaint); they stay items for hovering, tooltips and hit tests."""

    NORMAL, HIGHLIGHTED, DIMMED = range(3)

    def __init__(self, parent: QGraphicsItem, owner: str, port: Port, is_output: bool, kind: str = "port",
                 drawn_by_parent: bool = False):
        super().__init__(parent)
        self.owner, self.port, self.is_output, self.kind = owner, port, is_output, kind
        self.drawn_by_parent = drawn_by_parent
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, drawn_by_parent)
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
            (self.parentItem() if self.drawn_by_parent else self).update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        opacity = detail_opacity(option.levelOfDetailFromTransform(painter.worldTransform()))
        if opacity <= 0:
            return
        painter.save()  # the view does not save painter state between items
        painter.setOpacity(painter.opacity() * opacity)
        self.draw(painter)
        painter.restore()

    def draw(self, painter: QPainter) -> None:
        """The port around the painter's origin."""
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
        self._fitter: LabelFitter | None = None  # the overview name, fitted once per zoom
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
        self._bounds = QRectF(-PORT_REACH, -2, NODE_WIDTH + 2 * PORT_REACH, self.height + 4)  # with the ports
        self.inputs = {p.name: PortItem(self, self.node_id, p, False, drawn_by_parent=True) for p in inputs}
        self.outputs = {p.name: PortItem(self, self.node_id, p, True, drawn_by_parent=True) for p in outputs}
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

    def body_rect(self) -> QRectF:
        """The node's box in scene coordinates, without the ports that stick out of it."""
        return QRectF(self.pos().x(), self.pos().y(), NODE_WIDTH, self.height)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, NODE_WIDTH, self.height), 6, 6)
        return path

    def detail_level(self, lod: float) -> str:
        """"overview" (a coloured tile with the name), "fading" (details fading out) or "full"."""
        if is_overview(lod):
            return "overview"
        return "full" if detail_opacity(lod) >= 1 else "fading"

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if is_overview(lod):
            self._paint_overview(painter, lod)
            return
        dark = is_dark()
        base = palette_color(QPalette.ColorRole.Base)
        text = palette_color(QPalette.ColorRole.Text)
        rect = QRectF(0, 0, NODE_WIDTH, self.height)
        painter.setPen(QPen(self._border(), 2.5 if self.isSelected() else 1))
        painter.setBrush(base.lighter(120) if dark else base)
        painter.drawRoundedRect(rect, 6, 6)
        header = QRectF(1, 1, NODE_WIDTH - 2, HEADER_HEIGHT - 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 14) if dark else QColor(0, 0, 0, 10))
        painter.drawRoundedRect(header, 5, 5)
        self._paint_title(painter, text, lod)
        opacity = detail_opacity(lod)
        if opacity > 0:
            painter.save()
            painter.setOpacity(painter.opacity() * opacity)
            self._paint_details(painter, text)
            for port in [*self.inputs.values(), *self.outputs.values()]:
                painter.translate(port.pos())
                port.draw(painter)
                painter.translate(-port.pos())
            painter.restore()
        self._paint_status(painter, text)

    def _border(self) -> QColor:
        return palette_color(QPalette.ColorRole.Highlight) if self.isSelected() else QColor(
            "#777" if is_dark() else "#aaa")

    def _paint_overview(self, painter: QPainter, lod: float) -> None:
        """The whole node in its run state's colour, its display name as large as it fits."""
        state = self.run_state
        if state:
            fill = QColor(STATE_COLORS.get(state, "#9e9e9e"))
            ink = text_on(fill)
        else:
            base = palette_color(QPalette.ColorRole.Base)
            fill, ink = (base.lighter(120) if is_dark() else base), palette_color(QPalette.ColorRole.Text)
        width = (3.0 if self.isSelected() else 1.0) / lod  # screen pixels, inside the node
        pen = QPen(self._border() if self.isSelected() or not state else fill.darker(130), width)
        if state == "skipped":
            pen.setStyle(Qt.PenStyle.DashLine)
            fill.setAlpha(150)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(0, 0, NODE_WIDTH, self.height).adjusted(width / 2, width / 2, -width / 2,
                                                                                -width / 2), 6, 6)
        label = self.overview_label(lod)
        if label is not None:
            painter.setPen(ink)
            draw_label(painter, label, self._label_box(lod))

    def _label_box(self, lod: float) -> QRectF:
        inset = 1.5 / lod + 2  # inside the border (up to 3 screen pixels when selected)
        return QRectF(0, 0, NODE_WIDTH, self.height).adjusted(2 + inset, inset, -2 - inset, -inset)

    def overview_label(self, lod: float) -> FittedLabel | None:
        """The display name as large as it fits the tile at `lod`, after the run state's glyph
        unless the glyph would cut the name (the colour, and a dashed border for skipped, still
        tell the state)."""
        if self._fitter is None:
            self._fitter = LabelFitter(QFont())
        box = self._label_box(lod)
        label = self._fitter.fit(self._titled(self.title), box, lod)
        if self.run_state and (label is None or not label.complete):
            return self._fitter.fit(self.title, box, lod) or label
        return label

    def _titled(self, title: str) -> str:
        """The title led by the run state's glyph (kept on the first line with it)."""
        glyph = STATE_GLYPHS.get(self.run_state)
        return f"{glyph}\u00a0{title}" if glyph else title

    def _paint_title(self, painter: QPainter, text: QColor, lod: float) -> None:
        """The title, grown as the zoom falls so it stays readable while the details fade (and the
        status strip's text with them: the title then leads with the state's glyph)."""
        title_font = QFont()  # the application font: painter state leaks between items
        title_font.setBold(True)
        metrics = QFontMetricsF(title_font)
        size = readable_px(metrics.height() / 1.2, lod)
        if size > metrics.height() / 1.2:
            title_font.setPixelSize(max(1, int(size)))
            metrics = QFontMetricsF(title_font)
        painter.setFont(title_font)
        painter.setPen(text)
        width = NODE_WIDTH - 16
        painter.drawText(QRectF(8, 3, width, max(18.0, metrics.height())), Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(self.title if lod >= DETAIL_FULL else self._titled(self.title),
                                            Qt.TextElideMode.ElideRight, width))

    def _paint_details(self, painter: QPainter, text: QColor) -> None:
        """The component's name and the port labels (with the values bound to inputs)."""
        width = NODE_WIDTH - 16
        small = QFont()
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
        font = QFont()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        painter.setFont(font)
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
