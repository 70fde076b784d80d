"""Round-trip judge: do two compiled pipelines describe the same pipeline?

`describe_ir` reduces a pipeline spec to what a run depends on, keyed by leaf task name (the
importer keeps IR task names and the compiler forces them): each task's executor (image, command,
args, env, resources; importer settings; a sub-pipeline described the same way), its kfp-kubernetes config (references
traced like inputs), its inputs traced
to their real source, the leaf tasks it waits for, its caching / retry / trigger strategy, and the
chain of groups around it: kind, loop items (+ parallelism) and trigger condition. The names kfp
invents for groups and channels (`for-loop-2`, `condition-3`, `pipelinechannel--loop-item-param-1`)
are normalised away: a loop item is named by the position of its loop in the task's chain.
Pipeline inputs (parameters and artifacts), outputs, root and platform config count too.
"""

from __future__ import annotations

import json
from typing import Any

from workbench.compiler.ir_components import quantity, subpipeline_ir
from workbench.compiler.ir_kubernetes import kubernetes_platform, resolved_config, task_config
from workbench.compiler.ir_load import IrFile, load_ir
from workbench.compiler.ir_walk import IrTask, IrWalk, Source, Unsupported
from workbench.model.expressions import Comparison, Expression, Not


def _number(value: Any) -> Any:
    """Protobuf keeps numbers as doubles: `3` and `3.0` are the same value."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_number(v) for v in value]
    if isinstance(value, dict):
        return {k: _number(v) for k, v in value.items()}
    return value


_RESOURCE_FORMS = {"resourceCpuLimit": ("cpuLimit", ""), "resourceCpuRequest": ("cpuRequest", ""),
                   "resourceMemoryLimit": ("memoryLimit", "G"), "resourceMemoryRequest": ("memoryRequest", "G")}


def _resources(resources: dict) -> dict:
    """Older compilers write only `cpuLimit: 8.0` / `memoryLimit: 52.0` (GB), kfp 2.17 also the
    string forms: compare the quantity each pair means; other fields as they are."""
    older = {old for old, _ in _RESOURCE_FORMS.values()}
    described = {key: value for key, value in resources.items() if key not in _RESOURCE_FORMS and key not in older}
    for newer, (old, unit) in _RESOURCE_FORMS.items():
        amount = quantity(resources.get(newer), resources.get(old), unit)
        if amount:
            described[newer] = amount
    return _number(described)


class _Describer:
    def __init__(self, ir: IrFile):
        self.ir = ir
        self.walk = IrWalk(ir)

    def source(self, source: Source | None, loops: dict[str, int]) -> str:
        if source is None:
            return "none"
        if isinstance(source, Unsupported):
            return f"unsupported({source.reason})"
        if source.kind == "constant":
            return json.dumps(_number(source.value), sort_keys=True)
        if source.kind == "parameter":
            return f"param:{source.parameter}"
        if source.kind in ("output", "collected"):
            text = f"{source.node}.{source.output}"
            return f"collected({text})" if source.kind == "collected" else text
        if source.kind == "loop_item":
            where = f"group[{loops[source.loop]}]" if source.loop in loops else f"foreign-loop({source.loop})"
            return f"item({where}){'.' + source.field if source.field else ''}"
        if source.kind == "one_of":
            return f"one_of({', '.join(self.source(part, loops) for part in source.parts)})"
        return "final_status"

    def condition(self, expr: Expression, loops: dict[str, int]) -> str:
        if isinstance(expr, Comparison):
            return f"{self.source(expr.left, loops)} {expr.op} {self.source(expr.right, loops)}"
        if isinstance(expr, Not):
            return f"!({self.condition(expr.operand, loops)})"
        return f" {'&&' if expr.op == 'and' else '||'} ".join(f"({self.condition(e, loops)})" for e in expr.operands)

    def group(self, task: IrTask, loops: dict[str, int]) -> dict:
        entry: dict[str, Any] = {"kind": task.kind}
        if task.kind == "loop":
            entry["items"] = self.source(task.items, loops)
            entry["parallelism"] = int((task.spec.get("iteratorPolicy") or {}).get("parallelismLimit", 0) or 0)
        if task.kind == "condition":
            entry["condition"] = self.condition(task.condition, loops)
        return entry

    def upstream(self, task: IrTask, chain: list[str]) -> list[str]:
        """Leaf tasks this task waits for, however kfp placed the dependency (task or group)."""
        leaves: set[str] = set()
        for name in [task.name, *chain]:
            for dep in self.walk.tasks[name].dependent_tasks:
                if dep in self.walk.tasks:
                    leaves.update(self.walk.leaves_under(dep))
        return sorted(leaves - {task.name})

    def executor(self, task: IrTask) -> dict:
        component = self.ir.components[task.component]
        if "dag" in component:
            sub = IrFile(spec=subpipeline_ir(self.ir, task.component), platforms={}, path=self.ir.path)
            return {"pipeline": _Describer(sub).describe()}
        executor = self.ir.executors[component.get("executorLabel", "")]
        if "importer" in executor:
            return {"importer": _number(executor["importer"])}
        container = executor.get("container") or {}
        described = {key: _number(container.get(key)) for key in ("image", "command", "args", "env")
                     if container.get(key)}
        if container.get("resources"):
            described["resources"] = _resources(container["resources"])
        return described

    def kubernetes(self, task: IrTask, loops: dict[str, int]) -> dict | None:
        """The task's kfp-kubernetes config, its references traced to their real source."""
        config = task_config(self.ir, task)
        if config is None:
            return None
        bare, sources = resolved_config(self.walk, task, config)
        references = {"/".join(map(str, path)): self.source(source, loops) for path, source in sources.items()}
        return {"config": _number(bare), "references": dict(sorted(references.items()))}

    def task(self, task: IrTask) -> dict:
        chain = self.walk.chain(task.name)
        loops = {name: index for index, name in enumerate(chain)}
        return {
            "kubernetes": self.kubernetes(task, loops),
            "executor": self.executor(task),
            "inputs": {name: self.source(source, loops) for name, source in sorted(task.inputs.items())},
            "upstream": self.upstream(task, chain),
            "groups": [self.group(self.walk.tasks[g], loops) for g in chain],
            "caching": bool((task.spec.get("cachingOptions") or {}).get("enableCache", False)),
            "cache_key": (task.spec.get("cachingOptions") or {}).get("cacheKey", ""),
            "retry": _number(task.spec.get("retryPolicy") or {}),
            "trigger": (task.spec.get("triggerPolicy") or {}).get("strategy", ""),
        }

    def describe(self) -> dict:
        definitions = self.ir.spec["root"].get("inputDefinitions") or {}
        parameters = {name: {"type": spec.get("parameterType"), "default": _number(spec.get("defaultValue")),
                             "optional": bool(spec.get("isOptional", False)) or "defaultValue" in spec}
                      for name, spec in sorted((definitions.get("parameters") or {}).items())}
        artifacts = {name: {"type": spec.get("artifactType"), "optional": bool(spec.get("isOptional", False)),
                            "list": bool(spec.get("isArtifactList", False))}
                     for name, spec in sorted((definitions.get("artifacts") or {}).items())}
        tasks = {name: self.task(t) for name, t in sorted(self.walk.tasks.items()) if t.kind == "leaf"}
        platform = {key: value for key, value in kubernetes_platform(self.ir).items() if key != "deploymentSpec"}
        outputs = {name: self.source(source, {}) for name, source in sorted(self.walk.pipeline_outputs().items())}
        output_types = _number(self.ir.spec["root"].get("outputDefinitions") or {})
        return {"parameters": parameters, "input_artifacts": artifacts, "tasks": tasks, "platform": platform,
                "outputs": outputs, "output_types": output_types,
                "pipeline_root": self.ir.spec.get("defaultPipelineRoot", "")}


def describe_ir(text: str) -> dict:
    """A canonical, name-normalised description of a compiled pipeline (see the module doc)."""
    return _Describer(load_ir(text)).describe()


def _diff(a: Any, b: Any, where: str, out: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in b:
                out.append(f"{where}{key}: only in the first")
            elif key not in a:
                out.append(f"{where}{key}: only in the second")
            else:
                _diff(a[key], b[key], f"{where}{key}.", out)
    elif a != b:
        out.append(f"{where.rstrip('.')}: {json.dumps(a, sort_keys=True)} != {json.dumps(b, sort_keys=True)}")


def equivalent(a_text: str, b_text: str) -> list[str]:
    """The differences between two compiled pipelines ([] when they are equivalent)."""
    out: list[str] = []
    _diff(describe_ir(a_text), describe_ir(b_text), "", out)
    return out
