"""`workbench run DOC.wbp|pipeline.yaml`: run a pipeline on this machine, printing progress.

Ctrl-C cancels the run (running tasks stop, the rest are marked cancelled) and exits 130; SIGTERM
and SIGHUP (a closed terminal, a service manager stopping the job) cancel the same way and exit
128 + the signal number. Exit 0 when the run succeeded, 1 otherwise, with the failing task and its
last log lines.
"""

from __future__ import annotations

import argparse
import collections
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any


TAIL_LINES = 15
CANCEL_TIMEOUT_SECONDS = 30.0


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser(
        "run", help="run a pipeline locally (Docker, or local processes)",
        description="Run a pipeline document (.wbp) or a compiled KFP pipeline (.yaml) on this machine.")
    run.add_argument("pipeline", help="a .wbp document or a compiled KFP IR .yaml file")
    run.add_argument("--backend", choices=("docker", "subprocess"),
                     help="where tasks run (default: Docker when an engine answers, else local processes)")
    run.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                     help="a pipeline parameter, typed by the pipeline's input definition (repeatable)")
    run.add_argument("--input-artifact", action="append", default=[], metavar="NAME=PATH",
                     help="a pipeline input artifact: a file or folder (copied into the run) or a URI (repeatable)")
    run.add_argument("--max-parallel", type=_positive_int, metavar="N",
                     help="tasks running at once at most (default: 4 per CPU); tasks are also admitted "
                          "by their CPU, memory and GPU requests and kept above a memory floor")
    run.add_argument("--no-cache", action="store_true", help="run every task, ignoring cached results")
    run.add_argument("--events", choices=("jsonl",),
                     help="print every run event as one JSON object a line on stdout")
    run.add_argument("--run-id", metavar="ID", type=_run_id,
                     help="use this run id instead of a generated one (letters, digits, '_', '.', '-')")
    run.add_argument("--max-parameter-size", metavar="SIZE", type=_size,
                     help="fail a task whose output parameter is larger (default 1MiB, or "
                          "WORKBENCH_MAX_PARAMETER_SIZE; e.g. 4MiB)")
    run.add_argument("--gcs-mirror", action="append", default=[], metavar="gs://BUCKET/PREFIX=DIR",
                     help="read gs:// artifacts below that prefix from a local folder (repeatable; also the "
                          "gcs_mirrors setting and WORKBENCH_GCS_MIRROR)")
    run.set_defaults(handler=_run)


def _run_id(text: str) -> str:
    from workbench.errors import RunError
    from workbench.runs.paths import check_run_id

    try:
        return check_run_id(text)
    except RunError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _size(text: str) -> int:
    from workbench.errors import RunError
    from workbench.runs.engine.limits import parse_size

    try:
        return parse_size(text, "--max-parameter-size")
    except RunError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _run(args: argparse.Namespace) -> int:
    import dataclasses

    from workbench.commands.history import recover_interrupted
    from workbench.commands.params import typed_params
    from workbench.compiler import ir_text_for
    from workbench.runs import paths
    from workbench.runs.engine.ir import parse_ir
    from workbench.runs.engine.limits import RunLimits
    from workbench.runs.launcher import choose_backend, gcs_access, start_local_run
    from workbench.runs.store import RunStore
    from workbench.share.trust import check_trusted

    check_trusted(args.pipeline)
    ir_text = ir_text_for(Path(args.pipeline))
    arguments = typed_params(parse_ir(ir_text, args.pipeline).pipeline_parameters(), args.param)
    input_artifacts = _input_artifacts(args.input_artifact)
    gcs = gcs_access(args.gcs_mirror)
    printer = _Printer(jsonl=args.events == "jsonl")
    backend = choose_backend(args.backend, printer.progress)
    limits = RunLimits.from_environment()
    if args.max_parameter_size:
        limits = dataclasses.replace(limits, parameter_bytes=args.max_parameter_size)
    store = RunStore(paths.runs_db_path())
    try:
        with _CancelSignals() as signals:
            recover_interrupted(store)
            handle = start_local_run(store, ir_text, arguments, backend=backend, sinks=[printer.on_event],
                                     progress=printer.progress, max_parallel=args.max_parallel,
                                     use_cache=not args.no_cache, run_id=args.run_id, limits=limits,
                                     input_artifacts=input_artifacts, gcs=gcs)
            interrupted = _wait(handle)
    finally:
        store.close()
    state = handle.wait(0)
    printer.summary(handle.run_id, state, handle.message)
    if interrupted:
        return 128 + signals.received
    return 0 if state == "succeeded" else 1


