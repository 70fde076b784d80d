"""The final metrics of a run (Metrics artifacts and the last value of each live series) in a
sortable table, so the best task is one click on a column header away; a cached task's values
say which run they come from."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from workbench.gui.runs.session import RunSession
from workbench.runs.compare import METRICS_TYPE


def run_metrics(session: RunSession) -> list[tuple[str, str, float]]:
    """(task, metric, value): scalar Metrics artifact values, then `name (last)` of live series."""
    rows = []
    for artifact in session.artifacts:
        if artifact.type == METRICS_TYPE:
            rows += [(artifact.task_id, name, float(value)) for name, value in artifact.metadata.items()
                     if isinstance(value, (int, float)) and not isinstance(value, bool)]
    rows += [(task_id, f"{name} (last)", float(buffer.values[-1]))
             for (task_id, name), buffer in session.series.items() if buffer.size]
    return rows


def number_item(value: float) -> QTableWidgetItem:
    """A cell that sorts by number, not by text."""
    item = QTableWidgetItem()
    item.setData(Qt.ItemDataRole.DisplayRole, value)
    return item


class FinalMetricsTable(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Task", "Metric", "Value", "Source"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.table)
        self.session: RunSession | None = None
        self._count = -1

    def set_session(self, session: RunSession | None) -> None:
        self.session, self._count = session, -1
        self.refresh()

    def refresh(self) -> None:
        rows = run_metrics(self.session) if self.session else []
        if len(rows) == self._count and not (self.session and not self.session.finished):
            return
        self._count = len(rows)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for row, (task, metric, value) in enumerate(rows):
            name = QTableWidgetItem(self.session.names.label(task))
            name.setToolTip(self.session.names.tooltip(task))
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(metric))
            self.table.setItem(row, 2, number_item(value))
            self.table.setItem(row, 3, QTableWidgetItem(self.session.cached_from(task)))
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()
