"""The canvas view: wheel zoom, pan with the middle button or space + drag, fit, grid, minimap."""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (QColor, QContextMenuEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent,
                           QMouseEvent, QPainter, QPalette, QPen, QWheelEvent)
from PySide6.QtWidgets import QGraphicsView

from workbench.gui.canvas.minimap import Minimap
from workbench.gui.canvas.scene import PipelineScene
from workbench.gui.canvas.style import GRID, is_dark, palette_color

COMPONENT_MIME = "application/x-workbench-component"
MIN_ZOOM, MAX_ZOOM = 0.1, 3.0
ZOOM_STEP = 1.2


class PipelineView(QGraphicsView):
    component_dropped = Signal(str, QPointF)  # palette key, scene position
    context_menu_requested = Signal(QPoint, QPointF, bool)  # global position, scene position, from the keyboard

    def __init__(self, scene: PipelineScene, parent=None):
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self._space_down = False
        self._fitted = False
        self._pan_from: QPointF | None = None
        self.minimap = Minimap(self)
        scene.changed.connect(lambda _regions: self.minimap.update())

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = min(MAX_ZOOM, max(MIN_ZOOM, factor))
        scale = factor / self.zoom
        self.scale(scale, scale)
        self.minimap.update()

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / ZOOM_STEP)

    def reset_zoom(self) -> None:
        self.set_zoom(1.0)

    def fit(self) -> None:
        """Zoom to show every node and frame (never beyond 100 %)."""
        rect = self.scene().content_rect()
        self._fitted = True
        if rect.isNull():
            return
        rect = rect.adjusted(-40, -40, 40, 40)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom > 1.0:
            self.set_zoom(1.0)
            self.centerOn(rect.center())
        self.minimap.update()

    # ----- input -------------------------------------------------------------------------------

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.set_zoom(self.zoom * math.pow(ZOOM_STEP, steps))
        event.accept()

    def _start_pan(self, event: QMouseEvent) -> None:
        self._pan_from = event.position()
        self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton or (
                self._space_down and event.button() == Qt.MouseButton.LeftButton):
            self._start_pan(event)
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(delta.y()))
            self.minimap.update()
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """The menu for what lies under the mouse is built by workbench/gui/context_menus.py."""
        keyboard = event.reason() == QContextMenuEvent.Reason.Keyboard  # the Menu key
        self.context_menu_requested.emit(event.globalPos(), self.mapToScene(event.pos()), keyboard)
        event.accept()

    # ----- palette drops -----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(COMPONENT_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(COMPONENT_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if not event.mimeData().hasFormat(COMPONENT_MIME):
            super().dropEvent(event)
            return
        key = bytes(event.mimeData().data(COMPONENT_MIME)).decode()
        self.component_dropped.emit(key, self.mapToScene(event.position().toPoint()))
        event.acceptProposedAction()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.minimap.place()
        if not self._fitted and self.isVisible() and self.viewport().width() > 200:
            self._fitted = True
            self.fit()

    # ----- painting ----------------------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, palette_color(QPalette.ColorRole.Base).darker(108 if not is_dark() else 90))
        if self.zoom < 0.45:
            return
        dot = QColor(palette_color(QPalette.ColorRole.Text))
        dot.setAlpha(40)
        painter.setPen(QPen(dot, 1.5))
        left, top = math.floor(rect.left() / GRID) * GRID, math.floor(rect.top() / GRID) * GRID
        points = [QPointF(x, y) for x in _frange(left, rect.right(), GRID) for y in _frange(top, rect.bottom(), GRID)]
        painter.drawPoints(points)


def _frange(start: float, stop: float, step: float):
    value = start
    while value <= stop:
        yield value
        value += step
