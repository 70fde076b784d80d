"""`workbench runs repair`: rebuild a damaged run history from what can still be read.

The original file (and its WAL and shared-memory files) is copied aside first and only the copy is
read; a new history with the current schema is built beside it and moved into place, so a repair
that stops half way leaves the original as it was. Rows are copied table by table until a table
cannot be read further; what was read before that point is kept. The original is locked exclusively
meanwhile: while another workbench has it open (it would go on writing into the file moved aside,
and lose those runs), the repair is refused.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from workbench.errors import RunError
from workbench.runs.store import SCHEMA_SQL, SCHEMA_VERSION, missing_tables

_TABLES = ("runs", "tasks", "parameters", "metrics", "artifacts", "logs")
PROBE_GAP = 10_000
"""Past a damaged page whose table's largest rowid is unreadable: stop after this many missing rowids."""
_SIDE_FILES = ("-wal", "-shm")


@dataclass
class RepairReport:
    copy: Path | None
    kept: dict[str, int] = field(default_factory=dict)
    lost: dict[str, str] = field(default_factory=dict)
    """table -> why reading it stopped"""

    def lines(self) -> list[str]:
        if self.copy is None:
            return ["the run history is not damaged; nothing to repair"]
        kept = ", ".join(f"{table} {count:,}" for table, count in self.kept.items())
        lines = [f"copied the damaged history to {self.copy}", f"kept: {kept}"]
        lines += [f"{table}: stopped reading ({why})" for table, why in self.lost.items()]
        return lines


def problems(path: Path) -> str:
    """Why the history at `path` is damaged (first problem found), or '' when it is sound."""
    try:
        db = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RunError(f"the run history was written by a newer workbench (schema {version}); "
                           "upgrade workbench instead of repairing it", path=str(path))
        missing = missing_tables(db)
        if missing:
            return f"{', '.join(missing)} missing"
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        return "" if result == "ok" else result
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        db.close()


def repair(path: Path) -> RepairReport:
    """Copy a damaged history aside and replace it with what can be read of it."""
    path = Path(path)
    if not path.exists():
        raise RunError("there is no run history to repair", path=str(path))
    if not problems(path):
        return RepairReport(copy=None)
    lock = _exclusive(path)
    try:
        copy = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        for suffix in ("", *_SIDE_FILES):
            if Path(f"{path}{suffix}").exists():
                shutil.copy2(f"{path}{suffix}", f"{copy}{suffix}")
        rebuilt = path.with_name(f"{path.name}.rebuilding")
        rebuilt.unlink(missing_ok=True)
        report = RepairReport(copy=copy)
        work = path.with_name(f"{path.name}.salvaging")
        for suffix in ("", *_SIDE_FILES):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
            if Path(f"{copy}{suffix}").exists():
                shutil.copyfile(f"{copy}{suffix}", f"{work}{suffix}")
        _pad_truncated(work)
        target = sqlite3.connect(str(rebuilt), isolation_level=None)
        try:
            target.executescript(f"BEGIN; {SCHEMA_SQL} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
            _salvage(work, target, report)
        finally:
            target.close()
            for suffix in ("", *_SIDE_FILES):
                Path(f"{work}{suffix}").unlink(missing_ok=True)
    finally:
        if lock is not None:  # closed before the swap: closing may write the damaged file's -wal into it
            lock.close()
    for suffix in _SIDE_FILES:  # they belong to the damaged file; SQLite must not apply them to the new one
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    rebuilt.replace(path)
    return report


def _exclusive(path: Path) -> sqlite3.Connection | None:
    """A connection holding the history exclusively (no other connection can be open meanwhile);
    RunError while another process has it open; None when the file is too damaged for SQLite to lock
    it (then no workbench can be using it either)."""
    db = sqlite3.connect(str(path), timeout=1.0, isolation_level=None)
    try:
        db.execute("PRAGMA locking_mode = EXCLUSIVE")
        db.execute("BEGIN EXCLUSIVE")
        return db
    except sqlite3.Error as exc:
        db.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise RunError("another workbench has the run history open (the app, or a run in progress); close "
                           "it, then repair again", path=str(path)) from None
        return None


def _pad_truncated(path: Path) -> None:
    """SQLite refuses a whole file shorter than its header says; pad it with empty pages, so only
    the rows that were on the missing pages are lost."""
    with open(path, "r+b") as handle:
        header = handle.read(100)
        if len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
            return
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        expected = page_size * int.from_bytes(header[28:32], "big")
        size = handle.seek(0, 2)
        if size < expected <= 2**40:
            handle.truncate(expected)


def _salvage(source_path: Path, target: sqlite3.Connection, report: RepairReport) -> None:
    try:
        source = sqlite3.connect(f"file:{quote(str(source_path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        report.lost["all tables"] = str(exc)
        report.kept = dict.fromkeys(_TABLES, 0)
        return
    try:
        for table in _TABLES:
            report.kept[table] = _copy_table(source, target, table, report)
    finally:
        source.close()


def _copy_table(source: sqlite3.Connection, target: sqlite3.Connection, table: str, report: RepairReport) -> int:
    """Copy the rows of `table` (the columns both schemas have) that can be read; return how many."""
    wanted = [row[1] for row in target.execute(f"PRAGMA table_info({table})")]
    try:
        present = {row[1] for row in source.execute(f"PRAGMA table_info({table})")}
    except sqlite3.Error as exc:
        report.lost[table] = str(exc)
        return 0
    columns = [c for c in wanted if c in present]
    if not columns:
        report.lost[table] = "table missing"
        return 0
    names = ", ".join(columns)
    insert = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    copied = 0
    target.execute("BEGIN")
    try:
        for row in _readable_rows(source, table, names, report):
            try:
                target.execute(insert, row)
                copied += 1
            except sqlite3.IntegrityError:  # a NOT NULL column the damage emptied: skip the row
                continue
    finally:
        target.execute("COMMIT")
    return copied


def _readable_rows(source: sqlite3.Connection, table: str, names: str, report: RepairReport) -> Iterator[tuple]:
    """Rows in rowid order; past a damaged page, each further row is looked up by its rowid (up to
    the largest rowid, when that can still be read), so rows after the damage are kept too."""
    last = 0
    try:
        for rowid, *row in source.execute(f"SELECT rowid, {names} FROM {table} ORDER BY rowid"):
            last = rowid
            yield tuple(row)
        return
    except sqlite3.Error as exc:
        report.lost[table] = f"{exc}; rows on damaged pages are lost"
    try:
        end = source.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or last
    except sqlite3.Error:
        end = None
    rowid, misses = last + 1, 0
    while (rowid <= end) if end is not None else misses < PROBE_GAP:
        try:
            row = source.execute(f"SELECT {names} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.Error:
            row = None
        misses = 0 if row is not None else misses + 1
        if row is not None:
            yield row
        rowid += 1
