"""Live metric curves: every WORKBENCH_METRIC series of a run, one metric at a time with the
tasks that report it overlaid (the three trainers' loss together), against step or time.

pyqtgraph is imported when the panel is first shown, not at start-up. Curves are redrawn by a
15 Hz timer and only when their series grew or the view moved, each with only the points in view
at about two a pixel (`decimate`), so a million points per curve stay smooth.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QSpinBox, QSplitter, QVBoxLayout, QWidget)

from workbench.gui.runs.decimate import envelope, in_view
from workbench.gui.runs.plot_style import add_curve, curve_color
from workbench.gui.runs.session import RunSession

REFRESH_MS = 100  # 10 Hz: smooth to the eye, and each repaint of a busy plot costs ~20 ms


def smooth(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing moving average over `window` points (vectorised: cheap even for a million)."""
    if window <= 1 or len(values) < 2:
        return values
    sums = np.cumsum(np.insert(values, 0, 0.0))
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    starts = np.arange(1, len(values) + 1) - counts
    return (sums[1:] - sums[starts]) / counts


def make_plot_widget(title: str = "") -> Any:
    """A pyqtgraph PlotWidget set up for many points (first call imports pyqtgraph)."""
    import pyqtgraph as pg

    from workbench.gui.runs.plot_style import follow_theme, style_plot

    widget = pg.PlotWidget()
    item = widget.getPlotItem()
    item.showGrid(x=True, y=True, alpha=0.25)
    item.setDownsampling(auto=True, mode="peak")
    item.setClipToView(True)
    item.addLegend(offset=(-10, 10))  # top right: curves usually start high on the left
    if title:
        item.setTitle(title)
    style_plot(widget)
    follow_theme(widget)
    return widget


def legend_text(label: str) -> str:
    """A plot legend renders HTML: a task's name is shown as the text it is."""
    return html.escape(label)


class MetricsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.session: RunSession | None = None
        self.plot: Any = None
        self.curves: dict[str, Any] = {}        # task id -> PlotDataItem for the chosen metric
        self.drawn: dict[str, int] = {}         # task id -> series length last drawn
        self.metric_box = QComboBox()
        self.metric_box.setMinimumContentsLength(12)
        self.metric_box.currentIndexChanged.connect(self.redraw)
        self.x_axis = QComboBox()
        self.x_axis.addItem("vs step", "step")
        self.x_axis.addItem("vs time (s)", "time")
        self.x_axis.currentIndexChanged.connect(self.redraw)
        self.smoothing = QSpinBox(minimum=1, maximum=1000, value=1, prefix="smooth ", suffix=" pts")
        self.smoothing.setToolTip("Moving average over this many points (1 = raw values)")
        self.smoothing.valueChanged.connect(self.redraw)
        self.log_y = QCheckBox("Log scale")
        self.log_y.toggled.connect(self._log_mode)
        auto = QPushButton("Auto-range")
        auto.clicked.connect(self.auto_range)
        self.readout = QLabel(" ")
        self.readout.setTextFormat(Qt.TextFormat.PlainText)  # task names are shown as the text they are
        self.tasks = QListWidget()
        self.tasks.setMinimumWidth(120)
        self.tasks.setMaximumWidth(360)
        # a long name wraps rather than being cut: loop iterations differ only at the end of theirs
        self.tasks.setWordWrap(True)
        self.tasks.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tasks.itemChanged.connect(self._task_toggled)
        bar = QHBoxLayout()
        for widget in (QLabel("Metric"), self.metric_box, self.x_axis, self.smoothing, self.log_y, auto):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.tasks)
        self.placeholder = QLabel("Metrics a task prints as WORKBENCH_METRIC lines appear here live.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.splitter.addWidget(self.placeholder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.readout)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)

    # ----- lifecycle --------------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.plot is None:
            self._build_plot()
        if self.session is not None:
            self.timer.start()
            self.refresh()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.timer.stop()  # nothing to draw for while hidden; the session keeps collecting

    def _build_plot(self) -> None:
        self.plot = make_plot_widget()
        self.plot.scene().sigMouseMoved.connect(self._hover)
        self.plot.getPlotItem().getViewBox().sigXRangeChanged.connect(self._view_moved)
        self.splitter.replaceWidget(1, self.plot)
        self.placeholder.deleteLater()
        self.plot.show()
        self.splitter.setStretchFactor(1, 1)
        side = max(160, min(300, self.width() // 3))
        self.splitter.setSizes([side, max(300, self.width() - side)])

    def set_session(self, session: RunSession | None) -> None:
        self.session = session
        self.tasks.clear()
        self.metric_box.blockSignals(True)
        self.metric_box.clear()
        self.metric_box.blockSignals(False)
        self.redraw()
        if session is not None and self.isVisible():
            self.timer.start()

    # ----- drawing ----------------------------------------------------------------------------

    def chosen_metric(self) -> str:
        return self.metric_box.currentText()

    def redraw(self) -> None:
        """Forget what was drawn (metric, axis or smoothing changed); the next refresh redraws."""
        if self.plot is not None:
            for curve in self.curves.values():
                self.plot.removeItem(curve)
        self.curves.clear()
        self.drawn.clear()
        self.refresh()

    def refresh(self) -> None:
        """Timer tick: pick up new metrics and tasks, then redraw only the curves that grew."""
        if self.session is None or self.plot is None:
            return
        names = self.session.metric_names()
        if [self.metric_box.itemText(i) for i in range(self.metric_box.count())] != names:
            current = self.chosen_metric()
            self.metric_box.blockSignals(True)
            self.metric_box.clear()
            self.metric_box.addItems(names)
            if current in names:
                self.metric_box.setCurrentText(current)
            elif "loss" in names:
                self.metric_box.setCurrentText("loss")
            self.metric_box.blockSignals(False)
        metric = self.chosen_metric()
        for (task_id, name), buffer in list(self.session.series.items()):
            if name != metric:
                continue
            item = self._task_item(task_id)
            if item.text() != self._label(task_id):  # a cached task's state arrives after its replayed series
                self._relabel(item, task_id)
            if item.checkState() != Qt.CheckState.Checked:
                continue
            if self.drawn.get(task_id) == buffer.size:
                continue
            self._draw(task_id, buffer)
        if self.session.finished and all(self.drawn.get(t) == b.size for (t, n), b in self.session.series.items()
                                         if n == metric and t in self.curves):
            self.timer.stop()

    def _task_item(self, task_id: str) -> QListWidgetItem:
        for row in range(self.tasks.count()):
            if self.tasks.item(row).data(Qt.ItemDataRole.UserRole) == task_id:
                return self.tasks.item(row)
        item = QListWidgetItem(self._label(task_id))
        item.setToolTip(self._tooltip(task_id))
        item.setData(Qt.ItemDataRole.UserRole, task_id)
        item.setCheckState(Qt.CheckState.Checked)
        item.setForeground(self._colour(self.tasks.count()))
        self.tasks.blockSignals(True)
        self.tasks.addItem(item)
        self.tasks.blockSignals(False)
        return item

    def _label(self, task_id: str) -> str:
        """The task's name in the list and the legend; a cached task's curves are the producing run's."""
        return self.session.names.label(task_id) + (" (cached)" if self.session.cached_from(task_id) else "")

    def _tooltip(self, task_id: str) -> str:
        cached = self.session.cached_from(task_id)
        return self.session.names.tooltip(task_id) + (f"\n{cached}" if cached else "")

    def _relabel(self, item: QListWidgetItem, task_id: str) -> None:
        """Relabel a task that turned out cached; its curve is redrawn with the new legend name."""
        self.tasks.blockSignals(True)
        item.setText(self._label(task_id))
        item.setToolTip(self._tooltip(task_id))
        self.tasks.blockSignals(False)
        if task_id in self.curves:
            self.plot.removeItem(self.curves.pop(task_id))
            self.drawn.pop(task_id, None)

    def _colour(self, index: int) -> QColor:
        return curve_color(index)

    def changeEvent(self, event: QEvent) -> None:
        """A theme switch: the task list takes the new curve colours (the plot restyles itself)."""
        if event.type() == QEvent.Type.PaletteChange:
            for row in range(self.tasks.count()):
                self.tasks.item(row).setForeground(self._colour(row))
        super().changeEvent(event)

    def xy(self, task_id: str) -> tuple[np.ndarray, np.ndarray]:
        """The curve as plotted: x by the chosen axis, y smoothed."""
        buffer = self.session.series[(task_id, self.chosen_metric())]
        if self.x_axis.currentData() == "time":
            x = buffer.times - (self.session.start_time or buffer.times[0])
        else:
            x = buffer.steps
        return x, smooth(buffer.values, self.smoothing.value())

    def _draw(self, task_id: str, buffer) -> None:
        x, y = self.xy(task_id)
        curve = self.curves.get(task_id)
        if curve is None:
            index = [self.tasks.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.tasks.count())].index(task_id)
            curve = add_curve(self.plot, name=legend_text(self._label(task_id)), index=index, width=1.6)
            curve.setDownsampling(auto=False)
            curve.setClipToView(False)
            self.curves[task_id] = curve
        view = self.plot.getPlotItem().getViewBox()
        x_range = None if view.autoRangeEnabled()[0] else tuple(view.viewRange()[0])
        shown_x, shown_y = envelope(*in_view(x, y, x_range), buckets=max(int(view.width()), 200))
        curve.setData(shown_x, shown_y, skipFiniteCheck=True)
        self.drawn[task_id] = buffer.size
        self._fit_legend()

    def _fit_legend(self) -> None:
        """The legend only where it leaves the curves room; the coloured task list beside the plot
        names every curve anyway."""
        legend = self.plot.getPlotItem().legend if self.plot is not None else None
        if legend is not None:
            legend.setVisible(legend.boundingRect().width() <= 0.6 * self.plot.width())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_legend()

    def _view_moved(self) -> None:
        """The user zoomed or panned: draw the points now in view at full detail."""
        if not self.plot.getPlotItem().getViewBox().autoRangeEnabled()[0]:
            self.drawn.clear()
            self.refresh()

    def plotted_points(self) -> dict[str, int]:
        """Task id -> points of the chosen metric currently handed to the plot (for tests)."""
        return dict(self.drawn)

    def _task_toggled(self, item: QListWidgetItem) -> None:
        task_id = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() != Qt.CheckState.Checked and task_id in self.curves:
            self.plot.removeItem(self.curves.pop(task_id))
            self.drawn.pop(task_id, None)
        self.refresh()

    def _log_mode(self, on: bool) -> None:
        if self.plot is not None:
            self.plot.getPlotItem().setLogMode(y=on)

    def auto_range(self) -> None:
        if self.plot is not None:
            self.plot.getPlotItem().enableAutoRange()

    def _hover(self, position) -> None:
        """Read out the point nearest the mouse on any shown curve."""
        if self.session is None or not self.curves:
            return
        point = self.plot.getPlotItem().vb.mapSceneToView(position)
        best = None
        for task_id in self.curves:
            x, y = self.xy(task_id)
            if not len(x):
                continue
            index = int(np.clip(np.searchsorted(x, point.x()), 0, len(x) - 1))
            shown_y = np.log10(max(y[index], 1e-300)) if self.log_y.isChecked() else y[index]
            distance = abs(shown_y - point.y())
            if best is None or distance < best[0]:
                best = (distance, task_id, x[index], y[index])
        if best is not None:
            axis = "t" if self.x_axis.currentData() == "time" else "step"
            self.readout.setText(f"{self.session.names.label(best[1])}  {self.chosen_metric()} = {best[3]:.6g}  "
                                 f"at {axis} {best[2]:.6g}")
