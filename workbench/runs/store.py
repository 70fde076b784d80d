"""Run history in SQLite (WAL): what ran, with which inputs, how it went, and what it printed.

Events arrive on the engine's worker threads, sometimes thousands of metric points a second, so
`on_event` only queues them; one writer thread commits them in batches. Reads first wait for what
this process has already queued (read-your-writes); other processes read committed state through
WAL without blocking the writer. Each run records the process that owns it, so a run left
'running' by a process that died can be recognised and marked interrupted.

Commands that only read open the file read-only (`read_only=True`: an SQLite `mode=ro`
connection, no migration, no file created). A file that is not a run history of this schema, or
that fails while being read, is reported as damaged, with the advice to run `workbench runs
repair` (runs/store_repair.py).
"""

from __future__ import annotations

import json
import os
import queue
import socket
import sqlite3
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

from workbench.errors import RunError
from workbench.processes import process_token, same_process
from workbench.runs.events import (ArtifactProduced, LogLine, MetricLogged, RunEvent, RunFinished, RunStarted,
                                   TaskStateChanged)

SCHEMA_VERSION = 1
BATCH_MAX = 5000
FLUSH_TIMEOUT_S = 30
TERMINAL_TASK_STATES = ("succeeded", "failed", "skipped", "cancelled", "cached")

SCHEMA_SQL = """
CREATE TABLE runs (
    id TEXT PRIMARY KEY, pipeline_name TEXT NOT NULL, backend TEXT NOT NULL, state TEXT NOT NULL,
    start_time REAL, end_time REAL, pipeline_yaml TEXT, arguments TEXT NOT NULL DEFAULT '{}',
    message TEXT NOT NULL DEFAULT '', target TEXT,
    owner_host TEXT, owner_pid INTEGER, owner_token TEXT);
CREATE TABLE tasks (
    run_id TEXT NOT NULL, task_id TEXT NOT NULL, task_name TEXT NOT NULL, state TEXT NOT NULL,
    start_time REAL, end_time REAL, message TEXT NOT NULL DEFAULT '', details TEXT NOT NULL DEFAULT '{}',
    iteration TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (run_id, task_id));
CREATE TABLE parameters (run_id TEXT NOT NULL, name TEXT NOT NULL, value TEXT, PRIMARY KEY (run_id, name));
CREATE TABLE metrics (run_id TEXT NOT NULL, task_id TEXT NOT NULL, name TEXT NOT NULL, step INTEGER,
                      value REAL, time REAL);
CREATE TABLE artifacts (run_id TEXT NOT NULL, task_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT,
                        uri TEXT, metadata TEXT NOT NULL DEFAULT '{}', time REAL);
CREATE TABLE logs (run_id TEXT NOT NULL, task_id TEXT NOT NULL, line TEXT NOT NULL, time REAL,
                   stream TEXT NOT NULL DEFAULT 'stdout');
CREATE INDEX metrics_run ON metrics (run_id, task_id, name);
CREATE INDEX artifacts_run ON artifacts (run_id);
CREATE INDEX logs_run ON logs (run_id, task_id);
"""
_RUN_TABLES = ("logs", "metrics", "artifacts", "parameters", "tasks", "runs")
REPAIR_ADVICE = "run `workbench runs repair` (it keeps a copy of this file and what can still be read)"


