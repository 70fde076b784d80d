"""Reading a compiled KFP v2 pipeline spec (IR YAML) into the few lookups the engine needs.

The IR stays plain dicts (as the compiler wrote them); this module only splits the optional
platform-spec document off, checks the shape, and types pipeline arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.errors import RunError
from workbench.ir_schema import read_pipeline_spec
from workbench.runs.engine.names import RULE, unusable_names

@dataclass(frozen=True)
class PipelineIR:
    name: str
    root: dict[str, Any]
    components: dict[str, dict[str, Any]]
    executors: dict[str, dict[str, Any]]
    kubernetes: dict[str, Any]
    """The `platforms.kubernetes` part of a second YAML document, or {}."""

    def component_of(self, task: dict[str, Any]) -> dict[str, Any]:
        name = task.get("componentRef", {}).get("name", "")
        try:
            return self.components[name]
        except KeyError:
            raise RunError(f"component {name!r} is not defined", element=task_name(task)) from None

    def executor_of(self, component: dict[str, Any]) -> dict[str, Any] | None:
        label = component.get("executorLabel")
        return self.executors.get(label) if label else None

    def kubernetes_executor_config(self, component: dict[str, Any]) -> dict[str, Any]:
        label = component.get("executorLabel", "")
        return self.kubernetes.get("deploymentSpec", {}).get("executors", {}).get(label, {})

    def pipeline_parameters(self) -> dict[str, dict[str, Any]]:
        return self.root.get("inputDefinitions", {}).get("parameters", {})


def task_name(task: dict[str, Any]) -> str:
    return task.get("taskInfo", {}).get("name", "")


def parse_ir(text: str, source: str = "pipeline.yaml") -> PipelineIR:
    """Parse the IR text; raise RunError naming `source` when it is not a KFP pipeline spec."""
    spec, platforms = read_pipeline_spec(text, path=source, error=RunError)
    unusable = unusable_names(spec)
    if unusable:
        raise RunError(f"names that cannot be used as file names: {'; '.join(unusable)} ({RULE})",
                       path=source)
    return PipelineIR(
        name=spec.get("pipelineInfo", {}).get("name", "pipeline"),
        root=spec["root"],
        components=spec.get("components", {}),
        executors=spec.get("deploymentSpec", {}).get("executors", {}),
        kubernetes=platforms.get("kubernetes", {}),
    )


def resolve_pipeline_arguments(ir: PipelineIR, arguments: dict[str, Any]) -> dict[str, Any]:
    """Apply defaults; refuse unknown names and missing required parameters."""
    definitions = ir.pipeline_parameters()
    unknown = sorted(set(arguments) - set(definitions))
    if unknown:
        raise RunError(f"unknown pipeline parameter(s) {', '.join(unknown)}; "
                       f"known: {', '.join(sorted(definitions)) or 'none'}", element=ir.name)
    resolved: dict[str, Any] = {}
    for name, definition in definitions.items():
        if name in arguments:
            resolved[name] = arguments[name]
        elif "defaultValue" in definition:
            resolved[name] = definition["defaultValue"]
        elif not definition.get("isOptional"):
            raise RunError(f"pipeline parameter {name!r} is required (--param {name}=VALUE)",
                           element=ir.name)
    return resolved
