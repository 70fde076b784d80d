"""Running one executor task on a worker thread: importer, or container through the backend,
with the cache, retries and back-off, live logs and metrics, and outputs read back.
"""

from __future__ import annotations

import dataclasses
import traceback
from dataclasses import dataclass
from typing import Any, Callable

from workbench.errors import RunError
from workbench.runs import safe_fs, tensorboard_watch
from workbench.runs.backend import Mount, TaskLaunch, TaskOutcome
from workbench.runs.engine.cache import CacheHit, cache_key
from workbench.runs.engine.context import RunContext, TaskRef
from workbench.runs.engine.executor_io import (ExecutorOutputError, Values, build_executor_input,
                                               read_outputs, runtime_artifact)
from workbench.runs.engine.inputs import TaskResult
from workbench.runs.engine.lightweight import pip_package_set
from workbench.runs.engine.local_support import unsupported_executor, volume_operation
from workbench.runs.local_k8s import pod, pvc
from workbench.runs.engine.metrics import artifact_events, parse_metric_line
from workbench.runs.engine.placeholders import (PlaceholderError, TaskContext,
                                                resolve_command, resolve_constant)
from workbench.runs.engine.post_task import after_success
from workbench.runs.engine.task_resources import task_resources
from workbench.runs.engine.task_story import MetricRecorder, TaskStory
from workbench.runs.events import MetricLogged
from workbench.runs.failure_cause import CauseCollector
from workbench.runs.engine.remote_artifacts import RemoteArtifactError, localize_inputs


@dataclass(frozen=True)
class ExecutorCall:
    ref: TaskRef
    task: dict[str, Any]
    component: dict[str, Any]
    executor: dict[str, Any] | None
    inputs: Values
    resolve_parameter: Callable[[dict[str, Any]], Any]
    """The value of an IR parameter spec in the task's scope (names in its Kubernetes config)."""


def run_executor_task(ctx: RunContext, call: ExecutorCall) -> TaskResult:
    """Never raises: an unexpected error becomes a failed task with the traceback in its log."""
    if ctx.cancel_event.is_set():
        return TaskResult("cancelled", message="run cancelled")
    try:
        problem = unsupported_executor(call.executor)
        if problem:
            return TaskResult("failed", message=f"task {call.ref.name!r}: {problem}")
        config = ctx.ir.kubernetes_executor_config(call.component)
        operation = volume_operation(call.executor)
        docker_only = [operation] if operation else pod.needs_docker(config)
        if docker_only and ctx.backend.name != "docker":
            return TaskResult("failed", message=f"task {call.ref.name!r}: Kubernetes {', '.join(docker_only)} "
                                                "needs the Docker backend (--backend docker)")
        if operation:
            return _run_volume_operation(ctx, call, operation)
        if "importer" in call.executor:
            return _run_importer(ctx, call)
        docker = ctx.backend.name == "docker"
        try:
            setup = pod.prepare(config, pod.PodIdentity(_pod_name(ctx, call.ref), ctx.run_name, ctx.run_id),
                                call.resolve_parameter, ctx.backend.volume_exists if docker else lambda name: False,
                                docker=docker)
        except RunError as exc:
            return TaskResult("failed", message=f"task {call.ref.name!r}: {exc}")
        try:
            ctx.mask(setup.secret_values)
            for warning in setup.warnings:
                ctx.log(call.ref, f"workbench: warning: {warning}", "engine")
            call = dataclasses.replace(call, inputs=dataclasses.replace(
                call.inputs, artifacts=localize_inputs(ctx.gcs, ctx.run_dir, call.inputs.artifacts)))
            return _run_container(ctx, call, setup)
        finally:
            setup.release()
    except (OSError, ExecutorOutputError, RunError, RemoteArtifactError) as exc:  # incl. UnsafePathError: what the task left behind
        return TaskResult("failed", message=f"task {call.ref.name!r}: {exc}")
    except Exception as exc:  # noqa: BLE001 - the engine must survive any single task
        for line in traceback.format_exc().splitlines():
            ctx.log(call.ref, line, "engine")
        return TaskResult("failed", message=f"internal error in task {call.ref.name!r}: {exc}")


