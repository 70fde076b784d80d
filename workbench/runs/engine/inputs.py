"""Resolving a task's inputs inside its DAG: parent inputs, upstream outputs, constants,
final statuses of upstream tasks, expression selectors and loop items.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import RunError
from workbench.runs.engine.conditions import evaluate_selector
from workbench.runs.engine.executor_io import Values, runtime_artifact
from workbench.runs.engine.placeholders import TaskContext, resolve_constant

SUCCESS_STATES = ("succeeded", "cached")
_FINAL_STATUS = {"succeeded": "COMPLETE", "cached": "CACHED", "failed": "FAILED",
                 "skipped": "CANCELED", "cancelled": "CANCELED"}
"""Task states as the KFP driver reports them (ML Metadata execution states)."""


class InputError(ValueError):
    """An input the engine cannot supply; the task fails with this message."""


@dataclass
class TaskResult:
    state: str
    outputs: Values = field(default_factory=Values)
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)  # what a step inspector shows (image, key...)


def upstream_tasks(task: dict[str, Any]) -> set[str]:
    """Explicit `dependentTasks` plus every producer an input names."""
    names = set(task.get("dependentTasks", []))
    inputs = task.get("inputs", {})
    for spec in list(inputs.get("parameters", {}).values()) + list(inputs.get("artifacts", {}).values()):
        for key in ("taskOutputParameter", "taskOutputArtifact", "taskFinalStatus"):
            if key in spec:
                names.add(spec[key]["producerTask"])
    return names


def resolve_task_inputs(task: dict[str, Any], scope: Values, results: dict[str, TaskResult],
                        context: TaskContext) -> Values:
    """Values for the task's declared inputs; optional inputs whose source is absent are left out."""
    specs = task.get("inputs", {})
    resolved = Values()
    constants: dict[str, str] = {}
    for name, spec in specs.get("parameters", {}).items():
        found, value = _parameter(name, spec, scope, results, context.pipeline_job_name)
        if not found:
            continue
        if "parameterExpressionSelector" in spec:
            value = evaluate_selector(spec["parameterExpressionSelector"], value)
        if "runtimeValue" in spec and isinstance(value, str):
            constants[name] = value
        resolved.parameters[name] = value
    for name, value in constants.items():
        resolved.parameters[name] = resolve_constant(value, resolved.parameters, context)
    for name, spec in specs.get("artifacts", {}).items():
        artifacts = _artifacts(name, spec, scope, results)
        if artifacts:
            resolved.artifacts[name] = artifacts
    return resolved


def with_defaults(component: dict[str, Any], inputs: Values) -> Values:
    """Inputs the task left unset take the component's declared defaults."""
    for name, definition in component.get("inputDefinitions", {}).get("parameters", {}).items():
        if name not in inputs.parameters and "defaultValue" in definition:
            inputs.parameters[name] = definition["defaultValue"]
    return inputs


_URI = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def pipeline_input_artifacts(root: dict[str, Any], given: dict[str, str], run_dir: Path,
                             pipeline: str) -> dict[str, list[dict[str, Any]]]:
    """The root DAG's input artifacts from `--input-artifact NAME=PATH`: a file or folder is copied
    into the run's folder (all a task can see; the user's own links are copied as what they point
    to, so no link lands in the workspace), a URI
    (`gs://...`, `https://...`) is passed on as it is. Refuses unknown names and missing required
    artifacts by name."""
    definitions = root.get("inputDefinitions", {}).get("artifacts", {})
    unknown = sorted(set(given) - set(definitions))
    if unknown:
        raise RunError(f"unknown pipeline input artifact(s) {', '.join(unknown)}; "
                       f"known: {', '.join(sorted(definitions)) or 'none'}", element=pipeline)
    resolved = {}
    for index, (name, definition) in enumerate(sorted(definitions.items())):
        if name not in given:
            if not definition.get("isOptional"):
                raise RunError(f"pipeline input artifact {name!r} is required (--input-artifact {name}=PATH)",
                               element=pipeline)
            continue
        uri = given[name]
        if not _URI.match(uri):
            uri = str(_copy_into_run(Path(uri), run_dir / "inputs" / f"{index}-{re.sub(r'[^A-Za-z0-9_-]', '_', name)}",
                                     name, pipeline))
        resolved[name] = [runtime_artifact(name, definition.get("artifactType", {}), uri)]
    return resolved


def _copy_into_run(source: Path, target: Path, name: str, pipeline: str) -> Path:
    if not source.exists():
        raise RunError(f"input artifact {name!r}: {source} does not exist (give a file, a folder or a URI)",
                       element=pipeline)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        if source.is_dir():
            shutil.copytree(source, target, symlinks=False)
        else:
            shutil.copy2(source, target)
    except OSError as exc:
        raise RunError(f"input artifact {name!r}: cannot copy {source} ({exc.strerror or str(exc)[:200]})",
                       element=pipeline) from None
    return target


