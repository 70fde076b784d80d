"""Group frames: titled rectangles fitted around their members (membership is explicit in the
model; the frame only shows it). A loop frame carries the loop item as a source port on its left
edge, and a port on its right edge for each output collected from its iterations (fan-in)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QStyleOptionGraphicsItem

from workbench.components.spec import Port
from workbench.gui.canvas.detail import detail_opacity, readable_px
from workbench.gui.canvas.items import PortItem
from workbench.gui.canvas.style import (GROUP_HEADER, GROUP_PADDING, KIND_COLORS, frame_title_color, is_dark,
                                        palette_color)

TITLE_BAND = GROUP_HEADER + GROUP_PADDING - 6  # room above the members for a title grown at low zoom
KIND_WORDS = {"loop": "for each", "condition": "", "exit_handler": "exit handler"}


class GroupFrameItem(QGraphicsObject):
    def __init__(self, group_id: str, kind: str):
        super().__init__()
        self.group_id, self.kind = group_id, kind
        self.title, self.detail = "", ""
        self.rect = QRectF(0, 0, 100, 60)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(0)
        self.item_port: PortItem | None = None
        self.collected_ports: dict[tuple[str, str], PortItem] = {}
        if kind == "loop":
            self.item_port = PortItem(self, group_id, Port(name="item", type="String",
                                                           description="the current loop item"), True, "loop_item")

    def collected_port(self, node_id: str, port: Port) -> PortItem:
        """The right-edge port through which `node_id.port` leaves the loop as a list."""
        key = (node_id, port.name)
        if key not in self.collected_ports:
            listed = Port(name=port.name, type=port.type if port.is_artifact else "List", is_list=True,
                          description=f"{port.name} collected from every iteration")
            self.collected_ports[key] = PortItem(self, node_id, listed, True, "collected")
        return self.collected_ports[key]

    def prune_collected(self, used: set[tuple[str, str]]) -> None:
        for key in [k for k in self.collected_ports if k not in used]:
            item = self.collected_ports.pop(key)
            item.setParentItem(None)
            if item.scene():
                item.scene().removeItem(item)

    def set_text(self, title: str, detail: str) -> None:
        self.title, self.detail = title, detail
        self.setToolTip(f"{title}: {detail}" if detail else title)
        self.update()

    def set_rect(self, rect: QRectF, depth: int) -> None:
        self.prepareGeometryChange()
        self.rect = rect
        self.setZValue(depth)
        if self.item_port is not None:
            self.item_port.setPos(rect.left(), rect.top() + GROUP_HEADER + 4)

    def boundingRect(self) -> QRectF:
        return self.rect.adjusted(-2, -2, 2, 2)

    def header_rect(self) -> QRectF:
        return QRectF(self.rect.left(), self.rect.top(), self.rect.width(), GROUP_HEADER - 8)

    def _reserved_right(self) -> float:
        """Header room taken on the right by child items placed there (the run overlay's badge)."""
        band = self.header_rect()
        taken = [self.mapRectFromItem(child, child.boundingRect()) for child in self.childItems()
                 if not isinstance(child, PortItem) and child.isVisible()]
        return max((band.right() - rect.left() for rect in taken if rect.intersects(band)), default=0.0)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        color = QColor(KIND_COLORS[self.kind])
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QColor(color)
        fill.setAlpha(30 if is_dark() else 18)
        pen = QPen(palette_color(QPalette.ColorRole.Highlight) if self.isSelected() else color, 2 if self.isSelected() else 1.3)
        if self.kind == "exit_handler":
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(self.rect, 10, 10)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        font = QFont()  # the application font: painter state leaks between items
        font.setBold(True)
        header = self.header_rect().adjusted(12, 4, -12 - self._reserved_right(), 0)
        base_px = QFontMetricsF(font).height() / 1.2
        size = min(readable_px(base_px, lod), TITLE_BAND / 1.25)
        if size > base_px:  # zoomed out: the title grows into the padding, as far as the frame is wide
            font.setPixelSize(100)
            widest = 100 * header.width() / max(QFontMetricsF(font).horizontalAdvance(self.title), 1)
            size = max(base_px, 0.8 * size, min(size, widest))  # shrink to fit, elide past 80 %
            font.setPixelSize(max(1, int(size)))
            header.setHeight(max(header.height(), QFontMetricsF(font).height()))
        painter.setFont(font)
        painter.setPen(frame_title_color(self.kind))
        metrics = QFontMetricsF(font)
        title_width = min(metrics.horizontalAdvance(self.title) + 2, header.width())
        painter.drawText(header, Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(self.title, Qt.TextElideMode.ElideRight, header.width()))
        opacity = detail_opacity(lod)
        if self.detail and opacity > 0:
            font = QFont()
            painter.save()
            painter.setFont(font)
            painter.setOpacity(painter.opacity() * opacity)
            rest = QRectF(header.left() + title_width + 8, header.top(), header.width() - title_width - 8,
                          header.height())
            painter.drawText(rest, Qt.AlignmentFlag.AlignVCenter,
                             QFontMetricsF(font).elidedText(self.detail, Qt.TextElideMode.ElideRight, rest.width()))
            painter.restore()
