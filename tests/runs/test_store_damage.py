"""A damaged run history through the real CLI: one line with the path and `workbench runs repair`,
the file untouched by every reading command, a repair that copies the original aside and keeps
what can be read; reading commands never create or change the history; `runs delete` removes the
run's workspace without following links out of it."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.runs.events import LogLine, RunFinished, RunStarted
from workbench.runs.store import RunStore

RUNS = 40
LINES = 200


def workbench(env, *args, **options):
    return subprocess.run([sys.executable, "-m", "workbench", *args], env=env, capture_output=True, text=True,
                          timeout=120, **options)


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "WORKBENCH_DATA_DIR": str(tmp_path / "data")}


@pytest.fixture
def history(env) -> Path:
    """A history of RUNS finished runs with LINES log lines each, closed (no WAL left to apply)."""
    path = Path(env["WORKBENCH_DATA_DIR"]) / "runs.sqlite"
    store = RunStore(path)
    for index in range(RUNS):
        run_id = f"run-{index:04d}"
        store.create_run(run_id, "demo", "pipelineInfo: {}\n", {"i": index}, "subprocess")
        store.on_event(RunStarted(run_id, "demo", "subprocess", {"i": index}, 1000.0 + index))
        for line in range(LINES):
            store.on_event(LogLine(run_id, "task", f"line {line} " + "x" * 100, 1000.0 + index))
        store.on_event(RunFinished(run_id, "succeeded", 1001.0 + index))
    store.close()
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    return path


def digest(path: Path) -> dict[str, str]:
    """The database and its write-ahead log (the -shm file is SQLite's shared-memory index, which
    readers update too; it holds no data)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (path, Path(f"{path}-wal")) if p.exists()}


def damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif how == "truncated":
        path.write_bytes(bytes(data[:len(data) // 2]))
    elif how == "dropped-table":
        db = sqlite3.connect(path)
        db.execute("DROP TABLE logs")
        db.commit()
        db.close()
    elif how == "damaged-pages":
        page = 4096
        for number in (len(data) // page // 2, len(data) // page // 2 + 1):
            data[number * page:(number + 1) * page] = os.urandom(page)
        path.write_bytes(bytes(data))


READING = [["runs", "list"], ["runs", "show", "run-0001"], ["runs", "logs", "run-0001"],
           ["runs", "compare", "run-0001", "run-0002"]]


@pytest.mark.parametrize("how", ["garbage", "truncated", "dropped-table"])
def test_a_damaged_history_is_one_line_and_left_alone(env, history, how):
    damage(history, how)
    before = digest(history)
    for args in READING + [["runs", "delete", "run-0001"]]:
        result = workbench(env, *args)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert lines[0].startswith(f"error: {history}: the run history is damaged")
        assert "workbench runs repair" in lines[0]
        assert digest(history) == before, args


@pytest.mark.parametrize("how, some_kept", [("garbage", False), ("truncated", True), ("dropped-table", True),
                                            ("damaged-pages", True)])
def test_repair_copies_the_original_aside_and_keeps_what_can_be_read(env, history, how, some_kept):
    damage(history, how)
    original = history.read_bytes()
    result = workbench(env, "runs", "repair")
    assert result.returncode == 0, result.stderr
    copies = list(history.parent.glob("runs.sqlite.damaged-*"))
    copy = next(p for p in copies if not p.name.endswith(("-wal", "-shm")))
    assert copy.read_bytes() == original and str(copy) in result.stdout
    listed = workbench(env, "runs", "list")
    assert listed.returncode == 0, listed.stderr
    runs_left = sum(line.startswith("run-") for line in listed.stdout.splitlines())
    assert (runs_left > 0) == some_kept and runs_left <= RUNS
    if how == "damaged-pages":
        logs = sum(len(RunStore(history, read_only=True).logs(f"run-{i:04d}")) for i in range(RUNS))
        assert RUNS * LINES * 0.8 < logs < RUNS * LINES  # the lines on the two damaged pages are gone, no more
    again = workbench(env, "runs", "repair")
    assert again.stdout.strip() == "the run history is not damaged; nothing to repair"


def test_reading_commands_never_write(env, history):
    before = digest(history)
    mtime = history.stat().st_mtime_ns
    for args in READING:
        assert workbench(env, *args).returncode == 0
    assert digest(history) == before and history.stat().st_mtime_ns == mtime


def test_reading_a_missing_history_creates_nothing(env, tmp_path):
    result = workbench(env, "runs", "list")
    assert result.returncode == 0 and result.stdout == "no runs yet\n"
    assert not (tmp_path / "data" / "runs.sqlite").exists()


def test_a_newer_history_is_refused_not_migrated(env, history):
    db = sqlite3.connect(history)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    before = digest(history)
    result = workbench(env, "runs", "list")
    assert result.returncode == 1 and "newer workbench (schema 99)" in result.stderr
    assert digest(history) == before


def test_a_closed_pipe_ends_quietly(env, history):
    store = RunStore(history)
    for line in range(5000):  # far more than a pipe buffers
        store.on_event(LogLine("run-0001", "task", "more " + "y" * 200, 2000.0))
    store.close()
    reader = subprocess.Popen([sys.executable, "-m", "workbench", "runs", "logs", "run-0001"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = reader.stdout.readline()
    reader.stdout.close()  # like `| head -1`
    stderr = reader.stderr.read().decode()
    reader.stderr.close()
    assert reader.wait(60) == 141 and first.startswith(b"[task] line 0")
    assert stderr == ""
    head = subprocess.run(f"'{sys.executable}' -m workbench runs list | head -2", shell=True, env=env,
                          capture_output=True, text=True, timeout=60)
    assert head.stderr == "" and len(head.stdout.splitlines()) == 2


def test_delete_removes_the_workspace_and_follows_no_link(env, history, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("precious")
    root = Path(env["WORKBENCH_DATA_DIR"]) / "workspaces"
    workspace = root / "run-0001"
    (workspace / "tasks" / "train").mkdir(parents=True)
    (workspace / "tasks" / "train" / "out.txt").write_text("output")
    (workspace / "tasks" / "link").symlink_to(outside)
    (workspace / "file-link").symlink_to(outside / "keep.txt")
    (root / "run-0002").symlink_to(outside)  # the workspace itself is a link

    result = workbench(env, "runs", "delete", "run-0001")
    assert result.returncode == 0 and result.stdout == f"deleted run run-0001 and its workspace {workspace}\n"
    assert not workspace.exists() and (outside / "keep.txt").read_text() == "precious"
    assert workbench(env, "runs", "delete", "run-0002").returncode == 0
    assert not (root / "run-0002").is_symlink() and (outside / "keep.txt").read_text() == "precious"
    assert workbench(env, "runs", "delete", "run-0003").stdout == "deleted run run-0003\n"  # it had none
    assert workbench(env, "runs", "show", "run-0001").returncode == 1


def test_a_hostile_run_id_in_the_history_touches_no_folder(tmp_path):
    from workbench.commands.history import remove_workspace
    from workbench.errors import RunError

    root = tmp_path / "workspaces"
    (root / "real").mkdir(parents=True)
    for run_id in ("..", "../real", "/etc", "."):
        with pytest.raises(RunError, match="not a folder name"):
            remove_workspace(root, run_id)
    assert (root / "real").is_dir()


def test_repair_is_refused_while_another_workbench_has_the_history_open(history):
    """The app keeps the history open: replacing the file under it lost every run it wrote after."""
    from workbench.errors import RunError
    from workbench.runs.store_repair import repair

    import gc

    gc.collect()  # the fixture's checkpoint connection, closed only when collected, is not another workbench
    damage(history, "damaged-pages")
    app = RunStore(history)  # page damage is only found by an integrity check: the app still opens it
    try:
        before = digest(history)
        with pytest.raises(RunError, match="another workbench has the run history open"):
            repair(history)
        assert digest(history) == before and not list(history.parent.glob("runs.sqlite.damaged-*"))
    finally:
        app.close()
    assert repair(history).copy is not None
