"""Starting a local run: the wiring shared by `workbench run` and the GUI.

Picks a backend (Docker when an engine answers, else local processes), records the run in the
history store before its first event, and starts the engine with the default paths.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable, Iterable

from workbench.errors import RunError
from workbench.runs import paths
from workbench.runs.backend import TaskBackend
from workbench.runs.engine import Engine, RunHandle, new_run_id
from workbench.runs.engine.ir import parse_ir, resolve_pipeline_arguments
from workbench.runs.engine.limits import RunLimits
from workbench.runs.engine.remote_artifacts import GcsAccess
from workbench.runs.events import EventSink, RunFinished

if TYPE_CHECKING:
    from workbench.runs.store import RunStore

BACKENDS = ("docker", "subprocess")
Progress = Callable[[str], None]


def choose_backend(name: str | None, progress: Progress) -> TaskBackend:
    """`docker` or `subprocess` as asked (checked), or None: Docker if it answers, else processes."""
    if name not in (None, *BACKENDS):
        raise RunError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
    if name in (None, "docker"):
        from workbench.runs.docker_backend import DockerBackend

        from workbench.runs.image_aliases import with_aliases_from_environment

        docker = with_aliases_from_environment(DockerBackend())
        try:
            docker.check()
            return docker
        except RunError as exc:
            if name == "docker":
                raise
            progress(f"Docker is not available ({exc}); running tasks as local processes instead")
    from workbench.runs.subprocess_backend import SubprocessBackend

    backend = SubprocessBackend(paths.venv_root())
    backend.check()
    return backend


def gcs_access(flags: Iterable[str] = ()) -> GcsAccess:
    """gs:// mirrors: `--gcs-mirror` flags, then the `gcs_mirrors` setting, then WORKBENCH_GCS_MIRROR."""
    from workbench.settings import load_settings

    return GcsAccess.from_environment([*flags, *load_settings().gcs_mirrors])


def start_local_run(store: RunStore, ir_text: str, arguments: dict[str, Any], *, backend: TaskBackend,
                    sinks: list[EventSink], progress: Progress, max_parallel: int | None = None,
                    use_cache: bool = True, run_id: str | None = None,
                    force_tasks: Iterable[str] = (), input_artifacts: dict[str, str] | None = None,
                    limits: RunLimits | None = None, gcs: GcsAccess | None = None) -> RunHandle:
    """Record the run (exact YAML and arguments) and start it; events go to the store and `sinks`.
    `force_tasks` run again (with what is downstream of them) even when the cache has them.
    `gcs` (default: `gcs_access()`) says how gs:// input artifacts are read."""
    run_id = paths.check_run_id(new_run_id() if run_id is None else run_id)
    ir = parse_ir(ir_text)
    resolve_pipeline_arguments(ir, arguments)  # refuse bad arguments before anything is recorded
    engine = Engine(backend, sinks=[store.on_event, *sinks], max_parallel=max_parallel,
                    use_cache=use_cache, cache_dir=paths.cache_dir(),
                    workspace_root=paths.workspace_root(), progress=progress, limits=limits,
                    gcs=gcs or gcs_access())
    store.create_run(run_id, ir.name, ir_text, arguments, backend.name)
    try:
        return engine.start(ir_text, arguments, run_id=run_id, force_tasks=force_tasks,
                            input_artifacts=input_artifacts)
    except RunError as exc:
        store.on_event(RunFinished(run_id=run_id, state="failed", time=time.time(), message=str(exc)))
        raise
