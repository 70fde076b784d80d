"""Every recorded run, local and remote: status, start, duration, parameters and key metrics;
filter as you type; open one (its graph with final states), compare several, delete.

The history is read on a worker thread (a long history or a busy writer must not freeze the
window); the table is filled when the answer arrives.
"""

from __future__ import annotations

import json
import time
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLineEdit, QMessageBox, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from workbench.gui.context_menus import show_history_menu
from workbench.gui.runs.controller import RunController
from workbench.gui.runs.final_metrics import number_item
from workbench.runs.compare import RunSummary, final_metrics, series_label
from workbench.runs.task_names import TaskNames

COLUMNS = ("Run", "Pipeline", "Status", "Target", "Start", "Duration", "Parameters", "Key metrics")
KEY_METRICS = 3


def load_history(store) -> list[dict[str, Any]]:
    """Worker thread: one row per run with its final metrics (Metrics artifacts only: cheap), named
    by the names given to the tasks (runs of one pipeline share its parsed names)."""
    rows, parsed = [], {}
    for run in store.list_runs():
        artifacts = store.artifacts(run.id)
        metrics = final_metrics(artifacts)
        if metrics and run.pipeline_yaml not in parsed:
            parsed[run.pipeline_yaml] = TaskNames.from_ir(run.pipeline_yaml)
        summary = RunSummary(run, metrics, names=parsed.get(run.pipeline_yaml, TaskNames()),
                             tasks=frozenset(a.task_id for a in artifacts))
        rows.append({"run": run, "metrics": {series_label(key, [summary]): value for key, value in metrics.items()}})
    return rows


def key_metrics_text(metrics: dict[str, float]) -> str:
    return ", ".join(f"{name}={value:.4g}" for name, value in sorted(metrics.items())[:KEY_METRICS]) + (
        f" (+{len(metrics) - KEY_METRICS})" if len(metrics) > KEY_METRICS else "")


