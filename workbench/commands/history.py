"""`workbench runs list | show RUN | logs RUN [TASK] | delete RUN | compare RUN RUN... | repair`: the run history.

Every one of these commands (and `workbench run`, through `recover_interrupted`) first marks runs
whose process died as interrupted and removes their containers, so nothing a crash left behind
lingers past the next start. The reading commands read through a read-only connection: they write
to the history only to record such a change (an interrupted run, a remote run's new state), never
to a history they cannot read (that one is reported, with `workbench runs repair` as the way out).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import RunError

if TYPE_CHECKING:
    from workbench.runs.store import RunStore


def register(subparsers: argparse._SubParsersAction) -> None:
    runs = subparsers.add_parser("runs", help="list, inspect and delete local runs")
    actions = runs.add_subparsers(dest="runs_command", metavar="ACTION")
    actions.required = True
    actions.add_parser("list", help="runs, newest first").set_defaults(handler=_list)
    show = actions.add_parser("show", help="a run, its tasks and their final metrics")
    show.add_argument("run", help="run id or a unique prefix of it")
    show.set_defaults(handler=_show)
    logs = actions.add_parser("logs", help="the log lines of a run, or of one of its tasks")
    logs.add_argument("run", help="run id or a unique prefix of it")
    logs.add_argument("task", nargs="?", help="task id (see `workbench runs show RUN`)")
    logs.set_defaults(handler=_logs)
    delete = actions.add_parser("delete", help="delete a finished run and everything recorded for it")
    delete.add_argument("run", help="run id or a unique prefix of it")
    delete.set_defaults(handler=_delete)
    compare = actions.add_parser("compare", help="parameter differences and metrics of two or more runs")
    compare.add_argument("runs", nargs="+", metavar="RUN", help="run ids or unique prefixes (two or more)")
    compare.set_defaults(handler=_compare)
    actions.add_parser("repair", help="rebuild a damaged run history from what can still be read",
                       description="Copy the run history aside, then rebuild it from the rows that can still be "
                                   "read. Run it when no other workbench is running.").set_defaults(handler=_repair)


def recover_interrupted(store: RunStore) -> list[str]:
    """Mark runs whose process died as interrupted and remove their labelled containers."""
    from workbench.runs.docker_backend import cleanup_orphans

    run_ids = store.mark_interrupted()
    cleanup_orphans(run_ids)
    return run_ids


def _open_store(*, read_only: bool = True) -> RunStore:
    """The run history, with dead local runs marked interrupted and remote runs refreshed (through a
    short writable connection, only when there is such a change to record)."""
    from workbench.runs import paths
    from workbench.runs.remote.tracking import unfinished_remote_runs
    from workbench.runs.store import RunStore

    path = paths.runs_db_path()
    if read_only:
        store = RunStore(path, read_only=True)
        if not (store.interrupted_runs() or unfinished_remote_runs(store)):
            return store
        store.close()
    writer = RunStore(path)
    _record_changes(writer)
    if not read_only:
        return writer
    writer.close()
    return RunStore(path, read_only=True)


def _record_changes(store: RunStore) -> None:
    from workbench.runs.remote.tracking import refresh_unfinished

    for run_id in recover_interrupted(store):
        print(f"run {run_id} was interrupted (its process died); marked and cleaned up")
    for line in refresh_unfinished(store):
        print(line, file=sys.stderr)


def _when(timestamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp)) if timestamp else "-"


def _duration(start: float | None, end: float | None) -> str:
    if start is None or end is None:
        return "-"
    seconds = end - start
    return f"{seconds:.1f}s" if seconds < 60 else f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


def _table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    for row in [headers, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())


def _list(args: argparse.Namespace) -> int:
    store = _open_store()
    try:
        runs = store.list_runs()
    finally:
        store.close()
    if not runs:
        print("no runs yet")
        return 0
    _table(["RUN", "PIPELINE", "STATE", "START", "DURATION"],
           [[r.id, r.pipeline_name, r.state, _when(r.start_time), _duration(r.start_time, r.end_time)]
            for r in runs])
    return 0


def _show(args: argparse.Namespace) -> int:
    from workbench.runs.compare import format_value, series_label, summarize

    store = _open_store()
    try:
        run = store.get_run(args.run)
        tasks = store.tasks(run.id)
        summary = summarize(store, run.id)
    finally:
        store.close()
    for label, value in [("run", run.id), ("pipeline", run.pipeline_name), ("backend", run.backend),
                         ("state", run.state), ("start", _when(run.start_time)),
                         ("duration", _duration(run.start_time, run.end_time)),
                         ("arguments", ", ".join(f"{k}={v!r}" for k, v in run.arguments.items()) or "-"),
                         ("message", run.message or "-")]:
        print(f"{label + ':':<11}{value}")
    if tasks:
        from workbench.runs.task_names import TaskNames

        names = TaskNames.from_ir(run.pipeline_yaml).with_loop_items((t.task_id, t.details) for t in tasks)
        print()
        _table(["TASK", "NAME", "STATE", "START", "DURATION", "MESSAGE"],
               [[t.task_id, names.parts(t.task_id, limit=40)[0], t.state, _when(t.start_time),
                 _duration(t.start_time, t.end_time), names.humanize(t.message)] for t in tasks])
    if summary.metrics:
        sources = summary.cached_from
        print()
        _table(["METRIC", "VALUE", "SOURCE"],
               [[series_label(name, [summary]), format_value(value),
                 f"cached from run {sources[name]}" if name in sources else ""]
                for name, value in sorted(summary.metrics.items())])
    return 0


def _logs(args: argparse.Namespace) -> int:
    from workbench.runs.explain import state_reason

    store = _open_store()
    try:
        lines = store.logs(args.run, args.task)
        task = next((t for t in store.tasks(args.run) if t.task_id == args.task), None) if args.task else None
    finally:
        store.close()
    for record in lines:
        print(record.line if args.task else f"[{record.task_id}] {record.line}")
    if not lines and task is not None and task.state == "skipped":
        print(f"(no log: skipped, {state_reason(task.state, task.message, task.details)})")
    return 0


def _delete(args: argparse.Namespace) -> int:
    from workbench.runs import paths

    store = _open_store(read_only=False)
    try:
        run = store.get_run(args.run)
        if run.state == "running":
            raise RunError(f"run {run.id} is still running; cancel it before deleting it")
        store.delete_run(run.id)
    finally:
        store.close()
    workspace = remove_workspace(paths.workspace_root(), run.id)
    print(f"deleted run {run.id}" + (f" and its workspace {workspace}" if workspace else ""))
    return 0


def remove_workspace(root: Path, run_id: str) -> Path | None:
    """Remove `root/run_id` without following a link out of it: a link in its place is removed
    itself, links inside are removed, not followed. Return the folder removed, or None."""
    if run_id in ("", ".", "..") or "/" in run_id or "\\" in run_id or "\0" in run_id:
        raise RunError(f"run id {run_id!r} is not a folder name; its workspace was left alone",
                       path=str(root))
    workspace = root / run_id
    if workspace.is_symlink() or workspace.is_file():
        workspace.unlink()
        return workspace
    if not workspace.is_dir():
        return None
    if not shutil.rmtree.avoids_symlink_attacks:
        raise RunError("this platform cannot remove a folder without following links; remove it by hand",
                       path=str(workspace))
    try:
        shutil.rmtree(workspace)
    except OSError as exc:
        raise RunError(f"the run was deleted but not all of its workspace ({exc.strerror or exc})",
                       path=str(workspace)) from exc
    return workspace


def _repair(args: argparse.Namespace) -> int:
    from workbench.runs import paths
    from workbench.runs.store_repair import repair

    for line in repair(paths.runs_db_path()).lines():
        print(line)
    return 0


def _compare(args: argparse.Namespace) -> int:
    from workbench.runs.compare import comparison_tables, summarize

    if len(args.runs) < 2:
        raise RunError("give two or more runs to compare (`workbench runs list` shows their ids)")
    store = _open_store()
    try:
        summaries = [summarize(store, run) for run in args.runs]
    finally:
        store.close()
    for index, (title, headers, rows) in enumerate(comparison_tables(summaries)):
        print(("\n" if index else "") + title + ":")
        if rows:
            _table(headers, rows)
        else:
            print("  (none: every run has the same values)" if index == 0 else "  (no metrics recorded)")
    return 0