def _run_volume_operation(ctx: RunContext, call: ExecutorCall, operation: str) -> TaskResult:
    if operation == "CreatePVC":
        images = sorted({executor["container"].get("image", "") for executor in ctx.ir.executors.values()
                         if "container" in executor and not unsupported_executor(executor)
                         and not volume_operation(executor)})
        if not images:
            return TaskResult("failed", message=f"task {call.ref.name!r}: CreatePVC needs a container "
                                                "task in the pipeline (its image opens the volume)")
        name = pvc.create_pvc(ctx.backend, ctx.run_id, ctx.run_name, call.inputs.parameters, images[0])
        ctx.log(call.ref, f"workbench: PVC {name!r} is the Docker volume {name!r}", "engine")
        return _succeeded(ctx, call, Values(parameters={"name": name}), "succeeded")
    name = pvc.delete_pvc(ctx.backend, call.inputs.parameters)
    ctx.log(call.ref, f"workbench: removed the Docker volume of PVC {name!r}", "engine")
    return _succeeded(ctx, call, Values(), "succeeded")


def _pod_name(ctx: RunContext, ref: TaskRef) -> str:
    """What `metadata.name` would be: the run name and the task's path, DNS-1123-shaped."""
    text = f"{ctx.run_name}-{ref.task_id}".lower()
    return "".join(c if c.isalnum() or c in "-." else "-" for c in text).strip("-.")[:253]


def _run_importer(ctx: RunContext, call: ExecutorCall) -> TaskResult:
    spec = call.executor["importer"]
    uri_spec = spec.get("artifactUri", {})
    if "runtimeParameter" in uri_spec:
        uri = call.inputs.parameters.get(uri_spec["runtimeParameter"])
    else:
        uri = uri_spec.get("constant", uri_spec.get("constantValue", {}).get("stringValue"))
    if not isinstance(uri, str) or not uri:
        return TaskResult("failed", message=f"importer {call.ref.name!r} has no artifact URI")
    uri = uri.removeprefix("file://")
    metadata = _fill_references(spec.get("metadata", {}), call.inputs.parameters,
                                ctx.placeholder_context(call.ref))
    artifact = runtime_artifact("artifact", spec.get("typeSchema", {}), uri, metadata)
    outputs = Values(artifacts={"artifact": [artifact]})
    return _succeeded(ctx, call, outputs, "succeeded")


def _run_container(ctx: RunContext, call: ExecutorCall, setup: pod.PodSetup) -> TaskResult:
    """Raises OSError (UnsafePathError above all) or ExecutorOutputError when the task left its
    folder in a state the engine refuses; the task then fails with that message."""
    container = call.executor["container"]
    task_parts = ctx.task_parts(call.ref)
    executor_input = build_executor_input(call.component, call.inputs.parameters,
                                          call.inputs.artifacts, ctx.task_root(call.ref))
    try:
        argv = resolve_command(list(container.get("command", [])) + list(container.get("args", [])),
                               executor_input, ctx.placeholder_context(call.ref))
    except PlaceholderError as exc:
        return TaskResult("failed", message=f"task {call.ref.name!r}: {exc}")
    key = cache_key(call.component, container, call.inputs.parameters,
                    {name: [ctx.fingerprint(a) for a in items]
                     for name, items in call.inputs.artifacts.items()})
    caching = ctx.use_cache and bool(call.task.get("cachingOptions", {}).get("enableCache"))
    details = _details(container, argv, key, call.inputs)
    if caching and call.ref.name not in ctx.force_tasks:
        safe_fs.reset_dir(ctx.run_dir, task_parts)
        hit = ctx.cache.lookup(key, executor_input, ctx.run_dir, task_parts)
        if hit is not None:
            ctx.remember_fingerprints(hit.outputs, key)
            return _cache_hit(ctx, call, hit, details)
    launch = _launch(ctx, call, container, argv, setup)
    attempt = _run_with_retries(ctx, call, launch)
    outcome = attempt.outcome
    details.update(exit_code=outcome.exit_code, attempts=attempt.number)
    if outcome.cancelled:
        return TaskResult("cancelled", message="cancelled", details=details)
    if outcome.exit_code != 0:
        return _failed(call, outcome, attempt.causes, details)
    with safe_fs.opened_dir(ctx.run_dir, task_parts) as task_dir:
        outputs = read_outputs(call.component, executor_input, task_dir, "/".join(task_parts),
                               ctx.limits.parameter_bytes)
    ctx.remember_fingerprints(outputs, key)
    if caching:
        ctx.cache.store(key, outputs, ctx.run_dir, task_parts,
                        TaskStory(ctx.run_id, call.ref.task_id, attempt.metrics.series()))
    return _succeeded(ctx, call, outputs, "succeeded", details)


