"""The one door from engine worker threads into the GUI thread.

`sink` is an EventSink: called on any engine thread, it only appends to a list under a lock. The
first event of a batch posts a queued wake-up to the bridge's (GUI) thread; when the GUI gets to
it, it takes every event that piled up meanwhile and emits them as one `received` list, in the
order they happened. 10,000 metric lines a second therefore cost a handful of signal deliveries,
never one per line, and nothing ever calls processEvents.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal

from workbench.runs.events import RunEvent


class RunEventBridge(QObject):
    received = Signal(list)  # list[RunEvent], on the bridge's thread (the GUI thread)
    _wake = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: list[RunEvent] = []
        self._wake.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    def sink(self, event: RunEvent) -> None:
        """EventSink for the engine (any thread). Never blocks beyond a list append."""
        with self._lock:
            self._pending.append(event)
            first = len(self._pending) == 1
        if first:
            self._wake.emit()

    def _drain(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        if batch:
            self.received.emit(batch)
