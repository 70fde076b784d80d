"""The local engine: runs a compiled KFP v2 pipeline (IR YAML) on a TaskBackend, emitting events.

    engine = Engine(SubprocessBackend(venvs), sinks=[print], cache_dir=..., workspace_root=...)
    handle = engine.start(ir_text, {"message": "hi"})
    handle.wait(timeout=600)        # -> "succeeded" | "failed" | "cancelled" | "running"

Each run gets `workspace_root/RUN_ID` (the pipeline root) with `tasks/<task>` (one folder per task,
its outputs) and `workspace` (the pipeline's shared workspace), and one coordinator thread; tasks
are admitted by their resource requests (see admission.py) and run on a pool of at most
`max_parallel` worker threads (default 4x the CPUs). The engine reads and writes under the run
folder only through `safe_fs`, never following a link a task left there.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterable

from workbench.errors import RunError, WorkbenchError
from workbench.runs import safe_fs
from workbench.runs.backend import TaskBackend
from workbench.runs.engine.admission import DEFAULT_FLOOR_FRACTION, Admission, default_cap
from workbench.runs.engine.cache import TaskCache
from workbench.runs.engine.context import RunContext
from workbench.runs.engine.forcing import downstream_closure
from workbench.runs.engine.inputs import pipeline_input_artifacts
from workbench.runs.engine.ir import PipelineIR, parse_ir, resolve_pipeline_arguments
from workbench.runs.engine.lightweight import pip_package_set
from workbench.runs.engine.limits import RunLimits
from workbench.runs.engine.local_support import unsupported_executor, volume_operation
from workbench.runs.engine.machine import Machine, available_memory, this_machine
from workbench.runs.engine.remote_artifacts import GcsAccess
from workbench.runs.engine.scheduler import Scheduler
from workbench.runs.events import EventSink, RunFinished, RunStarted
from workbench.runs.paths import check_run_id

__all__ = ["Engine", "RunHandle", "new_run_id"]


def new_run_id() -> str:
    """Sortable by start time, unique enough to share a workspace root."""
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"


class RunHandle:
    """A started run: cancel it, wait for it, inspect task states and outputs."""

    def __init__(self, ctx: RunContext):
        self._ctx = ctx
        self._done = threading.Event()
        self._state = "running"
        self.message = ""

    @property
    def run_id(self) -> str:
        return self._ctx.run_id

    @property
    def run_dir(self) -> Path:
        return self._ctx.run_dir

    def cancel(self) -> None:
        self._ctx.cancel_event.set()

    def wait(self, timeout: float | None = None) -> str:
        """The final run state, or "running" when `timeout` passes first."""
        self._done.wait(timeout)
        return self._state

    def task_states(self) -> dict[str, str]:
        return self._ctx.states()

    def outputs(self, task_id: str) -> dict[str, Any]:
        """Output parameters by name, and artifact URIs (a list when the output is a list)."""
        values = self._ctx.outputs(task_id)
        if values is None:
            raise KeyError(f"task {task_id!r} has no outputs (states: {sorted(self.task_states())})")
        result: dict[str, Any] = dict(values.parameters)
        for name, items in values.artifacts.items():
            uris = [item["uri"] for item in items]
            result[name] = uris[0] if len(uris) == 1 else uris
        return result

    def _finish(self, state: str, message: str) -> None:
        self._state = state
        self.message = message
        self._done.set()


class Engine:
    """`machine` and `read_available` default to this machine as the OS and the backend report it;
    tests pass their own to make admission decisions reproducible."""

    def __init__(self, backend: TaskBackend, *, sinks: list[EventSink], max_parallel: int | None = None,
                 use_cache: bool = True, cache_dir: Path, workspace_root: Path,
                 progress: Callable[[str], None] | None = None, limits: RunLimits | None = None,
                 machine: Machine | None = None, read_available: Callable[[], int | None] = available_memory,
                 memory_floor: float = DEFAULT_FLOOR_FRACTION, gcs: GcsAccess | None = None):
        self.backend = backend
        self.sinks = list(sinks)
        self.max_parallel = max(1, max_parallel or default_cap(os.cpu_count() or 1))
        self.machine = machine
        self.read_available = read_available
        self.memory_floor = memory_floor
        self.use_cache = use_cache
        self.cache = TaskCache(Path(cache_dir))
        self.workspace_root = Path(os.path.abspath(workspace_root))
        self.progress = progress or (lambda message: None)
        self.limits = limits or RunLimits.from_environment()
        self.gcs = gcs or GcsAccess.from_environment()

    def start(self, ir_text: str, arguments: dict[str, Any], run_id: str | None = None,
              force_tasks: Iterable[str] = (), input_artifacts: dict[str, str] | None = None) -> RunHandle:
        """Validate and start; raises RunError (bad IR, bad arguments, backend unavailable).

        `force_tasks` (IR task names) and everything downstream of them skip the cache lookup
        (their fresh results are still stored): "re-run from this task" with the rest cached.
        `input_artifacts` gives the pipeline's input artifacts: name -> file, folder or URI."""
        ir = parse_ir(ir_text)
        resolved = resolve_pipeline_arguments(ir, arguments)
        self.backend.check()
        run_id = check_run_id(new_run_id() if run_id is None else run_id)
        try:
            for folder in ("tasks", "workspace"):
                with safe_fs.opened_dir(self.workspace_root, (run_id, folder), create=True):
                    pass
        except OSError as exc:
            raise RunError(f"cannot prepare the run folder: {exc}", path=str(self.workspace_root / run_id)) from exc
        run_dir = self.workspace_root / run_id
        artifacts = pipeline_input_artifacts(ir.root, input_artifacts or {}, run_dir, ir.name)
        ctx = RunContext(run_id=run_id, ir=ir, backend=self.backend, sinks=self.sinks, cache=self.cache,
                         use_cache=self.use_cache, run_dir=run_dir,
                         max_parallel=self.max_parallel, limits=self.limits, gcs=self.gcs,
                         force_tasks=frozenset(downstream_closure(ir, force_tasks)))
        handle = RunHandle(ctx)
        threading.Thread(target=self._run, args=(ctx, handle, resolved, artifacts), name=f"run-{run_id}",
                         daemon=True).start()
        return handle

    def _run(self, ctx: RunContext, handle: RunHandle, arguments: dict[str, Any],
             artifacts: dict[str, list[dict[str, Any]]]) -> None:
        ctx.emit(RunStarted(run_id=ctx.run_id, pipeline_name=ctx.ir.name, backend=self.backend.name,
                            arguments=arguments, time=time.time()))
        state, message = "failed", ""
        try:
            self.backend.prepare(runtimes_needed(ctx.ir), self.progress)
            machine = self.machine or this_machine(self.backend)
            admission = Admission(machine, self.max_parallel, self.read_available, self.memory_floor)
            result = Scheduler(ctx, admission).run(arguments, artifacts)
            state, message = result.state, result.message
        except WorkbenchError as exc:
            message = str(exc)
        except Exception as exc:  # noqa: BLE001 - report, never leave a handle waiting forever
            message = f"internal error: {exc!r}"
        finally:
            ctx.pool.shutdown(wait=False, cancel_futures=True)
            if state == "cancelled":
                _remove_leftovers(self.backend, ctx.run_id)
            ctx.emit(RunFinished(run_id=ctx.run_id, state=state, time=time.time(), message=message))
            handle._finish(state, message)


def _remove_leftovers(backend: TaskBackend, run_id: str) -> None:
    """After a cancel, remove whatever a task that was still starting may have left (containers)."""
    try:
        backend.cleanup_run(run_id)
    except Exception as exc:  # noqa: BLE001 - a cleanup failure must not hide the run's end
        print(f"workbench: could not clean up run {run_id}: {exc}", file=sys.stderr)


def runtimes_needed(ir: PipelineIR) -> set[tuple[str, tuple[str, ...]]]:
    """(image, package set) of every container executor that can run here, for backend.prepare."""
    needed = set()
    for executor in ir.executors.values():
        container = executor.get("container")
        if container and not unsupported_executor(executor) and not volume_operation(executor):
            needed.add((container.get("image", ""), pip_package_set(container.get("command", []))))
    return needed
