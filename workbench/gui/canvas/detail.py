"""Levels of detail: what the canvas draws at a given zoom (the painter's scale, `lod`).

Zoomed in, a node shows its ports, port labels and component. Zooming out, those fade between
DETAIL_FULL and OVERVIEW_BELOW while the title grows to stay readable and leads with the run
state's glyph; below OVERVIEW_BELOW a node is an overview tile: its run state's colour fills it and
its display name is drawn as large as the tile allows, so a fitted pipeline can still be read
after a run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

DETAIL_FULL = 0.85  # at and above this scale everything is drawn as designed
OVERVIEW_BELOW = 0.6  # below this scale (port labels under 6 px) a node is drawn as an overview tile
READABLE_PX = 11.0  # titles grow while zooming out so they stay at least this tall on screen
LARGEST_PX = 15.0  # an overview name is never drawn taller than this on screen (tiles stay alike)
SMALLEST_PX = 7.5  # below this on-screen height a name is noise: the tile shows its colour alone
LINE_SPACING = 1.15

STATE_GLYPHS = {"pending": "\u25cb", "running": "\u25b6", "succeeded": "\u2713", "failed": "\u2717",
                "skipped": "\u21b7", "cancelled": "\u25a0", "cached": "\u21bb"}

_REFERENCE_PX = 100  # label metrics are measured once at this size and scaled


def detail_opacity(lod: float) -> float:
    """1 when ports and details are fully drawn, 0 when they have faded out."""
    return min(1.0, max(0.0, (lod - OVERVIEW_BELOW) / (DETAIL_FULL - OVERVIEW_BELOW)))


def is_overview(lod: float) -> bool:
    return lod < OVERVIEW_BELOW


def readable_px(base_px: float, lod: float) -> float:
    """A font size (scene units) at least READABLE_PX tall on screen, never smaller than the base."""
    return max(base_px, READABLE_PX / max(lod, 1e-3))


def text_on(fill: QColor) -> QColor:
    """Black or white, whichever contrasts more with `fill` (WCAG relative luminance)."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * channel(fill.redF()) + 0.7152 * channel(fill.greenF()) + 0.0722 * channel(fill.blueF())
    return QColor("#111111") if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else QColor("white")


@dataclass(frozen=True)
class FittedLabel:
    font: QFont
    lines: tuple[str, ...]
    line_height: float
    complete: bool = True  # False when the text had to be cut (drawn elided)

    def screen_px(self, lod: float) -> float:
        """How tall the letters are on screen."""
        return self.font.pixelSize() * lod


def _pieces(text: str) -> list[tuple[str, bool]]:
    """Break opportunities: at spaces (dropped) and after '-', '_' and '.' (kept); never at a
    no-break space. Each piece says whether a space stood before it."""
    pieces, space = [], False
    for part in re.split(r"([ \t\n]+|(?<=[-_.]))", text):
        if not part:
            continue
        if not part.strip(" \t\n"):
            space = True
            continue
        pieces.append((part, space and bool(pieces)))
        space = False
    return pieces


def _wrap(pieces: list[tuple[str, bool]], widths: dict[str, float], space: float,
          limit: float) -> list[tuple[str, float]]:
    """Greedy wrap into (line, width) no wider than `limit` where possible: a piece wider than the
    limit gets a line of its own (it is elided when drawn)."""
    lines: list[tuple[str, float]] = []
    line, width = "", 0.0
    for piece, spaced in pieces:
        gap = space if spaced and line else 0.0
        if line and width + gap + widths[piece] > limit:
            lines.append((line, width))
            line, width, gap = "", 0.0, 0.0
        line, width = line + (" " if gap else "") + piece, width + gap + widths[piece]
    return [*lines, (line, width)] if line else lines


@dataclass(frozen=True)
class _Measured:
    """A text's break pieces and their widths at _REFERENCE_PX (sizes scale linearly)."""
    pieces: tuple[tuple[str, bool], ...]
    widths: dict[str, float]
    space: float
    line_ratio: float  # line height / font size

    @classmethod
    def of(cls, text: str, font: QFont) -> _Measured:
        reference = QFont(font)
        reference.setPixelSize(_REFERENCE_PX)
        metrics = QFontMetricsF(reference)
        pieces = tuple(_pieces(text))
        return cls(pieces, {piece: metrics.horizontalAdvance(piece) for piece, _ in pieces},
                   metrics.horizontalAdvance(" "), metrics.height() * LINE_SPACING / _REFERENCE_PX)

    def lines(self, size: float, width: float) -> list[tuple[str, float]]:
        scale = size / _REFERENCE_PX
        return [(line, w * scale) for line, w in _wrap(list(self.pieces), self.widths, self.space, width / scale)]


class LabelFitter:
    """Fits texts into a box as large as they go. A node paints at a new zoom only (its pixmap
    cache serves the other repaints), so the few answers of the current zoom are kept."""

    KEPT = 8

    def __init__(self, font: QFont):
        self.font = QFont(font)
        self.font.setBold(True)
        self._measured: dict[str, _Measured] = {}
        self._fitted: dict[tuple, FittedLabel | None] = {}

    def fit(self, text: str, box: QRectF, lod: float) -> FittedLabel | None:
        """The largest font (LARGEST_PX on screen at most) whose wrapped lines fit `box`; at
        SMALLEST_PX the lines that fit, the last elided; None when not even one line fits."""
        key = (text, round(lod, 4), round(box.width(), 1), round(box.height(), 1))
        if key not in self._fitted:
            if text not in self._measured:
                if len(self._measured) >= self.KEPT:
                    self._measured.clear()
                self._measured[text] = _Measured.of(text, self.font)
            if len(self._fitted) >= self.KEPT:
                self._fitted.clear()
            measured = self._measured[text]
            self._fitted[key] = self._fit(measured, box, lod) if measured.pieces else None
        return self._fitted[key]

    def _fit(self, measured: _Measured, box: QRectF, lod: float) -> FittedLabel | None:
        width = box.width() * 0.96  # rendering at the final size differs a little from the scaled metrics
        smallest = SMALLEST_PX / lod
        size = min(LARGEST_PX / lod, box.height() / measured.line_ratio)
        while size >= smallest:
            lines = measured.lines(size, width)
            if all(w <= width for _, w in lines) and len(lines) * size * measured.line_ratio <= box.height():
                return self._label(size, measured, [line for line, _ in lines])
            size *= 0.92
        rows = int(box.height() // (smallest * measured.line_ratio))
        if rows < 1:
            return None
        lines = [line for line, _ in measured.lines(smallest, width)]
        return self._label(smallest, measured, lines[:rows - 1] + [" ".join(lines[rows - 1:])], complete=False)

    def _label(self, size: float, measured: _Measured, lines: list[str], complete: bool = True) -> FittedLabel:
        font = QFont(self.font)
        font.setPixelSize(max(1, int(size)))
        return FittedLabel(font, tuple(lines), size * measured.line_ratio, complete)


def draw_label(painter: QPainter, label: FittedLabel, box: QRectF) -> None:
    """The lines centred in `box`; a line still too wide is elided."""
    painter.setFont(label.font)
    metrics = QFontMetricsF(label.font)
    top = box.center().y() - len(label.lines) * label.line_height / 2
    for row, line in enumerate(label.lines):
        painter.drawText(QRectF(box.left(), top + row * label.line_height, box.width(), label.line_height),
                         Qt.AlignmentFlag.AlignCenter,
                         metrics.elidedText(line, Qt.TextElideMode.ElideRight, box.width()))
