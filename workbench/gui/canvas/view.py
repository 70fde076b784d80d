"""The canvas view: wheel zoom, pan with the middle button or space + drag, fit (all or the
selection), grid, minimap, and a hint on an empty canvas.

A view stays fitted while the user has not zoomed or panned it: a document opens fitted however
the window's docks settle, and a layout change (Design / Run) refits it."""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (QColor, QContextMenuEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QFont, QKeyEvent,
                           QMouseEvent, QPainter, QPalette, QPen, QTransform, QWheelEvent)
from PySide6.QtWidgets import QGraphicsView

from workbench.gui.canvas.detail import is_overview
from workbench.gui.canvas.minimap import Minimap
from workbench.gui.canvas.scene import PipelineScene
from workbench.gui.canvas.style import GRID, is_dark, palette_color

COMPONENT_MIME = "application/x-workbench-component"
MIN_ZOOM, MAX_ZOOM = 0.1, 3.0
ZOOM_STEP = 1.2
FIT_MARGIN = 24  # screen pixels around the fitted content
EMPTY_HINT = "Drag components here or double-click"


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
        self.keep_fitted = True  # refit on resize until the user zooms or pans
        self._pan_from: QPointF | None = None
        self._hint_shown = False
        self._overview = False  # the zoom draws nodes as overview tiles (see canvas/detail.py)
        self.minimap = Minimap(self)
        scene.changed.connect(self._scene_changed)
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.actionTriggered.connect(self._user_moved)  # dragging or clicking a scroll bar

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        """Zoom around the anchor; a fitted view of a large graph may be below MIN_ZOOM already."""
        self.keep_fitted = False
        factor = min(MAX_ZOOM, max(min(MIN_ZOOM, self.zoom), factor))
        scale = factor / self.zoom
        self.scale(scale, scale)
        self._zoom_changed()

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / ZOOM_STEP)

    def reset_zoom(self) -> None:
        self.set_zoom(1.0)

    def centerOn(self, *args) -> None:  # noqa: N802 (Qt's name): find, reveal and the minimap move the view
        self.keep_fitted = False
        super().centerOn(*args)

    def fit(self) -> None:
        """Zoom to show every node and frame (never beyond 100 %); the view stays fitted through resizes."""
        self.fit_rect(self.scene().content_rect())
        self.keep_fitted = True

    def fit_selection(self) -> bool:
        """Zoom to the selected tasks, frames and connections; False when nothing is selected."""
        rect = QRectF()
        for item in self.scene().selectedItems():
            rect = rect.united(item.sceneBoundingRect())
        if rect.isNull():
            return False
        self.fit_rect(rect)
        self.keep_fitted = False
        return True

    def fit_rect(self, rect: QRectF) -> None:
        """Show `rect` whole, centred, with FIT_MARGIN pixels around it, at 100 % at most."""
        if rect.isNull():
            return
        viewport = self.viewport().rect()
        zoom = min((viewport.width() - 2 * FIT_MARGIN) / max(rect.width(), 1.0),
                   (viewport.height() - 2 * FIT_MARGIN) / max(rect.height(), 1.0), 1.0)
        self.setTransform(QTransform.fromScale(max(zoom, 0.01), max(zoom, 0.01)))
        QGraphicsView.centerOn(self, rect.center())
        self._zoom_changed()

    def _zoom_changed(self) -> None:
        overview = is_overview(self.zoom)
        if overview != self._overview:
            self._overview = overview
            self.scene().set_overview(overview)
        self.minimap.refresh()

    def _user_moved(self, *_args) -> None:
        self.keep_fitted = False

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
            self.keep_fitted = False
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(delta.y()))
            self.minimap.refresh()
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
        if self.keep_fitted:
            self.fit()
        self.minimap.place()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.minimap.refresh()
        if self._hint_shown:
            self.viewport().update()  # the hint stays centred: repaint instead of scrolling its pixels

    def _scene_changed(self, _regions) -> None:
        self.minimap.refresh()
        if self._hint_shown != self.is_empty():
            self.viewport().update()

    def is_empty(self) -> bool:
        scene = self.scene()
        return scene is not None and not scene.nodes and not scene.frames

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

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        """On an empty canvas, a hint in the middle of the viewport (painted: it takes no clicks)."""
        self._hint_shown = self.is_empty()
        if not self._hint_shown:
            return
        painter.save()
        painter.resetTransform()
        font = QFont()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        painter.setFont(font)
        color = QColor(palette_color(QPalette.ColorRole.Text))
        color.setAlpha(120)
        painter.setPen(color)
        painter.drawText(QRectF(self.viewport().rect()), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                         EMPTY_HINT)
        painter.restore()


def _frange(start: float, stop: float, step: float):
    value = start
    while value <= stop:
        yield value
        value += step
