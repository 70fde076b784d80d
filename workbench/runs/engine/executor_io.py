"""The KFP executor contract: the executor input JSON a task receives, and its outputs read back.

Outputs come from two places, as on a cluster: `executor_output.json` (written by the KFP
Python executor) and one file per output parameter (written by container components).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.runs import safe_fs

EXECUTOR_OUTPUT_FILE = "executor_output.json"


class ExecutorOutputError(ValueError):
    """The task wrote outputs the engine cannot read; the task fails with this message."""


@dataclass
class Values:
    """Parameters and artifacts by name: a task's inputs or outputs, a DAG's scope."""

    parameters: dict[str, Any] = field(default_factory=dict)
    artifacts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def runtime_artifact(name: str, artifact_type: dict[str, Any], uri: str,
                     metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """An artifact as the executor input/output JSON spells it (RuntimeArtifact)."""
    return {"name": name, "type": dict(artifact_type), "uri": uri, "metadata": dict(metadata or {})}


def build_executor_input(component: dict[str, Any], parameters: dict[str, Any],
                         artifacts: dict[str, list[dict[str, Any]]], task_root: Path) -> dict[str, Any]:
    """Inputs as resolved by the engine; outputs point into `task_root` (made by the caller)."""
    outputs = component.get("outputDefinitions", {})
    return {
        "inputs": {
            "parameterValues": _typed_parameters(component, parameters),
            "artifacts": {k: {"artifacts": v} for k, v in artifacts.items() if v},
        },
        "outputs": {
            "parameters": {name: {"outputFile": str(task_root / name)}
                           for name in outputs.get("parameters", {})},
            "artifacts": {
                name: {"artifacts": [runtime_artifact(name, spec.get("artifactType", {}),
                                                      str(task_root / name))]}
                for name, spec in outputs.get("artifacts", {}).items()},
            "outputFile": str(task_root / EXECUTOR_OUTPUT_FILE),
        },
    }


def _typed_parameters(component: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    """JSON numbers arrive as floats; integer inputs reach the task as ints, as on a cluster."""
    definitions = component.get("inputDefinitions", {}).get("parameters", {})
    typed = {}
    for name, value in parameters.items():
        if value is None:
            continue
        is_integer = definitions.get(name, {}).get("parameterType") == "NUMBER_INTEGER"
        typed[name] = int(value) if is_integer and isinstance(value, float) and value.is_integer() else value
    return typed


def read_outputs(component: dict[str, Any], executor_input: dict[str, Any], task_dir: int,
                 relative: str, limit: int) -> Values:
    """Collect output parameters and artifacts from the task folder open as `task_dir` (named
    `relative` in messages), reading no output parameter above `limit` bytes; raise
    ExecutorOutputError on malformed output and UnsafePathError on a link left where outputs go."""
    definitions = component.get("outputDefinitions", {})
    declared_outputs = len(definitions.get("parameters", {})) + len(definitions.get("artifacts", {}))
    written = _load_executor_output(task_dir, f"{relative}/{EXECUTOR_OUTPUT_FILE}",
                                    limit * (declared_outputs + 1))
    outputs = Values()
    parameter_types = {k: v.get("parameterType", "STRING")
                       for k, v in definitions.get("parameters", {}).items()}
    values = written.get("parameterValues", {})
    if not isinstance(values, dict):
        raise ExecutorOutputError("executor output 'parameterValues' is not an object")
    outputs.parameters.update({k: v for k, v in values.items() if k in parameter_types})
    for name in executor_input["outputs"]["parameters"]:
        if safe_fs.kind_of_entry(task_dir, name, f"{relative}/{name}") != "file":
            continue
        try:
            data = safe_fs.read_file(task_dir, name, limit, f"{relative}/{name}") or b""
        except safe_fs.TooLargeError:
            raise ExecutorOutputError(_too_large(name, limit)) from None
        outputs.parameters[name] = _parse_parameter(name, data.decode("utf-8", errors="replace"),
                                                    parameter_types[name])
    for name, value in outputs.parameters.items():
        if _size_of(value) > limit:
            raise ExecutorOutputError(_too_large(name, limit))
    for name, value in list(outputs.parameters.items()):
        if parameter_types[name] == "NUMBER_INTEGER" and isinstance(value, float):
            outputs.parameters[name] = int(value)
    written_artifacts = written.get("artifacts", {})
    if not isinstance(written_artifacts, dict):
        raise ExecutorOutputError("executor output 'artifacts' is not an object")
    for name, declared in executor_input["outputs"]["artifacts"].items():
        safe_fs.kind_of_entry(task_dir, name, f"{relative}/{name}")  # a link there is refused now
        outputs.artifacts[name] = _merge_artifacts(name, declared["artifacts"],
                                                   written_artifacts.get(name))
    return outputs


def _too_large(name: str, limit: int) -> str:
    return (f"output parameter {name!r} is larger than the {safe_fs.format_size(limit)} limit (raise it "
            "with --max-parameter-size or WORKBENCH_MAX_PARAMETER_SIZE)")


def _size_of(value: Any) -> int:
    return len(value.encode("utf-8", errors="replace") if isinstance(value, str) else json.dumps(value))


def _load_executor_output(task_dir: int, relative: str, limit: int) -> dict[str, Any]:
    try:
        data = safe_fs.read_file(task_dir, EXECUTOR_OUTPUT_FILE, limit, relative)
    except safe_fs.TooLargeError:
        raise ExecutorOutputError(f"{EXECUTOR_OUTPUT_FILE} is larger than {safe_fs.format_size(limit)} "
                                  "(the output parameter limit for each output, plus one)") from None
    if data is None:
        return {}
    try:
        written = json.loads(data.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ExecutorOutputError(f"malformed {EXECUTOR_OUTPUT_FILE}: {exc}") from None
    if not isinstance(written, dict):
        raise ExecutorOutputError(f"malformed {EXECUTOR_OUTPUT_FILE}: not a JSON object")
    return written


def _parse_parameter(name: str, text: str, parameter_type: str) -> Any:
    """Strings are taken as written; everything else is JSON (booleans case-insensitively)."""
    if parameter_type == "STRING":
        return text
    try:
        return json.loads(text.lower() if parameter_type == "BOOLEAN" else text)
    except json.JSONDecodeError:
        raise ExecutorOutputError(
            f"output parameter {name!r} ({parameter_type}) is not valid JSON: {text[:80]!r}") from None


def _merge_artifacts(name: str, declared: list[dict[str, Any]], written: Any) -> list[dict[str, Any]]:
    """The executor may update uri and metadata; the declared type always stays."""
    if written is None:
        return declared
    items = written.get("artifacts") if isinstance(written, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ExecutorOutputError(f"executor output artifact {name!r} is malformed")
    artifact_type = declared[0]["type"]
    merged = []
    for item in items:
        metadata = item.get("metadata", {})
        if not isinstance(metadata, dict):
            raise ExecutorOutputError(f"executor output artifact {name!r} has non-object metadata")
        merged.append(runtime_artifact(name, artifact_type, str(item.get("uri") or declared[0]["uri"]),
                                       metadata))
    return merged
