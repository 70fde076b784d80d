"""From IR components and executors to ComponentSpecs and TaskOptions.

kfp writes task-level settings (environment variables, resource requests and limits) into the
task's executor; the document keeps them on the node (TaskOptions) so that one component can be
placed twice with different settings. They are therefore taken out of the stored executor here.
A sub-pipeline becomes a complete standalone pipeline IR, as kfp would compile it on its own.
"""

from __future__ import annotations

import copy

from workbench.components.spec import ComponentSpec
from workbench.compiler.ir_load import IrFile
from workbench.errors import ComponentError
from workbench.model.document import Resources, Retry, TaskOptions

TASK_LEVEL_CONTAINER_FIELDS = ("env", "resources")


def component_spec(ir: IrFile, key: str, where: str) -> ComponentSpec:
    component = ir.component(key, where)
    if "dag" in component:
        implementation = {"graph": subpipeline_ir(ir, key)}
    else:
        executor = copy.deepcopy(ir.executor(key, where))
        for field in TASK_LEVEL_CONTAINER_FIELDS:
            (executor.get("container") or {}).pop(field, None)
        implementation = executor
    spec = ComponentSpec(name=key.removeprefix("comp-"), implementation=implementation,
                         input_definitions=copy.deepcopy(component.get("inputDefinitions") or {}),
                         output_definitions=copy.deepcopy(component.get("outputDefinitions") or {}))
    try:
        spec.check(f"component {key!r}")
    except ComponentError as exc:
        raise ir.fail(exc.message, exc.element) from None
    return spec


def subpipeline_ir(ir: IrFile, key: str) -> dict:
    """The standalone pipeline spec of a DAG component: its root, and what that root reaches."""
    component = ir.components[key]
    components: dict = {}
    executors: dict = {}
    pending = [task.get("componentRef", {}).get("name", "") for task in component["dag"].get("tasks", {}).values()]
    while pending:
        ref = pending.pop()
        if ref in components:
            continue
        reached = ir.component(ref, f"component {key!r}")
        components[ref] = copy.deepcopy(reached)
        if "dag" in reached:
            pending.extend(t.get("componentRef", {}).get("name", "") for t in reached["dag"].get("tasks", {}).values())
        else:
            executors[reached.get("executorLabel", "")] = copy.deepcopy(ir.executor(ref, f"component {key!r}"))
    root = {"dag": copy.deepcopy(component["dag"])}
    for field in ("inputDefinitions", "outputDefinitions"):
        if component.get(field):
            root[field] = copy.deepcopy(component[field])
    document = {"components": dict(sorted(components.items())),
                "deploymentSpec": {"executors": dict(sorted(executors.items()))},
                "pipelineInfo": {"name": key.removeprefix("comp-")},
                "root": root,
                "schemaVersion": ir.spec.get("schemaVersion", "2.1.0")}
    if ir.spec.get("sdkVersion"):
        document["sdkVersion"] = ir.spec["sdkVersion"]
    return document


def quantity(new_form: object, old_form: object, unit: str = "") -> str:
    """Prefer the newer string form (`resourceCpuLimit: '500m'`); else the older float
    (`cpuLimit: 0.5`, memory in GB)."""
    if new_form not in (None, ""):
        return str(new_form)
    if old_form in (None, ""):
        return ""
    number = float(old_form)
    return f"{int(number) if number.is_integer() else number}{unit}"


def _resources(container: dict) -> Resources:
    res = container.get("resources") or {}
    accelerator = res.get("accelerator") or {}
    count = accelerator.get("resourceCount", accelerator.get("count", 0)) or 0
    return Resources(cpu_request=quantity(res.get("resourceCpuRequest"), res.get("cpuRequest")),
                     cpu_limit=quantity(res.get("resourceCpuLimit"), res.get("cpuLimit")),
                     memory_request=quantity(res.get("resourceMemoryRequest"), res.get("memoryRequest"), "G"),
                     memory_limit=quantity(res.get("resourceMemoryLimit"), res.get("memoryLimit"), "G"),
                     accelerator_type=str(accelerator.get("resourceType") or accelerator.get("type") or ""),
                     accelerator_count=int(count) if str(count).isdigit() else 0)


def _retry(task: dict) -> Retry:
    policy = task.get("retryPolicy") or {}
    return Retry(count=int(policy.get("maxRetryCount", 0) or 0),
                 backoff_duration=str(policy.get("backoffDuration", "") or ""),
                 backoff_factor=policy.get("backoffFactor"),
                 backoff_max_duration=str(policy.get("backoffMaxDuration", "") or ""))


def task_options(ir: IrFile, task: dict, component_key: str, *,
                 exit_task: bool) -> tuple[TaskOptions, dict[str, str]]:
    """The node's options, and the settings kfp set from a channel: a resource field
    (`set_cpu_limit(param)`, left empty in the options) or "image" (`set_container_image(param)`,
    which stays in the component's executor) -> the placeholder text."""
    component = ir.components[component_key]
    container = {} if "dag" in component else (ir.executor(component_key, "").get("container") or {})
    env = {}
    for entry in container.get("env") or []:
        env[str(entry.get("name", ""))] = str(entry.get("value", ""))
    resources = _resources(container)
    placeholders = {name: str(value) for name, value in vars(resources).items() if "{{" in str(value)}
    count = ((container.get("resources") or {}).get("accelerator") or {}).get("resourceCount")
    if "{{" in str(count or ""):
        placeholders["accelerator_count"] = str(count)
    for name in placeholders:
        setattr(resources, name, 0 if name == "accelerator_count" else "")
    if "{{" in str(container.get("image", "")):
        placeholders["image"] = str(container["image"])
    strategy = (task.get("triggerPolicy") or {}).get("strategy", "")
    caching = task.get("cachingOptions") or {}
    options = TaskOptions(caching=bool(caching.get("enableCache", False)), cache_key=str(caching.get("cacheKey", "")),
                          retry=_retry(task), resources=resources, env=env,
                          ignore_upstream_failure=strategy == "ALL_UPSTREAM_TASKS_COMPLETED" and not exit_task)
    return options, placeholders
