"""Plot colours for the light and the dark theme: background, axes, title and legend text, and the
curve colours (each readable as text on the panel background too, since task lists show them).
A plot made by `make_plot_widget` restyles itself when the application palette changes, curves
included, so a theme switch reaches open plots without a restart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor

from workbench.gui.canvas.style import is_dark


@dataclass(frozen=True)
class PlotColors:
    background: str
    text: str       # axes, ticks, title, legend labels
    neutral: str    # reference lines (the ROC chance diagonal, parallel axes)
    curves: tuple[str, ...]


# Tableau-like hues, darkened for white and lightened for near-black so each reads at 4.5:1
LIGHT_PLOT = PlotColors("#ffffff", "#333333", "#767676",
                        ("#1f6fb0", "#b85400", "#237a23", "#c22525", "#7b4fae", "#7a4b40", "#b0377f", "#5e5e5e",
                         "#767000", "#0f7b87"))
DARK_PLOT = PlotColors("#1e1e1e", "#d6d6d6", "#8c8c8c",
                       ("#5aa9e6", "#ff9f4a", "#62c462", "#ff6b6b", "#b69cf0", "#c79a8e", "#f08ccc", "#b0b0b0",
                        "#d4d04a", "#3fd0e0"))
CURVE_INDEX = "workbench_curve_index"  # on a curve item: its colour's index (None: the neutral colour)


def plot_colors() -> PlotColors:
    return DARK_PLOT if is_dark() else LIGHT_PLOT


def curve_color(index: int) -> QColor:
    curves = plot_colors().curves
    return QColor(curves[index % len(curves)])


def add_curve(target: Any, *data, index: int | None, width: float = 2.0, dashed: bool = False, **options) -> Any:
    """`target.plot(*data, **options)` drawn in the theme's colour number `index` (None: neutral);
    the curve keeps its index so a theme switch can recolour it."""
    curve = target.plot(*data, pen=_pen(index, width, dashed), **options)
    setattr(curve, CURVE_INDEX, (index, width, dashed))
    return curve


def _pen(index: int | None, width: float, dashed: bool) -> Any:
    import pyqtgraph as pg

    color = plot_colors().neutral if index is None else curve_color(index)
    return pg.mkPen(color, width=width, style=Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)


def style_plot(widget: Any) -> None:
    """Apply the current theme's colours to a pyqtgraph PlotWidget and everything drawn in it."""
    import pyqtgraph as pg

    colors = plot_colors()
    widget.setBackground(colors.background)
    item = widget.getPlotItem()
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        axis.setPen(colors.text)
        axis.setTextPen(colors.text)
    item.titleLabel.setText(item.titleLabel.text, color=colors.text)
    legend = item.legend
    if legend is not None:
        legend.setLabelTextColor(colors.text)
        for _sample, label in legend.items:
            label.setText(label.text)
    for child in item.items:
        if isinstance(child, pg.TextItem):
            child.setColor(colors.text)
        elif hasattr(child, CURVE_INDEX):
            child.setPen(_pen(*getattr(child, CURVE_INDEX)))


class _FollowPalette(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.PaletteChange:
            style_plot(watched)
        return False


def follow_theme(widget: Any) -> None:
    """Restyle `widget` whenever its palette changes (a theme switch)."""
    widget.installEventFilter(_FollowPalette(widget))
