"""Slow work (starting runs, reading the run store, bundle export and import, library reads and
writes on a shared folder) runs on a pool thread so the window stays responsive; the outcome comes
back on the GUI thread.

Results are relayed through a QObject owned by the GUI thread: a signal emitted on the worker and
received by a method of that object is queued, so callbacks never run on the worker.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from workbench.errors import WorkbenchError


class _Relay(QObject):
    finished = Signal(int, object, object)  # job number, result, WorkbenchError or None


class _Task(QRunnable):
    def __init__(self, number: int, work: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.number, self.work, self.relay = number, work, relay

    def run(self) -> None:
        try:
            result, error = self.work(), None
        except WorkbenchError as exc:
            result, error = None, exc
        except OSError as exc:
            result, error = None, WorkbenchError(exc.strerror or str(exc), path=exc.filename)
        except Exception as exc:  # a bug must not kill the worker silently: show it
            result, error = None, WorkbenchError(f"internal error: {type(exc).__name__}: {exc}")
        self.relay.finished.emit(self.number, result, error)


class Jobs(QObject):
    """Run `work()` off the GUI thread; then `done(result)` or `failed(error)` on the GUI thread."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._finished)
        self._pending: dict[int, tuple[Callable, Callable]] = {}
        self._number = 0

    def run(self, work: Callable[[], Any], done: Callable[[Any], None],
            failed: Callable[[WorkbenchError], None]) -> None:
        self._number += 1
        self._pending[self._number] = (done, failed)
        self.pool.start(_Task(self._number, work, self._relay))

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def _finished(self, number: int, result: Any, error: WorkbenchError | None) -> None:
        done, failed = self._pending.pop(number)
        if error is None:
            done(result)
        else:
            failed(error)

    def wait(self, msecs: int = -1) -> bool:
        """For shutdown and tests: block until the pool is idle (results still arrive as events)."""
        return self.pool.waitForDone(msecs)