def history_error(exc: sqlite3.Error, path: Path) -> RunError:
    """The one-line message for an SQLite failure: busy, or damaged with the way out."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return RunError(f"the run history is busy ({text}); try again when the other workbench is done",
                        path=str(path))
    return RunError(f"the run history is damaged ({text}); {REPAIR_ADVICE}", path=str(path))


def missing_tables(db: sqlite3.Connection) -> list[str]:
    """Tables (or their columns) this schema needs and the file lacks, as names."""
    expected = sqlite3.connect(":memory:")
    try:
        expected.executescript(SCHEMA_SQL)
        missing = []
        for (table,) in expected.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            want = {row[1] for row in expected.execute(f"PRAGMA table_info({table})")}
            have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            if not have:
                missing.append(table)
            elif want - have:
                missing.append(f"{table}.{sorted(want - have)[0]}")
        return missing
    finally:
        expected.close()


@dataclass(frozen=True)
class RunRecord:
    id: str
    pipeline_name: str
    backend: str
    state: str
    start_time: float | None
    end_time: float | None
    pipeline_yaml: str | None
    arguments: dict[str, Any]
    message: str
    target: dict[str, Any] | None

    @property
    def duration(self) -> float | None:
        return None if self.start_time is None or self.end_time is None else self.end_time - self.start_time


@dataclass(frozen=True)
class TaskRecord:
    task_id: str
    task_name: str
    state: str
    start_time: float | None
    end_time: float | None
    message: str
    details: dict[str, Any]
    iteration: tuple[int, ...]


@dataclass(frozen=True)
class LogRecord:
    task_id: str
    line: str
    time: float
    stream: str


@dataclass(frozen=True)
class MetricPoint:
    task_id: str
    name: str
    step: int | None
    value: float
    time: float


@dataclass(frozen=True)
class ArtifactRecord:
    task_id: str
    name: str
    type: str
    uri: str
    metadata: dict[str, Any]
    time: float


UNOWNED_HOST = "remote"  # owner of runs that go on without a local process (remote runs)


class RunStore:
    """The run history database. Use one per process; call `close()` when done."""

    def __init__(self, path: Path | str, *, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._db = self._open()
        self._db_lock = threading.Lock()
        self._queue: queue.SimpleQueue[RunEvent | None] = queue.SimpleQueue()
        self._progress = threading.Condition()
        self._queued = 0
        self._written = 0
        self._writer_error: BaseException | None = None
        self._writer = threading.Thread(target=self._write_loop, name="run-store-writer", daemon=True)
        self._writer.start()

    def _open(self) -> sqlite3.Connection:
        """A connection to a sound history of this schema. An existing file is inspected through a
        read-only connection first, so a damaged one is refused before anything could write to it."""
        options = {"timeout": FLUSH_TIMEOUT_S, "check_same_thread": False, "isolation_level": None}
        if not self.path.exists():
            if self.read_only:  # no history yet: read an empty one, create nothing
                return self._create_schema(sqlite3.connect(":memory:", **options))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return self._with_wal(self._create_schema(sqlite3.connect(str(self.path), **options)))
        reader = sqlite3.connect(f"file:{quote(str(self.path.resolve()))}?mode=ro", uri=True, **options)
        try:
            empty = self._inspect(reader)
        except BaseException:
            reader.close()
            raise
        if self.read_only:
            return self._create_schema(sqlite3.connect(":memory:", **options)) if empty else reader
        reader.close()
        db = sqlite3.connect(str(self.path), **options)
        return self._with_wal(self._create_schema(db) if empty else db)

    def _inspect(self, db: sqlite3.Connection) -> bool:
        """True for an empty file (no schema yet); refuse a newer schema, and call a file damaged
        that is not SQLite or lacks a table or column of this schema."""
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RunError(f"the run history was written by a newer workbench (schema {version}); "
                               "upgrade workbench to read it", path=str(self.path))
            if version == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                return True
            missing = missing_tables(db)
        except sqlite3.Error as exc:
            raise history_error(exc, self.path) from exc
        if version == 0 or missing:
            found = f"{', '.join(missing)} missing" if missing else "no schema version"
            raise RunError(f"the run history is damaged ({found}); {REPAIR_ADVICE}", path=str(self.path))
        return False

    def _create_schema(self, db: sqlite3.Connection) -> sqlite3.Connection:
        try:
            db.executescript(f"BEGIN; {SCHEMA_SQL} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
        except sqlite3.Error as exc:
            db.close()
            raise history_error(exc, self.path) from exc
        return db

    def _with_wal(self, db: sqlite3.Connection) -> sqlite3.Connection:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            db.close()
            raise history_error(exc, self.path) from exc
        return db

    # -- writing -------------------------------------------------------------------------------

    def create_run(self, run_id: str, pipeline_name: str, pipeline_yaml: str, arguments: dict[str, Any],
                   backend: str, target: dict[str, Any] | None = None, *, owned: bool = True) -> None:
        """Record a run as 'running' before its first event. A local run is owned by this process
        (so it is marked interrupted if the process dies); a remote run (`owned=False`) by no one."""
        pid = os.getpid() if owned else None
        host = socket.gethostname() if owned else UNOWNED_HOST
        with self._writing():
            self._db.execute(
                "INSERT INTO runs (id, pipeline_name, backend, state, pipeline_yaml, arguments, target, "
                "owner_host, owner_pid, owner_token) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                (run_id, pipeline_name, backend, pipeline_yaml, json.dumps(arguments, default=str),
                 json.dumps(target) if target is not None else None, host, pid,
                 process_token(pid) if owned else None))

    def on_event(self, event: RunEvent) -> None:
        """EventSink: queue the event; the writer thread stores it. Never blocks."""
        with self._progress:
            self._queued += 1
        self._queue.put(event)

    def flush(self, timeout: float = FLUSH_TIMEOUT_S) -> None:
        """Wait until every event queued so far is committed."""
        with self._progress:
            target = self._queued
            if not self._progress.wait_for(lambda: self._written >= target or self._writer_error is not None,
                                           timeout):
                raise RunError(f"the run history did not save within {timeout} s", path=str(self.path))
            if self._writer_error is not None:
                raise RunError(f"the run history could not be saved: {self._writer_error}", path=str(self.path))

    def close(self) -> None:
        if not self._writer.is_alive():
            return
        try:
            self.flush()
        finally:
            self._queue.put(None)
            self._writer.join(FLUSH_TIMEOUT_S)
            with self._db_lock:
                self._db.close()

    def _write_loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < BATCH_MAX:
                try:
                    event = self._queue.get_nowait()
                except queue.Empty:
                    break
                if event is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(event)
            try:
                with self._db_lock:
                    self._db.execute("BEGIN")
                    for event in batch:
                        self._write(event)
                    self._db.execute("COMMIT")
            except Exception as exc:  # noqa: BLE001 - the writer must not die silently; flush() reports it
                with self._db_lock:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                print(f"run history: {exc}", file=sys.stderr)
                self._writer_error = exc
            with self._progress:
                self._written += len(batch)
                self._progress.notify_all()

    def _write(self, event: RunEvent) -> None:
        db = self._db
        if isinstance(event, LogLine):
            db.execute("INSERT INTO logs VALUES (?, ?, ?, ?, ?)",
                       (event.run_id, event.task_id, event.line, event.time, event.stream))
        elif isinstance(event, MetricLogged):
            db.execute("INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?)",
                       (event.run_id, event.task_id, event.name, event.step, event.value, event.time))
        elif isinstance(event, TaskStateChanged):
            self._write_task(event)
        elif isinstance(event, ArtifactProduced):
            db.execute("INSERT INTO artifacts VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (event.run_id, event.task_id, event.name, event.type, event.uri,
                        json.dumps(event.metadata, default=str), event.time))
        elif isinstance(event, RunStarted):
            db.execute("INSERT OR IGNORE INTO runs (id, pipeline_name, backend, state) VALUES (?, ?, ?, 'running')",
                       (event.run_id, event.pipeline_name, event.backend))
            db.execute("UPDATE runs SET start_time = ?, arguments = ? WHERE id = ?",
                       (event.time, json.dumps(event.arguments, default=str), event.run_id))
            db.executemany("INSERT OR REPLACE INTO parameters VALUES (?, ?, ?)",
                           [(event.run_id, name, json.dumps(value, default=str))
                            for name, value in event.arguments.items()])
        elif isinstance(event, RunFinished):
            db.execute("UPDATE runs SET state = ?, end_time = ?, message = ? WHERE id = ?",
                       (event.state, event.time, event.message, event.run_id))

    def _write_task(self, event: TaskStateChanged) -> None:
        start = event.time if event.state == "running" else None
        end = event.time if event.state in TERMINAL_TASK_STATES else None
        self._db.execute(
            "INSERT INTO tasks (run_id, task_id, task_name, state, start_time, end_time, message, details, iteration)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, task_id) DO UPDATE SET"
            " state = excluded.state, start_time = COALESCE(tasks.start_time, excluded.start_time),"
            " end_time = COALESCE(excluded.end_time, tasks.end_time), message = excluded.message,"
            " details = excluded.details",
            (event.run_id, event.task_id, event.task_name, event.state, start, end, event.message,
             json.dumps(event.details, default=str), json.dumps(list(event.iteration))))

    def delete_run(self, run_id: str) -> str:
        """Delete a run (id or unique prefix) and everything recorded for it; return its full id."""
        full_id = self.get_run(run_id).id
        with self._writing():
            self._db.execute("BEGIN")
            for table in _RUN_TABLES:
                self._db.execute(f"DELETE FROM {table} WHERE {'id' if table == 'runs' else 'run_id'} = ?",
                                 (full_id,))
            self._db.execute("COMMIT")
        return full_id

    def interrupted_runs(self) -> list[str]:
        """Runs of this host left 'running' by a process that is gone (not yet marked)."""
        rows = self._query("SELECT id, owner_pid, owner_token FROM runs WHERE state = 'running' AND owner_host = ?",
                           (socket.gethostname(),))
        return [row["id"] for row in rows
                if row["owner_pid"] is None or not same_process(row["owner_pid"], row["owner_token"] or "")]

    def mark_interrupted(self) -> list[str]:
        """Mark runs of this host whose owning process is gone as 'interrupted'; return their ids."""
        dead = self.interrupted_runs()
        if dead:
            with self._writing():
                self._db.executemany(
                    "UPDATE runs SET state = 'interrupted',"
                    " message = 'the process running it stopped before the run finished' WHERE id = ?",
                    [(run_id,) for run_id in dead])
        return dead

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """The connection, locked, for a write; an SQLite failure becomes a one-line RunError."""
        if self.read_only:
            raise RuntimeError("a read-only run history was asked to write")
        with self._db_lock:
            try:
                yield
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise history_error(exc, self.path) from exc

    # -- reading -------------------------------------------------------------------------------

    def _query(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        self.flush()
        with self._db_lock:
            try:
                cursor = self._db.execute(sql, params)
                columns = [c[0] for c in cursor.description]
                return [dict(zip(columns, row)) for row in cursor.fetchall()]
            except sqlite3.Error as exc:
                raise history_error(exc, self.path) from exc

    def list_runs(self) -> list[RunRecord]:
        """Newest first."""
        rows = self._query("SELECT * FROM runs ORDER BY start_time IS NULL, start_time DESC")
        return [self._run(row) for row in rows]

    def get_run(self, run_id: str) -> RunRecord:
        """A run by its id or a unique prefix of it."""
        rows = self._query("SELECT * FROM runs WHERE substr(id, 1, ?) = ?", (len(run_id), run_id))
        exact = [row for row in rows if row["id"] == run_id]
        if exact or len(rows) == 1:
            return self._run((exact or rows)[0])
        if not rows:
            raise RunError(f"no run with id {run_id!r}; `workbench runs list` shows the runs", path=str(self.path))
        raise RunError(f"{len(rows)} runs start with {run_id!r}; give more of the id", path=str(self.path))

    def tasks(self, run_id: str) -> list[TaskRecord]:
        rows = self._query("SELECT * FROM tasks WHERE run_id = ? ORDER BY start_time IS NULL, start_time, task_id",
                           (self.get_run(run_id).id,))
        return [TaskRecord(row["task_id"], row["task_name"], row["state"], row["start_time"], row["end_time"],
                           row["message"], self._json(row["details"], "tasks.details") or {},
                           tuple(self._json(row["iteration"], "tasks.iteration") or ()))
                for row in rows]

    def logs(self, run_id: str, task_id: str | None = None) -> list[LogRecord]:
        sql, params = "SELECT * FROM logs WHERE run_id = ?", (self.get_run(run_id).id,)
        if task_id is not None:
            sql, params = sql + " AND task_id = ?", params + (task_id,)
        return [LogRecord(row["task_id"], row["line"], row["time"], row["stream"])
                for row in self._query(sql + " ORDER BY rowid", params)]

    def metrics(self, run_id: str) -> list[MetricPoint]:
        rows = self._query("SELECT * FROM metrics WHERE run_id = ? ORDER BY rowid", (self.get_run(run_id).id,))
        return [MetricPoint(row["task_id"], row["name"], row["step"], row["value"], row["time"]) for row in rows]

    def artifacts(self, run_id: str) -> list[ArtifactRecord]:
        rows = self._query("SELECT * FROM artifacts WHERE run_id = ? ORDER BY rowid", (self.get_run(run_id).id,))
        return [ArtifactRecord(row["task_id"], row["name"], row["type"], row["uri"],
                               self._json(row["metadata"], "artifacts.metadata") or {},
                               row["time"]) for row in rows]

    def _json(self, text: str | None, where: str) -> Any:
        try:
            return json.loads(text) if text else None
        except (ValueError, TypeError) as exc:
            raise RunError(f"the run history is damaged ({where} is not JSON: {exc}); {REPAIR_ADVICE}",
                           path=str(self.path)) from exc

    def _run(self, row: dict[str, Any]) -> RunRecord:
        return RunRecord(row["id"], row["pipeline_name"], row["backend"], row["state"], row["start_time"],
                         row["end_time"], row["pipeline_yaml"], self._json(row["arguments"], "runs.arguments") or {},
                         row["message"], self._json(row["target"], "runs.target"))