def _input_artifacts(pairs: list[str]) -> dict[str, str]:
    """`NAME=PATH` pairs; a path keeps any `=` after the first."""
    from workbench.errors import RunError

    given: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name or not value:
            raise RunError(f"--input-artifact {pair!r}: expected NAME=PATH (a file, a folder or a URI)")
        if name in given:
            raise RunError(f"--input-artifact {name!r} is given twice")
        given[name] = value
    return given


class _CancelSignals:
    """While a run is on, SIGTERM and SIGHUP raise KeyboardInterrupt in the main thread, as Ctrl-C
    does, so they cancel the run (containers stopped and removed) instead of killing the CLI."""

    NAMES = ("SIGTERM", "SIGHUP")

    def __init__(self) -> None:
        self.received: int = signal.SIGINT
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> "_CancelSignals":
        if threading.current_thread() is threading.main_thread():
            for name in self.NAMES:
                if hasattr(signal, name):
                    number = getattr(signal, name)
                    self._previous[number] = signal.signal(number, self._interrupt)
        return self

    def _interrupt(self, number: int, frame: Any) -> None:
        self.received = number
        raise KeyboardInterrupt

    def __exit__(self, *exc_info: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)


def _wait(handle: Any) -> bool:
    """Wait for the run; on Ctrl-C cancel it and wait (bounded) until it has stopped."""
    try:
        while handle.wait(0.25) == "running":
            pass
        return False
    except KeyboardInterrupt:
        print("cancelling the run (running tasks are being stopped)...", file=sys.stderr, flush=True)
        handle.cancel()
        deadline = time.monotonic() + CANCEL_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            try:
                if handle.wait(0.25) != "running":
                    break
            except KeyboardInterrupt:
                continue
        return True


class _Printer:
    """Progress lines (or JSON lines) from the engine's worker threads, one writer at a time."""

    def __init__(self, jsonl: bool):
        self.jsonl = jsonl
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._tails: dict[str, collections.deque[str]] = {}
        self._failed: list[tuple[str, str, str]] = []  # task id, message, traceback

    def progress(self, message: str) -> None:
        with self._lock:
            print(message, file=sys.stderr, flush=True)

    def on_event(self, event: Any) -> None:
        from workbench.runs.events import LogLine, TaskStateChanged, event_to_json

        with self._lock:
            if isinstance(event, LogLine):
                self._tails.setdefault(event.task_id, collections.deque(maxlen=TAIL_LINES)).append(event.line)
            elif isinstance(event, TaskStateChanged) and event.state == "failed":
                self._failed.append((event.task_id, event.message, str(event.details.get("traceback") or "")))
            if self.jsonl:
                print(event_to_json(event), flush=True)
            elif isinstance(event, TaskStateChanged) and event.state != "pending":
                elapsed = time.monotonic() - self.started
                message = f"  {event.message}" if event.message and event.state != "succeeded" else ""
                print(f"[{elapsed:7.1f}s] {event.task_id:<48} {event.state}{message}", flush=True)

    def summary(self, run_id: str, state: str, message: str) -> None:
        with self._lock:
            out = sys.stderr if self.jsonl else sys.stdout
            print(f"run {run_id} {state} after {time.monotonic() - self.started:.1f} s"
                  + (f": {message}" if message else ""), file=out, flush=True)
            for task_id, task_message, traceback in self._failed:
                lines = traceback.splitlines() or self._tails.get(task_id)
                if not lines:
                    continue
                what = "traceback" if traceback else "last log lines"
                print(f"--- {what} of {task_id} ({task_message}) ---", file=out)
                for line in lines:
                    print(f"    {line}", file=out)
            out.flush()
