"""The Endpoints dock: the local endpoints (name, model, backend, URL, health), refreshed off the GUI
thread; "Try it" sends the request in the editor (pre-filled from the model card's example) and
shows the answer and its latency; Stop ends an endpoint; `serve` starts one in the background.

Everything slow (Docker, health probes, starting a server, a prediction) runs through Jobs; the
table is refilled by a deferred rebuild, never inside the event that asked for it.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from workbench.errors import WorkbenchError
from workbench.gui.deferred_rebuild import DeferredRebuild
from workbench.gui.jobs import Jobs

COLUMNS = ("Name", "Health", "URL", "Backend", "Model")
REFRESH_MS = 3000
BACKENDS = (("Automatic (Docker when running)", None), ("Docker", "docker"), ("Local process", "subprocess"))


def list_with_health(manager) -> list[tuple[Any, bool]]:
    """Worker thread: every endpoint and whether its health route answers."""
    from workbench.serving.endpoints import is_healthy

    return [(endpoint, endpoint.state == "running" and bool(endpoint.url) and is_healthy(endpoint.url, timeout=1.0))
            for endpoint in manager.list()]


class EndpointsPanel(QWidget):
    endpoint_started = Signal(object)  # Endpoint

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._manager = None
        self.jobs = Jobs(self, max_threads=3)
        self.rows: list[tuple[Any, bool]] = []
        self._refreshing = False
        self._sample_for = ""
        self.backend_choice = QComboBox()
        for text, backend in BACKENDS:
            self.backend_choice.addItem(text, backend)
        self.backend_choice.setToolTip("Where \"Serve this model\" starts the server")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.stop_button = QPushButton("Stop endpoint")
        self.stop_button.clicked.connect(self.stop_selected)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._build_layout(self._build_try_it())
        self._rebuild = DeferredRebuild(self._fill_table, self)
        self.timer = QTimer(self, interval=REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self._update_buttons()

    def _build_try_it(self) -> QGroupBox:
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.request_editor = QPlainTextEdit(placeholderText='{"instances": [[...]]}')
        self.request_editor.setFont(mono)
        self.response_view = QPlainTextEdit(readOnly=True, placeholderText="The endpoint's answer")
        self.response_view.setFont(mono)
        self.send_button = QPushButton("Send")
        self.send_button.clicked.connect(self.send)
        self.sample_button = QPushButton("Sample")
        self.sample_button.setToolTip("Put the model card's example request back in the editor")
        self.sample_button.clicked.connect(lambda: self._load_sample(force=True))
        self.latency = QLabel("")
        bar = QHBoxLayout()
        for widget in (self.send_button, self.sample_button):
            bar.addWidget(widget)
        bar.addWidget(self.latency, 1)
        group = QGroupBox("Try it")
        layout = QVBoxLayout(group)
        layout.addWidget(QLabel("Request (POST to the predict route)"))
        layout.addWidget(self.request_editor, 1)
        layout.addLayout(bar)
        layout.addWidget(QLabel("Response"))
        layout.addWidget(self.response_view, 1)
        return group

    def _build_layout(self, try_it: QGroupBox) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Serve with"))
        bar.addWidget(self.backend_choice)
        bar.addStretch(1)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(try_it, 2)

    @property
    def manager(self):
        """The endpoint manager, made on first use on the GUI thread (keeps serving out of app startup)."""
        if self._manager is None:
            from workbench.serving.manager import EndpointManager

            self._manager = EndpointManager()
        return self._manager

    # ----- listing -----------------------------------------------------------------------------

    def _tick(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        if self._refreshing:
            return
        self._refreshing = True
        manager = self.manager
        self.jobs.run(lambda: list_with_health(manager), self._listed, self._list_failed)

    def _listed(self, rows: list[tuple[Any, bool]]) -> None:
        self._refreshing = False
        self.rows = rows
        self._rebuild.request()

    def _list_failed(self, error: WorkbenchError) -> None:
        self._refreshing = False
        self._say(f"Cannot list endpoints: {error}")

    def _fill_table(self) -> None:
        keep = self.selected_name()
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for index, (endpoint, healthy) in enumerate(self.rows):
            health = "healthy" if healthy else ("not answering" if endpoint.state == "running" else endpoint.state)
            cells = (endpoint.name, health, endpoint.predict_url if endpoint.url else "-", endpoint.backend,
                     f"{endpoint.framework} \u00b7 {endpoint.source}")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(index, column, item)
            self.table.item(index, 0).setData(Qt.ItemDataRole.UserRole, endpoint.name)
            if endpoint.name == keep:
                self.table.selectRow(index)
        if keep is None and self.rows:
            self.table.selectRow(0)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        self._selection_changed()

    def selected_name(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole) if rows else None

    def select(self, name: str) -> bool:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == name:
                self.table.selectRow(row)
                return True
        return False

    def _endpoint(self, name: str | None):
        return next((endpoint for endpoint, _ in self.rows if endpoint.name == name), None)

    def _selection_changed(self) -> None:
        self._update_buttons()
        name = self.selected_name()
        if name and name != self._sample_for:
            self._load_sample()

    def _update_buttons(self) -> None:
        selected = self.selected_name() is not None
        self.stop_button.setEnabled(selected)
        self.send_button.setEnabled(selected)
        self.sample_button.setEnabled(selected)

    # ----- try it ------------------------------------------------------------------------------

    def _load_sample(self, force: bool = False) -> None:
        name = self.selected_name()
        if not name:
            return
        self._sample_for = name

        def loaded(sample: dict) -> None:
            if self.selected_name() == name and (force or self._sample_for == name):
                self.request_editor.setPlainText(json.dumps(sample, indent=2))
        manager = self.manager
        self.jobs.run(lambda: manager.sample(name), loaded,
                      lambda error: self._say(f"No sample request for {name}: {error}"))

    def send(self) -> None:
        endpoint = self._endpoint(self.selected_name())
        if endpoint is None:
            return
        from workbench.serving.endpoints import send_request

        body = self.request_editor.toPlainText().encode("utf-8")
        self.send_button.setEnabled(False)
        self.latency.setText("sending\u2026")
        self.jobs.run(lambda: send_request(endpoint, body), self._answered, self._not_answered)

    def _answered(self, result: tuple[int, str, float]) -> None:
        status, text, seconds = result
        try:
            text = json.dumps(json.loads(text), indent=2)
        except ValueError:
            pass
        self.response_view.setPlainText(text)
        self.latency.setText(f"HTTP {status} \u00b7 {seconds * 1000:.1f} ms")
        self._update_buttons()

    def _not_answered(self, error: WorkbenchError) -> None:
        self.response_view.setPlainText(str(error))
        self.latency.setText("no answer")
        self._update_buttons()

    # ----- start and stop ----------------------------------------------------------------------

    def serve(self, load_model: Callable[[], Any], on_started: Callable[[Any], None] | None = None) -> None:
        """Start an endpoint for the model `load_model()` finds (run on a worker: it reads the run)."""
        from workbench.serving.manager import default_endpoint_name

        backend, manager = self.backend_choice.currentData(), self.manager

        def start():
            model = load_model()
            return manager.start(model, default_endpoint_name(model), backend=backend)

        def started(endpoint) -> None:
            self._say(f"Endpoint {endpoint.name} ({endpoint.backend}) is serving at {endpoint.predict_url}")
            self.endpoint_started.emit(endpoint)
            self._sample_for = ""
            self._after_refresh_select(endpoint.name)
            if on_started is not None:
                on_started(endpoint)
        self._say("Starting an endpoint\u2026")
        self.jobs.run(start, started, lambda error: self._say(f"Cannot serve the model: {error}"))

    def _after_refresh_select(self, name: str) -> None:
        def listed(rows) -> None:
            self._listed(rows)
            QTimer.singleShot(0, lambda: self.select(name))
        self._refreshing = True
        manager = self.manager
        self.jobs.run(lambda: list_with_health(manager), listed, self._list_failed)

    def stop_selected(self) -> None:
        name = self.selected_name()
        if not name:
            return
        self.stop_button.setEnabled(False)
        self._say(f"Stopping {name}\u2026")

        def stopped(_endpoint) -> None:
            self._say(f"Stopped endpoint {name}")
            self.refresh()
        manager = self.manager
        self.jobs.run(lambda: manager.stop(name), stopped,
                      lambda error: self._say(f"Cannot stop {name}: {error}"))

    def _say(self, text: str) -> None:
        self.status.setText(text)
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 8000)
