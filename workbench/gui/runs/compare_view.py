"""Comparing two or more runs: parameter differences, a metrics table with the best value
marked, overlaid metric curves, overlaid ROC curves, a parallel-coordinates plot from the
parameters to a chosen metric, and a diff of the runs' pipelines.

The numbers come from `workbench.runs.compare` (shared with `workbench runs compare`); the runs
are read on a worker thread and the tabs are built when they arrive.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QTableWidget, QTableWidgetItem, QTabWidget,
                               QTextBrowser, QVBoxLayout, QWidget)
from shiboken6 import isValid

from workbench.gui.runs.controller import RunController
from workbench.gui.theme import status_color
from workbench.runs.compare import (RunSummary, format_value, graph_diff, metrics_table, parameter_differences,
                                    series_label, summarize, task_label)

BEST = QColor(46, 160, 67, 70)


def short(run_id: str) -> str:
    return run_id[-13:] if len(run_id) > 13 else run_id


def _numeric(values: list) -> tuple[np.ndarray, list[str] | None]:
    """Axis positions for a parameter: numbers as they are, anything else by category index."""
    try:
        return np.array([float(v) for v in values]), None
    except (TypeError, ValueError):
        categories = sorted({format_value(v) for v in values})
        return np.array([categories.index(format_value(v)) for v in values], dtype=float), categories


class CompareView(QWidget):
    loaded = Signal()

    def __init__(self, controller: RunController, run_ids: list[str], parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(f"Compare {len(run_ids)} runs")
        self.resize(1200, 760)
        self.controller, self.run_ids = controller, list(run_ids)
        self.summaries: list[RunSummary] = []
        self.tabs = QTabWidget()
        self.status = QLabel(f"Reading {len(run_ids)} runs\u2026")
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs)
        store = controller.store
        controller.in_background(lambda: [summarize(store(), run_id) for run_id in self.run_ids], self._loaded)

    def _loaded(self, summaries: list[RunSummary] | None, error: str) -> None:
        if not isValid(self):  # closed before the runs were read
            return
        if error:
            self.status.setText(f"Cannot compare: {error}")
            return
        self.summaries = summaries or []
        self.status.setText("  \u00b7  ".join(f"{s.run.id} ({s.run.state})" for s in self.summaries))
        self.tabs.addTab(self._parameters_tab(), "Parameters")
        self.tabs.addTab(self._metrics_tab(), "Metrics")
        self.tabs.addTab(self._curves_tab(), "Curves")
        self.tabs.addTab(self._roc_tab(), "ROC")
        self.tabs.addTab(self._parallel_tab(), "Parallel coordinates")
        self.tabs.addTab(self._diff_tab(), "Pipeline diff")
        self.loaded.emit()

    # ----- tables -----------------------------------------------------------------------------

    def _table(self, first: str) -> QTableWidget:
        table = QTableWidget(0, 1 + len(self.summaries))
        table.setHorizontalHeaderLabels([first, *(short(s.run.id) for s in self.summaries)])
        for column, summary in enumerate(self.summaries, start=1):
            table.horizontalHeaderItem(column).setToolTip(summary.run.id)
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        return table

    def _parameters_tab(self) -> QWidget:
        differences = parameter_differences([s.run for s in self.summaries])
        names = sorted({n for s in self.summaries for n in s.run.arguments})
        table = self._table("Parameter")
        table.setRowCount(len(names))
        for row, name in enumerate(names):
            differs = name in differences
            head = QTableWidgetItem(name + ("  \u2260" if differs else ""))
            if differs:
                font = QFont()
                font.setBold(True)
                head.setFont(font)
            table.setItem(row, 0, head)
            for column, summary in enumerate(self.summaries, start=1):
                table.setItem(row, column, QTableWidgetItem(format_value(summary.run.arguments.get(name))))
        table.resizeColumnsToContents()
        self.parameter_table = table
        return table

    def _metrics_tab(self) -> QWidget:
        rows = sorted(metrics_table(self.summaries), key=lambda row: series_label(row.name, self.summaries))
        sources = [summary.cached_from for summary in self.summaries]
        table = self._table("Metric")
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            head = QTableWidgetItem(series_label(row.name, self.summaries) + (" \u2193" if row.lower_is_better
                                                                                else " \u2191"))
            head.setToolTip(row.name)
            table.setItem(r, 0, head)
            for column, value in enumerate(row.values, start=1):
                producer = sources[column - 1].get(row.name) if value is not None else None
                item = QTableWidgetItem(format_value(value) + ("  \u2605" if column - 1 == row.best else "")
                                        + (f"  (cached from {short(producer)})" if producer else ""))
                tips = (["best of the compared runs"] if column - 1 == row.best else []) + (
                    [f"cached: the value of run {producer}, which produced the cache entry"] if producer else [])
                if column - 1 == row.best:
                    item.setBackground(BEST)
                item.setToolTip("\n".join(tips))
                table.setItem(r, column, item)
        table.resizeColumnsToContents()
        self.metrics_rows = rows
        return table

    # ----- plots ------------------------------------------------------------------------------

    def _curves_tab(self) -> QWidget:
        from workbench.gui.runs.metrics_dock import make_plot_widget
        from workbench.gui.runs.plot_style import add_curve

        names = sorted({name for s in self.summaries for name in s.curves})
        box = QWidget()
        layout = QVBoxLayout(box)
        chooser = self._series_chooser(names)
        if any(n.endswith("/loss") for n in names):
            chooser.setCurrentIndex(chooser.findData(next(n for n in names if n.endswith("/loss"))))
        plot = make_plot_widget()
        plot.getPlotItem().setLabel("bottom", "step")

        def draw() -> None:
            plot.getPlotItem().clear()
            plot.getPlotItem().legend.clear()
            for index, summary in enumerate(self.summaries):
                points = summary.curves.get(chooser.currentData())
                if points:
                    x, y = zip(*points)
                    add_curve(plot, x, y, name=short(summary.run.id), index=index)
        chooser.currentIndexChanged.connect(draw)
        draw()
        row = QHBoxLayout()
        row.addWidget(QLabel("Series"))
        row.addWidget(chooser, 1)
        layout.addLayout(row)
        layout.addWidget(plot, 1)
        self.curve_chooser = chooser
        return box

    def _roc_tab(self) -> QWidget:
        from workbench.gui.runs.artifact_views import roc_plot

        curves = {f"{short(s.run.id)} {task_label(task, self.summaries)}": points
                  for s in self.summaries for task, points in s.roc.items()}
        if not curves:
            return QLabel("None of these runs produced ClassificationMetrics.")
        return roc_plot(curves, "ROC curves of every run")

    def _parallel_tab(self) -> QWidget:
        """One vertical axis a parameter that differs, the chosen metric last; a line a run."""
        metrics = sorted({name for s in self.summaries for name in s.metrics})
        box = QWidget()
        layout = QVBoxLayout(box)
        chooser = self._series_chooser(metrics)
        preferred = [m for m in metrics if m.endswith("roc_auc")] or [m for m in metrics if "loss" not in m]
        if preferred:
            chooser.setCurrentIndex(chooser.findData(preferred[0]))
        from workbench.gui.runs.metrics_dock import make_plot_widget

        plot = make_plot_widget()
        chooser.currentIndexChanged.connect(lambda: self._draw_parallel(plot, chooser.currentData()))
        row = QHBoxLayout()
        row.addWidget(QLabel("Metric"))
        row.addWidget(chooser, 1)
        layout.addLayout(row)
        layout.addWidget(plot, 1)
        self.parallel_chooser, self.parallel_plot = chooser, plot
        self._draw_parallel(plot, chooser.currentData())
        return box

    def _series_chooser(self, keys: list[str]) -> QComboBox:
        """A dropdown of `task/metric` keys shown by the names people gave (the key in the tooltip)."""
        chooser = QComboBox()
        chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        chooser.setMinimumContentsLength(40)
        for key in sorted(keys, key=lambda key: series_label(key, self.summaries)):
            chooser.addItem(series_label(key, self.summaries), key)
            chooser.setItemData(chooser.count() - 1, key, Qt.ItemDataRole.ToolTipRole)
        return chooser

    def _draw_parallel(self, plot, metric: str | None) -> None:
        import pyqtgraph as pg

        from workbench.gui.runs.plot_style import add_curve, plot_colors

        item = plot.getPlotItem()
        item.clear()
        differences = parameter_differences([s.run for s in self.summaries])
        axes = [(name, *_numeric(values)) for name, values in differences.items()]
        metric_values = [s.metrics.get(metric) for s in self.summaries]
        usable = [i for i, v in enumerate(metric_values) if v is not None]
        if not metric or not usable:
            item.setTitle("no run has this metric")
            return
        axes.append((series_label(metric, self.summaries),
                     np.array([metric_values[i] if metric_values[i] is not None else np.nan
                               for i in range(len(self.summaries))]), None))
        columns = []
        for name, values, categories in axes:
            low, high = np.nanmin(values), np.nanmax(values)
            span = (high - low) or 1.0
            columns.append((values - low) / span)
            for position, value in ((0.0, low), (1.0, high)):
                label = categories[int(value)] if categories else format_value(float(value))
                text = pg.TextItem(label, color=plot_colors().text, anchor=(0.5, 1.2 if position == 0.0 else -0.2))
                text.setPos(len(columns) - 1, position)
                item.addItem(text)
            add_curve(item, [len(columns) - 1] * 2, [0, 1], index=None, width=1)
        scores = columns[-1]
        for index in usable:
            shade = float(scores[index]) if np.isfinite(scores[index]) else 0.0
            colour = pg.mkColor(int(220 * (1 - shade)), int(60 + 120 * shade), int(200 * shade))
            item.plot(list(range(len(columns))), [float(c[index]) for c in columns],
                      pen=pg.mkPen(colour, width=2.5), symbol="o", symbolSize=6, symbolBrush=colour,
                      name=short(self.summaries[index].run.id))
        item.getAxis("bottom").setTicks([[(i, name) for i, (name, _, _) in enumerate(axes)]])
        item.getAxis("left").setTicks([[(0, "min"), (1, "max")]])
        item.setTitle(html.escape(f"parameters \u2192 {series_label(metric, self.summaries)}"))
        item.setRange(xRange=(-0.3, len(columns) - 0.7), yRange=(-0.15, 1.15))

    def _diff_tab(self) -> QWidget:
        browser = QTextBrowser()
        base = self.summaries[0]
        parts = []
        for other in self.summaries[1:]:
            title = f"{html.escape(base.run.id)} \u2192 {html.escape(other.run.id)}"
            if not base.run.pipeline_yaml or not other.run.pipeline_yaml:
                parts.append(f"<h3>{title}</h3><p>a run has no stored pipeline</p>")
                continue
            diff = graph_diff(base.run.pipeline_yaml, other.run.pipeline_yaml)
            if diff.empty:
                parts.append(f"<h3>{title}</h3><p>Same pipeline: no task added, removed or changed.</p>")
                continue
            new, old = other.names, base.names
            added, removed, changed = (status_color(kind) for kind in ("success", "error", "warning"))
            items = [f"<li style='color:{added}'>+ added <b>{html.escape(new.label(t))}</b></li>" for t in diff.added]
            items += [f"<li style='color:{removed}'>\u2212 removed <b>{html.escape(old.label(t))}</b></li>"
                      for t in diff.removed]
            items += [f"<li style='color:{changed}'>~ changed <b>{html.escape(new.label(t))}</b>: {', '.join(what)}</li>"
                      for t, what in diff.changed.items()]
            parts.append(f"<h3>{title}</h3><ul>{''.join(items)}</ul>")
        browser.setHtml("".join(parts) or "<p>Only one run.</p>")
        self.diff_browser = browser
        return browser
