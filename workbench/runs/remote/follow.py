"""Follow a submitted remote run on a worker thread, emitting the events the local engine emits.

Each poll reads the run's state once; `EventDiffer` turns what changed into events. A network
error is retried with exponential backoff, a bounded number of times; after that (or after an
error that retrying cannot fix) following stops with a message. The remote run itself goes on
and stays 'running' in the history, to be refreshed later (`tracking.refresh_unfinished`).
"""

from __future__ import annotations

import threading
from typing import Sequence

from workbench.errors import RunError
from workbench.runs.events import EventSink
from workbench.runs.remote.client import RemoteClient
from workbench.runs.remote.states import run_state
from workbench.runs.remote.status import EventDiffer

POLL_INTERVAL_S = 10.0
MAX_RETRIES = 6
MAX_BACKOFF_S = 120.0
JOIN_TIMEOUT_S = 30.0
LOST = "lost"


class RemoteFollower:
    """`wait()` gives the run state (RUN_STATES) once it ended, `LOST` when following gave up."""

    def __init__(self, client: RemoteClient, remote_id: str, run_id: str, sinks: Sequence[EventSink], *,
                 interval: float = POLL_INTERVAL_S, max_retries: int = MAX_RETRIES,
                 known_states: dict[str, str] | None = None):
        self.client = client
        self.remote_id = remote_id
        self.run_id = run_id
        self.interval = interval
        self.max_retries = max_retries
        self.state: str | None = None
        self.message = ""
        self._sinks = list(sinks)
        self._differ = EventDiffer(run_id, known_states)
        self._stop = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"follow-{run_id[:16]}", daemon=True)

    def start(self) -> RemoteFollower:
        self._thread.start()
        return self

    def wait(self, timeout: float) -> str | None:
        """The final state, or None while the run is still being followed after `timeout` seconds."""
        self._done.wait(timeout)
        return self.state

    def cancel(self) -> None:
        """Ask the service to cancel the run; following goes on until the service reports it ended."""
        self.client.cancel(self.remote_id)

    def stop(self) -> None:
        """Stop following (the remote run is not touched)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(JOIN_TIMEOUT_S)

    def _run(self) -> None:
        try:
            self._loop()
        except BaseException as exc:  # a bug: end the wait, keep the traceback on stderr
            self._end(LOST, f"following the run failed: {exc!r}")
            raise

    def _loop(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                status = self.client.status(self.remote_id)
            except RunError as exc:
                if self.client.is_transient(exc) and failures < self.max_retries:
                    failures += 1
                    self._stop.wait(min(MAX_BACKOFF_S, self.interval * 2 ** failures))
                    continue
                tries = f" after {failures + 1} tries" if failures else ""
                self._end(LOST, f"stopped following the run{tries}: {exc}. It goes on remotely; "
                                "`workbench runs list` refreshes its state later")
                return
            failures = 0
            for event in self._differ.events(status):
                for sink in self._sinks:
                    sink(event)
            if status.done:
                self._end(run_state(status.state), status.message)
                return
            self._stop.wait(self.interval)
        self._end(LOST, "stopped following the run")

    def _end(self, state: str, message: str) -> None:
        self.state, self.message = state, message
        self._done.set()