def _failed(call: ExecutorCall, outcome: TaskOutcome, causes: CauseCollector, details: dict[str, Any]) -> TaskResult:
    """The exit (and the backend's word on it, when it adds something), then the exception's last
    line from the task's log; the traceback goes to the details for the step inspector."""
    if outcome.oom_killed:
        message = f"task {call.ref.name!r} {outcome.message or 'was killed: out of memory'}"
    else:
        reason = f"exited with code {outcome.exit_code}"
        detail = f" ({outcome.message})" if outcome.message and outcome.message != reason else ""
        message = f"task {call.ref.name!r} {reason}{detail}"
    cause = causes.cause()
    if cause is not None:
        message += f": {cause.summary}"
        details.update(exception=cause.summary, traceback=cause.traceback)
    return TaskResult("failed", message=message, details=details)


def _cache_hit(ctx: RunContext, call: ExecutorCall, hit: CacheHit, details: dict[str, Any]) -> TaskResult:
    """The producing run's story goes with the outputs: its metric series are replayed as this
    task's, and the task says where it came from (in its log, its details and its message)."""
    story = hit.story
    if story.run_id:
        details["cached_from"] = {"run_id": story.run_id, "task_id": story.task_id}
        ctx.log(call.ref, f"workbench: cache hit: outputs, metrics and artifacts of run {story.run_id} "
                          f"(task {story.task_id}); its log: workbench runs logs {story.run_id} {story.task_id}",
                "engine")
        for event in story.replay(ctx.run_id, call.ref.task_id):
            ctx.emit(event)
    else:
        ctx.log(call.ref, "workbench: cache hit: outputs of an earlier run (this cache entry does not say "
                          "which run, nor keep its metrics)", "engine")
    result = _succeeded(ctx, call, hit.outputs, "cached", details)
    if result.state == "cached" and story.run_id:
        return dataclasses.replace(result, message=f"from run {story.run_id}")  # shown after the state "cached"
    return result


def _details(container: dict[str, Any], argv: list[str], key: str, inputs: Values) -> dict[str, Any]:
    """What ran and why it is (or is not) a cache hit, for the step inspector and the history."""
    return {"image": container.get("image", ""), "command": list(argv), "cache_key": key,
            "resources": container.get("resources", {}),
            "inputs": {**inputs.parameters,
                       **{name: [item["uri"] for item in items] for name, items in inputs.artifacts.items()}}}


@dataclass
class _Attempt:
    """The last attempt of a task: its outcome and number, the cause of a failure read from its
    log as it printed, and its live metrics (kept for the cache entry)."""

    outcome: TaskOutcome
    number: int
    causes: CauseCollector
    metrics: MetricRecorder


def _run_with_retries(ctx: RunContext, call: ExecutorCall, launch: TaskLaunch) -> _Attempt:
    policy = call.task.get("retryPolicy", {})
    attempts = 1 + int(policy.get("maxRetryCount", 0))
    delay = _seconds(policy.get("backoffDuration", "0s"))
    factor = float(policy.get("backoffFactor", 2.0))
    max_delay = _seconds(policy.get("backoffMaxDuration", "3600s"))

    for number in range(1, attempts + 1):
        causes, metrics = CauseCollector(), MetricRecorder()
        on_line, emit_metric = _attempt_sinks(ctx, call.ref, causes, metrics)
        safe_fs.reset_dir(ctx.run_dir, ctx.task_parts(call.ref))  # each attempt starts empty, like a pod
        if launch.user:  # the security context's uid must be able to write the task's outputs
            ctx.task_root(call.ref).chmod(0o777)
        with tensorboard_watch.watching(ctx.task_root(call.ref), ctx.run_id, call.ref.task_id, emit_metric,
                                        lambda note: ctx.log(call.ref, note, "engine")):
            outcome = ctx.backend.run_task(launch, on_line, ctx.cancel_event)
        if outcome.cancelled or outcome.exit_code == 0 or number == attempts:
            return _Attempt(outcome, number, causes, metrics)
        wait = min(delay, max_delay)
        ctx.log(call.ref, f"workbench: attempt {number}/{attempts} failed (exit code "
                          f"{outcome.exit_code}); retrying in {wait:g}s", "engine")
        if ctx.cancel_event.wait(wait):
            return _Attempt(TaskOutcome(exit_code=outcome.exit_code, cancelled=True), number, causes, metrics)
        delay = delay * factor
    raise AssertionError("unreachable: the last attempt returns")