class HistoryView(QWidget):
    open_requested = Signal(str)           # run id
    compare_requested = Signal(list)       # run ids
    rerun_requested = Signal(str)          # run id: run it again, shown on a new tab
    serve_requested = Signal(str)          # run id: serve its model
    tensorboard_requested = Signal(str)    # run id: open its logs in TensorBoard

    def __init__(self, controller: RunController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.rows: list[dict[str, Any]] = []
        self.filter = QLineEdit(placeholderText="Filter runs: id, pipeline, status, parameter=value",
                                clearButtonEnabled=True)
        self.filter.textChanged.connect(self._apply_filter)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _: self.open_selected())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(lambda pos: show_history_menu(self, pos))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.open_button = QPushButton("Open")
        self.open_button.clicked.connect(self.open_selected)
        self.compare_button = QPushButton("Compare")
        self.compare_button.clicked.connect(self.compare_selected)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        self.console_button = QPushButton("Console Page")
        self.console_button.setToolTip("Open a remote run's page in the Vertex AI console or the Kubeflow Pipelines UI")
        self.console_button.clicked.connect(self.open_console_of_selected)
        self.serve_button = QPushButton("Serve Model")
        self.serve_button.setToolTip("Start a local endpoint for the run's model (see the Endpoints panel)")
        self.serve_button.clicked.connect(lambda: self._emit_one(self.serve_requested))
        self.tensorboard_button = QPushButton("TensorBoard")
        self.tensorboard_button.setToolTip("Open the run's TensorBoard logs in TensorBoard")
        self.tensorboard_button.clicked.connect(lambda: self._emit_one(self.tensorboard_requested))
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.reload)
        bar = QHBoxLayout()
        bar.addWidget(self.filter, 1)
        for button in (self.open_button, self.compare_button, self.delete_button, self.console_button,
                       self.serve_button, self.tensorboard_button, refresh):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.loading = False
        self._update_buttons()

    def reload(self) -> None:
        if self.loading:
            return
        self.loading = True
        self.controller.in_background(lambda: load_history(self.controller.store()), self._loaded)

    def _loaded(self, rows: list[dict[str, Any]] | None, error: str) -> None:
        self.loading = False
        if error:
            self.window().statusBar().showMessage(f"Cannot read the run history: {error}", 6000)
            return
        self.rows = rows or []
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            run = row["run"]
            start = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.start_time)) if run.start_time else "-"
            target = (run.target or {}).get("name", run.backend) if run.target else run.backend
            cells = [QTableWidgetItem(run.id), QTableWidgetItem(run.pipeline_name), QTableWidgetItem(run.state),
                     QTableWidgetItem(str(target)), QTableWidgetItem(start),
                     number_item(round(run.duration, 1)) if run.duration is not None else QTableWidgetItem("-"),
                     QTableWidgetItem(", ".join(f"{k}={json.dumps(v, default=str)}" for k, v in run.arguments.items())),
                     QTableWidgetItem(key_metrics_text(row["metrics"]))]
            cells[0].setData(Qt.ItemDataRole.UserRole, run.id)
            for column, cell in enumerate(cells):
                self.table.setItem(index, column, cell)
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()
        self._apply_filter()

    def _apply_filter(self) -> None:
        needles = self.filter.text().lower().split()
        for row in range(self.table.rowCount()):
            text = " ".join(self.table.item(row, c).text().lower() for c in range(self.table.columnCount())
                            if self.table.item(row, c))
            self.table.setRowHidden(row, not all(n in text for n in needles))

    def visible_run_ids(self) -> list[str]:
        return [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(self.table.rowCount())
                if not self.table.isRowHidden(r)]

    def selected_run_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]

    def select_runs(self, run_ids: list[str]) -> None:
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) in run_ids:
                self.table.selectRow(row)
        self.table.setSelectionMode(mode)

    def _update_buttons(self) -> None:
        ids = self.selected_run_ids()
        self.open_button.setEnabled(len(ids) == 1)
        self.compare_button.setEnabled(len(ids) >= 2)
        self.delete_button.setEnabled(len(ids) >= 1)
        local = len(ids) == 1 and self._record(ids[0]) is not None and not (self._record(ids[0]).target or {}).get(
            "remote_id")
        self.serve_button.setEnabled(local)
        self.tensorboard_button.setEnabled(local)
        self.console_button.setEnabled(len(ids) == 1 and self._record(ids[0]) is not None
                                       and bool((self._record(ids[0]).target or {}).get("remote_id")))

    def _record(self, run_id: str):
        return next((row["run"] for row in self.rows if row["run"].id == run_id), None)

    def open_console_of_selected(self) -> str | None:
        """The selected remote run's console page, in the browser; returns its address."""
        from workbench.gui.console_page import open_console_page

        ids = self.selected_run_ids()
        return open_console_page(self._record(ids[0]), self) if len(ids) == 1 else None

    def _emit_one(self, signal) -> None:
        ids = self.selected_run_ids()
        if len(ids) == 1:
            signal.emit(ids[0])

    def open_selected(self) -> None:
        ids = self.selected_run_ids()
        if len(ids) == 1:
            self.open_requested.emit(ids[0])

    def rerun_selected(self) -> None:
        self._emit_one(self.rerun_requested)

    def deletable_run_ids(self) -> list[str]:
        """The selected runs that are not in flight (a running run cannot be deleted)."""
        running = {s.run_id for s in self.controller.running()}
        return [run_id for run_id in self.selected_run_ids() if run_id not in running]

    def compare_selected(self) -> None:
        ids = self.selected_run_ids()
        if len(ids) >= 2:
            self.compare_requested.emit(ids)

    def delete_selected(self) -> None:
        ids = self.deletable_run_ids()
        if not ids:
            return
        answer = QMessageBox.question(self, "Delete runs", f"Delete {len(ids)} run(s) and everything recorded "
                                      "for them (logs, metrics, artifact records)?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        store = self.controller.store
        self.controller.in_background(lambda: [store().delete_run(run_id) for run_id in ids],
                                      lambda _result, error: self.reload())
