"""Icons drawn with QPainter: one per component category and one per editor action, so the app
ships no image files and the glyphs follow the palette's text colour (light or dark theme)."""

from __future__ import annotations

import zlib
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap, QGuiApplication

SIZE = 32
CATEGORY_GLYPHS = {"data": "D", "processing": "P", "features": "F", "training": "T", "tuning": "H",
                   "evaluation": "E", "deployment": "\u2191", "reporting": "R", "operations": "O", "my components": "\u2605"}
CATEGORY_COLORS = ["#2f7fd1", "#3a9d5d", "#c9831c", "#9a52c7", "#d1603d", "#1f9e9e", "#b5488f", "#5b5fd6"]


def _canvas() -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(SIZE, SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


@lru_cache(maxsize=64)
def category_icon(category: str) -> QIcon:
    """A coloured tile with the category's initial (stable colour per name)."""
    pixmap, painter = _canvas()
    color = QColor(CATEGORY_COLORS[zlib.crc32(category.lower().encode()) % len(CATEGORY_COLORS)])
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRoundedRect(QRectF(2, 2, SIZE - 4, SIZE - 4), 7, 7)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(17)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, SIZE, SIZE), Qt.AlignmentFlag.AlignCenter,
                     CATEGORY_GLYPHS.get(category.lower(), category[:1].upper() or "?"))
    painter.end()
    return QIcon(pixmap)


def _path_icon(draw, color: str, disabled: str) -> QIcon:
    """The glyph drawn in `color`, and in `disabled` for the disabled state (Qt's own greying barely
    dims a light glyph on a dark theme)."""
    icon = QIcon()
    for mode, pen_color in ((QIcon.Mode.Normal, color), (QIcon.Mode.Disabled, disabled)):
        pixmap, painter = _canvas()
        pen = QPen(QColor(pen_color), 2.4)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        draw(painter)
        painter.end()
        icon.addPixmap(pixmap, mode)
    return icon


def _frame(painter: QPainter, color: str, label: str) -> None:
    painter.save()
    pen = QPen(QColor(color), 2.4)
    painter.setPen(pen)
    painter.drawRoundedRect(QRectF(4, 6, 24, 20), 4, 4)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(12)
    painter.setFont(font)
    painter.drawText(QRectF(4, 6, 24, 20), Qt.AlignmentFlag.AlignCenter, label)
    painter.restore()


def _arrow_curve(painter: QPainter) -> None:
    path = QPainterPath(QPointF(4, 24))
    path.cubicTo(QPointF(16, 24), QPointF(14, 8), QPointF(26, 8))
    painter.drawPath(path)
    painter.drawLine(QPointF(26, 8), QPointF(21, 4))
    painter.drawLine(QPointF(26, 8), QPointF(21, 12))


def _layers(painter: QPainter) -> None:
    for x, ys in ((6, (8, 20)), (16, (14,)), (26, (6, 16, 26))):
        for y in ys:
            painter.drawEllipse(QPointF(x, y), 2.5, 2.5)
    painter.drawLine(QPointF(8, 9), QPointF(14, 13))
    painter.drawLine(QPointF(8, 19), QPointF(14, 15))
    painter.drawLine(QPointF(18, 14), QPointF(24, 7))
    painter.drawLine(QPointF(18, 14), QPointF(24, 16))
    painter.drawLine(QPointF(18, 14), QPointF(24, 25))


def _fit(painter: QPainter) -> None:
    for sx, sy in ((4, 4), (28, 4), (4, 28), (28, 28)):
        dx, dy = (6 if sx < 16 else -6), (6 if sy < 16 else -6)
        painter.drawLine(QPointF(sx, sy), QPointF(sx + dx, sy))
        painter.drawLine(QPointF(sx, sy), QPointF(sx, sy + dy))
    painter.drawRect(QRectF(11, 11, 10, 10))


def _check(painter: QPainter) -> None:
    painter.drawPolyline([QPointF(6, 17), QPointF(13, 24), QPointF(26, 8)])


def _gear(painter: QPainter) -> None:
    painter.drawEllipse(QPointF(16, 16), 5, 5)
    for angle in range(0, 360, 45):
        painter.save()
        painter.translate(16, 16)
        painter.rotate(angle)
        painter.drawLine(QPointF(0, 8), QPointF(0, 12))
        painter.restore()


def _magnifier(sign: str):
    def draw(painter: QPainter) -> None:
        painter.drawEllipse(QPointF(13, 13), 8, 8)
        painter.drawLine(QPointF(19, 19), QPointF(27, 27))
        painter.drawLine(QPointF(9, 13), QPointF(17, 13))
        if sign == "+":
            painter.drawLine(QPointF(13, 9), QPointF(13, 17))
    return draw


def _turn_back(mirrored: bool):
    """A curved arrow pointing left (undo), or right when mirrored (redo)."""
    def draw(painter: QPainter) -> None:
        if mirrored:
            painter.translate(SIZE, 0)
            painter.scale(-1, 1)
        path = QPainterPath(QPointF(25, 25))
        path.cubicTo(QPointF(27, 12), QPointF(17, 9), QPointF(7, 12))
        painter.drawPath(path)
        painter.drawLine(QPointF(7, 12), QPointF(12, 6))
        painter.drawLine(QPointF(7, 12), QPointF(13, 16))
    return draw


_DRAWINGS = {
    "loop": lambda p: _frame(p, "#2f7fd1", "\u21bb"),
    "condition": lambda p: _frame(p, "#c9831c", "if"),
    "exit_handler": lambda p: _frame(p, "#9a52c7", "\u21e5"),
    "unwrap": lambda p: (p.drawRoundedRect(QRectF(4, 6, 24, 20), 4, 4), p.drawLine(QPointF(4, 6), QPointF(28, 26))),
    "connect": _arrow_curve,
    "layout": _layers,
    "fit": _fit,
    "validate": _check,
    "compile": _gear,
    "zoom_in": _magnifier("+"),
    "zoom_out": _magnifier("-"),
    "run": lambda p: (p.setBrush(p.pen().color()), p.drawPolygon([QPointF(9, 6), QPointF(26, 16), QPointF(9, 26)])),
    "undo": _turn_back(False),
    "redo": _turn_back(True),
    "stop": lambda p: (p.setBrush(p.pen().color()), p.drawRoundedRect(QRectF(8, 8, 16, 16), 2, 2)),
}


def action_icon(name: str) -> QIcon:
    """The glyph in the palette's current text colour (call again after a theme switch)."""
    palette = QGuiApplication.palette()
    return _themed_icon(name, palette.color(QPalette.ColorRole.WindowText).name(),
                        palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name())


@lru_cache(maxsize=64)
def _themed_icon(name: str, color: str, disabled: str) -> QIcon:
    return _path_icon(_DRAWINGS[name], color, disabled)