def _attempt_sinks(ctx: RunContext, ref: TaskRef, causes: CauseCollector, metrics: MetricRecorder
                   ) -> tuple[Callable[[str, str], None], Callable[[MetricLogged], None]]:
    """Where an attempt's log lines and metric events go: to the run's sinks, and to what the
    engine keeps of them (the failure cause, the series for the cache entry)."""
    def emit_metric(event: MetricLogged) -> None:
        metrics.record(event)
        ctx.emit(event)

    def on_line(line: str, stream: str) -> None:
        ctx.log(ref, line, stream)
        causes.feed(ctx.masked(line), stream)  # the cause is stored and shown: no secret in it
        metric = parse_metric_line(ctx.run_id, ref.task_id, line)
        if metric is not None:
            emit_metric(metric)

    return on_line, emit_metric


def _launch(ctx: RunContext, call: ExecutorCall, container: dict[str, Any], argv: list[str],
            setup: pod.PodSetup) -> TaskLaunch:
    env = {item["name"]: str(item.get("value", "")) for item in container.get("env", [])}
    env.update(setup.env)
    env.update(tensorboard_watch.task_env(ctx.task_root(call.ref)))
    # admission parsed these already: a malformed quantity never gets here
    resources = task_resources(container.get("resources") or {}, call.inputs.parameters,
                               ctx.placeholder_context(call.ref))
    return TaskLaunch(
        run_id=ctx.run_id, task_id=call.ref.task_id, image=container.get("image", ""),
        argv=tuple(argv), env=env, workspace=ctx.run_dir, mounts=_mounts(ctx, call),
        packages=pip_package_set(argv),
        cpu_limit=resources.cpu_limit, memory_limit=resources.memory_limit,
        accelerator_type=resources.accelerator_type, accelerator_count=resources.accelerators,
        labels={**setup.labels, "workbench.run-id": ctx.run_id, "workbench.task-id": call.ref.task_id},
        volumes=tuple(setup.volumes), user=setup.user, deadline_s=setup.deadline_s)


def _mounts(ctx: RunContext, call: ExecutorCall) -> tuple[Mount, ...]:
    """What a container may see: its own folder and the shared workspace read-write, each input
    artifact of this run (a task's output, or a pipeline input artifact copied into `inputs/`)
    read-only, checked free of links: Docker would follow one on the host. Artifacts elsewhere on
    the host (an importer's local path) are not mounted."""
    mounts = {ctx.task_root(call.ref): Mount(ctx.task_root(call.ref), writable=True),
              ctx.workspace_path: Mount(ctx.workspace_path, writable=True)}
    for folder in ("tasks", "inputs"):
        for items in call.inputs.artifacts.values():
            for item in items:
                below = safe_fs.inside(item["uri"], ctx.run_dir / folder)
                if below and safe_fs.kind_of(ctx.run_dir, (folder, *below)) != "missing":
                    path = ctx.run_dir.joinpath(folder, *below)
                    mounts.setdefault(path, Mount(path, writable=False))
    return tuple(mounts.values())


def _succeeded(ctx: RunContext, call: ExecutorCall, outputs: Values, state: str,
               details: dict[str, Any] | None = None) -> TaskResult:
    problem = after_success(ctx, call.ref, call.executor, call.inputs, outputs)
    if problem is not None:
        return TaskResult("failed", message=f"task {call.ref.name!r}: {problem}", details=dict(details or {}))
    for event in artifact_events(ctx.run_id, call.ref.task_id, outputs):
        ctx.emit(event)
    shown = dict(details or {})
    shown["outputs"] = {**outputs.parameters,
                        **{name: [item["uri"] for item in items] for name, items in outputs.artifacts.items()}}
    return TaskResult(state, outputs, details=shown)


def _fill_references(value: Any, parameters: dict[str, Any], context: TaskContext) -> Any:
    if isinstance(value, str):
        return resolve_constant(value, parameters, context)
    if isinstance(value, dict):
        return {k: _fill_references(v, parameters, context) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_references(v, parameters, context) for v in value]
    return value


def _seconds(duration: Any) -> float:
    try:
        return max(0.0, float(str(duration).rstrip("s") or 0))
    except ValueError:
        return 0.0
