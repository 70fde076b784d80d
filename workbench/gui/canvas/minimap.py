"""A small overview in the view's corner: every node as a dot-sized box and the visible area;
click or drag in it to move the view. It shows only while part of the pipeline is out of view, so
it never hides a node of a fitted canvas (and says nothing the view does not show already)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QGraphicsView, QWidget

SIZE = (180, 120)
MARGIN = 10


class Minimap(QWidget):
    def __init__(self, view: QGraphicsView):
        super().__init__(view)
        self.view = view
        self.resize(*SIZE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Overview: click or drag to move the view")
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)  # many view changes, one refresh
        self._refresh_timer.timeout.connect(self._apply)
        self.place()

    def place(self) -> None:
        viewport = self.view.viewport().geometry()
        self.move(viewport.right() - SIZE[0] - MARGIN, viewport.bottom() - SIZE[1] - MARGIN)
        self.refresh()

    def refresh(self) -> None:
        """Show (soon: once per pass of the event loop) when the viewport has room for it and some
        content lies outside the visible area."""
        self._refresh_timer.start()

    def _apply(self) -> None:
        if self.view.scene() is None:  # the scene goes first when a tab closes
            return
        viewport = self.view.viewport()
        content = self.view.scene().content_rect()
        visible = self.view.mapToScene(viewport.rect()).boundingRect()
        wanted = viewport.width() > 3 * SIZE[0] and viewport.height() > 2 * SIZE[1] and not (
            content.isNull() or visible.contains(content))
        if wanted != self.isVisibleTo(self.view):
            self.setVisible(wanted)
        elif wanted:
            self.update()

    def _mapping(self) -> tuple[QRectF, float, QPointF]:
        content = self.view.scene().content_rect()
        visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        world = content.united(visible) if not content.isNull() else visible
        scale = min((SIZE[0] - 8) / max(world.width(), 1), (SIZE[1] - 8) / max(world.height(), 1))
        offset = QPointF(4 + (SIZE[0] - 8 - world.width() * scale) / 2, 4 + (SIZE[1] - 8 - world.height() * scale) / 2)
        return world, scale, offset

    def _to_map(self, rect: QRectF, world: QRectF, scale: float, offset: QPointF) -> QRectF:
        return QRectF(offset.x() + (rect.left() - world.left()) * scale, offset.y() + (rect.top() - world.top()) * scale,
                      max(rect.width() * scale, 1.5), max(rect.height() * scale, 1.5))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        background = QColor(palette.color(QPalette.ColorRole.Window))
        background.setAlpha(220)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid)))
        painter.setBrush(background)
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        world, scale, offset = self._mapping()
        scene = self.view.scene()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Mid))
        for frame in scene.frames.values():
            painter.drawRect(self._to_map(frame.rect, world, scale, offset))
        node_color = QColor(palette.color(QPalette.ColorRole.Text))
        node_color.setAlpha(150)
        painter.setBrush(node_color)
        for item in scene.nodes.values():
            painter.drawRect(self._to_map(item.sceneBoundingRect(), world, scale, offset))
        visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 1.5))
        painter.drawRect(self._to_map(visible, world, scale, offset))

    def _center_on(self, pos: QPointF) -> None:
        world, scale, offset = self._mapping()
        self.view.centerOn(QPointF(world.left() + (pos.x() - offset.x()) / scale,
                                   world.top() + (pos.y() - offset.y()) / scale))
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._center_on(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._center_on(event.position())
