"""Starting, cancelling and re-running runs for the window; several may be in flight at once.

Everything that may block (compiling, asking Docker, opening the history, recording the run,
submitting to a remote target) happens on a worker thread; the GUI thread only creates the
`RunSession`, applies event batches from the bridge and tells views what changed.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from workbench.errors import WorkbenchError
from workbench.gui.jobs import Jobs
from workbench.gui.runs.bridge import RunEventBridge
from workbench.gui.runs.session import RunOptions, RunSession
from workbench.runs.events import RunEvent, RunFinished

LOCAL_TARGETS = {"docker": "Local Docker", "subprocess": "Local processes"}


class RunController(QObject):
    session_started = Signal(object)   # RunSession, before its first event
    session_updated = Signal(object)   # RunSession, after a batch of its events was applied
    session_finished = Signal(object)  # RunSession, final state known
    start_failed = Signal(object, str)  # RunSession, message

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.bridge = RunEventBridge(self)
        self.bridge.received.connect(self._apply)
        self.sessions: dict[str, RunSession] = {}
        self.handles: dict[str, Any] = {}  # run id -> RunHandle (local) or RemoteFollower
        self._cancel_asked: set[str] = set()
        self.jobs = Jobs(self, max_threads=max(4, os.cpu_count() or 4))
        self._store = None
        self._store_lock = threading.Lock()

    # ----- history ---------------------------------------------------------------------------

    def store(self):
        """The run history, opened on first use (from whichever thread needs it first)."""
        with self._store_lock:
            if self._store is None:
                from workbench.runs import paths
                from workbench.runs.store import RunStore

                self._store = RunStore(paths.runs_db_path())
                self._store.mark_interrupted()
            return self._store

    def in_background(self, job: Callable[[], Any], callback: Callable[[Any, str], None]) -> None:
        """Run `job` on the worker pool; `callback(result, error text)` is called on the GUI thread."""
        self.jobs.run(job, lambda result: callback(result, ""), lambda error: callback(None, str(error)))

    # ----- starting --------------------------------------------------------------------------

    def start(self, options: RunOptions) -> RunSession:
        from workbench.runs.engine import new_run_id

        session = RunSession(new_run_id(), options)
        self.sessions[session.run_id] = session
        self.session_started.emit(session)
        self.in_background(lambda: self._launch(session.run_id, options),
                           lambda handle, error: self._launched(session, handle, error))
        return session

    def _launch(self, run_id: str, options: RunOptions) -> Any:
        """Worker thread: local engine or remote submission; returns something with cancel()."""
        if options.target not in LOCAL_TARGETS:
            from workbench.gui.runs.remote_start import submit_remote

            return submit_remote(self.store(), run_id, options, self.bridge.sink)
        from workbench.runs.launcher import choose_backend, start_local_run

        backend = choose_backend(options.target, lambda message: None)
        return start_local_run(self.store(), options.ir_text, options.arguments, backend=backend,
                               sinks=[self.bridge.sink], progress=lambda message: None,
                               max_parallel=options.max_parallel, use_cache=options.use_cache,
                               run_id=run_id, force_tasks=options.force_tasks)

    def _launched(self, session: RunSession, handle: Any, error: str) -> None:
        if error:
            session.state, session.message = "failed", error
            self.start_failed.emit(session, error)
            self.session_finished.emit(session)
            return
        self.handles[session.run_id] = handle
        if session.run_id in self._cancel_asked:
            handle.cancel()

    # ----- control ---------------------------------------------------------------------------

    def cancel(self, run_id: str) -> None:
        """Ask a run to stop; its tasks are stopped by the engine and it ends as 'cancelled'."""
        self._cancel_asked.add(run_id)
        handle = self.handles.get(run_id)
        if handle is not None:
            handle.cancel()

    def rerun(self, session: RunSession) -> RunSession:
        """The same pipeline (its exact YAML) with the same arguments and options."""
        return self.start(replace(self._options_of(session), force_tasks=()))

    def rerun_from(self, session: RunSession, task_name: str) -> RunSession:
        """Run again with the cache on; `task_name` and everything downstream really run."""
        return self.start(replace(self._options_of(session), use_cache=True, force_tasks=(task_name,)))

    @staticmethod
    def _options_of(session: RunSession) -> RunOptions:
        if session.options is None or not session.options.ir_text:
            raise WorkbenchError(f"run {session.run_id} has no stored pipeline to run again")
        options = session.options
        if options.target not in LOCAL_TARGETS and not session.live:
            options = replace(options, target="docker")  # a history record knows only the backend
        return options

    def running(self) -> list[RunSession]:
        return [s for s in self.sessions.values() if not s.finished]

    def wait_all(self, timeout: float) -> bool:
        """For tests and shutdown: wait until every handle reports an end (worker-side wait)."""
        return all(h.wait(timeout) not in ("running", None) for h in list(self.handles.values()))

    def shutdown(self) -> None:
        """Cancel what still runs (the window is closing) and close the history."""
        for session in self.running():
            self.cancel(session.run_id)
        for handle in list(self.handles.values()):
            handle.wait(10)
        self.jobs.wait(10_000)
        if self._store is not None:
            self._store.close()
            self._store = None

    # ----- events ----------------------------------------------------------------------------

    def _apply(self, batch: list[RunEvent]) -> None:
        touched: dict[str, RunSession] = {}
        finished: list[RunSession] = []
        for event in batch:
            session = self.sessions.get(event.run_id)
            if session is None:
                continue
            session.apply(event)
            touched[session.run_id] = session
            if isinstance(event, RunFinished):
                finished.append(session)
        for session in touched.values():
            self.session_updated.emit(session)
        for session in finished:
            self.session_finished.emit(session)