def loop_items(task: dict[str, Any], inputs: Values) -> tuple[str, list[Any], bool]:
    """(item input name, items, items-are-artifacts) for a ParallelFor task."""
    if "artifactIterator" in task:
        iterator = task["artifactIterator"]
        source = iterator["items"]["inputArtifact"]
        return iterator["itemInput"], [[item] for item in inputs.artifacts.get(source, [])], True
    iterator = task["parameterIterator"]
    items_spec = iterator["items"]
    if "raw" in items_spec:
        items = _as_list(items_spec["raw"], "raw loop items")
    else:
        source = items_spec["inputParameter"]
        if source not in inputs.parameters:
            raise InputError(f"loop items {source!r} have no value")
        items = _as_list(inputs.parameters[source], f"loop items {source!r}")
    return iterator["itemInput"], items, False


def final_status(run_name: str, producer: str, result: TaskResult) -> dict[str, Any]:
    """The PipelineTaskFinalStatus struct an exit task receives."""
    status = {"state": _FINAL_STATUS.get(result.state, "FAILED"),
              "pipelineJobResourceName": run_name, "pipelineTaskName": producer}
    if result.state not in SUCCESS_STATES:
        status["error"] = {"code": 1, "message": result.message or result.state}
    return status


def parameter_value(spec: dict[str, Any], scope: Values, results: dict[str, TaskResult], run_name: str) -> Any:
    """The value an IR parameter spec names in this scope (for names in the Kubernetes config),
    or None when it has none (an optional pipeline input left unset)."""
    return _parameter("Kubernetes name", spec, scope, results, run_name)[1]


def _parameter(name: str, spec: dict[str, Any], scope: Values, results: dict[str, TaskResult],
               run_name: str) -> tuple[bool, Any]:
    if "componentInputParameter" in spec:
        key = spec["componentInputParameter"]
        return key in scope.parameters, scope.parameters.get(key)
    if "runtimeValue" in spec:
        return True, spec["runtimeValue"].get("constant")
    if "taskOutputParameter" in spec:
        producer = spec["taskOutputParameter"]["producerTask"]
        key = spec["taskOutputParameter"]["outputParameterKey"]
        outputs = results[producer].outputs.parameters
        if key not in outputs and results[producer].state in SUCCESS_STATES:
            raise InputError(f"input {name!r}: upstream task {producer!r} produced no output {key!r}")
        return key in outputs, outputs.get(key)
    if "taskFinalStatus" in spec:
        producer = spec["taskFinalStatus"]["producerTask"]
        return True, final_status(run_name, producer, results[producer])
    raise InputError(f"input {name!r} has an unsupported source {sorted(spec)}")


def _artifacts(name: str, spec: dict[str, Any], scope: Values,
               results: dict[str, TaskResult]) -> list[dict[str, Any]]:
    if "componentInputArtifact" in spec:
        return scope.artifacts.get(spec["componentInputArtifact"], [])
    if "taskOutputArtifact" in spec:
        producer = spec["taskOutputArtifact"]["producerTask"]
        key = spec["taskOutputArtifact"]["outputArtifactKey"]
        artifacts = results[producer].outputs.artifacts.get(key, [])
        if not artifacts and results[producer].state in SUCCESS_STATES:
            raise InputError(f"input {name!r}: upstream task {producer!r} produced no artifact {key!r}")
        return artifacts
    raise InputError(f"artifact input {name!r} has an unsupported source {sorted(spec)}")


def _as_list(value: Any, what: str) -> list[Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise InputError(f"{what} are not a JSON list: {value[:80]!r}") from None
    if not isinstance(value, list):
        raise InputError(f"{what} are not a list: {value!r}"[:200])
    return value


def dag_outputs(component: dict[str, Any], results: dict[str, TaskResult]) -> Values:
    """A DAG's declared outputs from its subtasks; a oneOf takes the first branch that produced one."""
    spec = component.get("dag", {}).get("outputs", {})
    outputs = Values()
    for name, source in spec.get("parameters", {}).items():
        selectors = ([source["valueFromParameter"]] if "valueFromParameter" in source
                     else source.get("valueFromOneof", {}).get("parameterSelectors", []))
        for selector in selectors:
            produced = results.get(selector["producerSubtask"])
            if produced and selector["outputParameterKey"] in produced.outputs.parameters:
                outputs.parameters[name] = produced.outputs.parameters[selector["outputParameterKey"]]
                break
    for name, source in spec.get("artifacts", {}).items():
        for selector in source.get("artifactSelectors", []):
            produced = results.get(selector["producerSubtask"])
            if produced and produced.outputs.artifacts.get(selector["outputArtifactKey"]):
                outputs.artifacts[name] = produced.outputs.artifacts[selector["outputArtifactKey"]]
                break
    return outputs


def collect_iterations(component: dict[str, Any], iterations: list[TaskResult]) -> Values:
    """A ParallelFor's outputs: each declared output as the list over its iterations (Collected)."""
    definitions = component.get("outputDefinitions", {})
    collected = Values()
    for name in definitions.get("parameters", {}):
        collected.parameters[name] = [result.outputs.parameters[name] for result in iterations
                                      if name in result.outputs.parameters]
    for name in definitions.get("artifacts", {}):
        collected.artifacts[name] = [artifact for result in iterations
                                     for artifact in result.outputs.artifacts.get(name, [])]
    return collected
