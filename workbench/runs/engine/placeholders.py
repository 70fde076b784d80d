"""Resolving KFP placeholders in a container's command and args into a final argv.

One pass, by regular expression: a substituted value is never scanned again, so an upstream
string that happens to contain `{{$...}}` text reaches the task verbatim.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_PLACEHOLDER = re.compile(r"\{\{\$(?P<path>[^{}]*)\}\}")
_IO_PATH = re.compile(
    r"^\.(?P<direction>inputs|outputs)\.(?P<kind>parameters|artifacts)\['(?P<key>[^']*)'\]"
    r"(?P<field>\.(?:uri|path|metadata|output_file))?$")
_STRUCT_PREFIXES = ('{"Concat"', '{"IfPresent"')
WORKSPACE_MOUNT_PATH = "/kfp-workspace"


class PlaceholderError(ValueError):
    """A placeholder the engine cannot resolve; the task fails with this message."""


@dataclass(frozen=True)
class TaskContext:
    """Run-level values behind the `{{$.pipeline_*}}` placeholders."""

    pipeline_job_name: str
    pipeline_job_id: str
    pipeline_task_name: str
    pipeline_task_id: str
    pipeline_root: str
    workspace_path: str
    create_time_utc: str


def resolve_command(parts: list[str], executor_input: dict[str, Any],
                    context: TaskContext) -> list[str]:
    """Expand Concat/IfPresent structures, then every `{{$...}}` placeholder in each element."""
    present = _provided_inputs(executor_input)
    expanded: list[str] = []
    for part in parts:
        if isinstance(part, str) and part.startswith(_STRUCT_PREFIXES):
            try:
                structure = json.loads(part)
            except json.JSONDecodeError:
                expanded.append(part)
                continue
            expanded.extend(_flatten(_resolve_struct(structure, present)))
        else:
            expanded.append(str(part))
    return [_substitute(part, executor_input, context) for part in expanded]


def resolve_constant(value: str, parameters: dict[str, Any], context: TaskContext) -> str:
    """Fill a constant input the way the KFP driver does: `{{$.inputs.parameters['x']}}` (how the
    compiler encodes f-strings) and the run-level `{{$.pipeline_*}}` values; leave the rest."""
    run_level = _run_level_values(context)

    def replace(match: re.Match[str]) -> str:
        path = match.group("path")
        if path in run_level:
            return run_level[path]
        io = _IO_PATH.match(path)
        if io and io["direction"] == "inputs" and io["kind"] == "parameters" and not io["field"] \
                and io["key"] in parameters:
            return _as_text(parameters[io["key"]])
        return match.group(0)

    return _PLACEHOLDER.sub(replace, value)


def _run_level_values(context: TaskContext) -> dict[str, str]:
    return {
        ".pipeline_job_name": context.pipeline_job_name,
        ".pipeline_job_resource_name": context.pipeline_job_name,
        ".pipeline_job_uuid": context.pipeline_job_id,
        ".pipeline_task_name": context.pipeline_task_name,
        ".pipeline_task_uuid": context.pipeline_task_id,
        ".pipeline_root": context.pipeline_root,
        ".workspace_path": context.workspace_path,
        ".pipeline_job_create_time_utc": context.create_time_utc,
        ".pipeline_job_schedule_time_utc": context.create_time_utc,
    }


def _provided_inputs(executor_input: dict[str, Any]) -> set[str]:
    inputs = executor_input.get("inputs", {})
    names = {k for k, v in inputs.get("parameterValues", {}).items() if v is not None}
    names |= {k for k, v in inputs.get("artifacts", {}).items() if v and v.get("artifacts")}
    return names


def _resolve_struct(node: Any, present: set[str]) -> Any:
    """Concat joins to one string; IfPresent picks Then/Else, which may be a list of args."""
    if node is None or isinstance(node, str):
        return node
    if isinstance(node, list):
        return [_resolve_struct(item, present) for item in node]
    if not isinstance(node, dict) or len(node) != 1:
        raise PlaceholderError(f"unknown structured placeholder {json.dumps(node)[:120]}")
    (kind, body), = node.items()
    if kind == "Concat":
        return "".join(_flatten([_resolve_struct(item, present) for item in body]))
    if kind == "IfPresent":
        branch = body.get("Then") if body.get("InputName") in present else body.get("Else")
        return _resolve_struct(branch, present)
    raise PlaceholderError(f"unknown structured placeholder {kind!r}")


def _flatten(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [item for element in value for item in _flatten(element)]
    return [value]


def _substitute(text: str, executor_input: dict[str, Any], context: TaskContext) -> str:
    text = text.replace(WORKSPACE_MOUNT_PATH, context.workspace_path)
    return _PLACEHOLDER.sub(lambda match: _lookup(match.group("path"), executor_input, context),
                            text)


def _lookup(path: str, executor_input: dict[str, Any], context: TaskContext) -> str:
    if path == "":
        return json.dumps(executor_input)
    if path in (".outputs.output_file", ".outputMetadataUri"):
        return executor_input["outputs"]["outputFile"]
    run_level = _run_level_values(context)
    if path in run_level:
        return run_level[path]
    io = _IO_PATH.match(path)
    if not io:
        raise PlaceholderError(f"placeholder {{{{${path}}}}} is not supported locally")
    section = executor_input.get(io["direction"], {})
    key, field = io["key"], (io["field"] or "")[1:]
    if io["kind"] == "parameters":
        if io["direction"] == "outputs":
            return section.get("parameters", {}).get(key, {}).get("outputFile", "")
        return _as_text(section.get("parameterValues", {}).get(key))
    artifacts = section.get("artifacts", {}).get(key, {}).get("artifacts", [])
    if not field:
        return json.dumps(artifacts)
    if not artifacts:
        raise PlaceholderError(f"artifact {key!r} has no value for {{{{${path}}}}}")
    if field in ("uri", "path"):
        return artifacts[0]["uri"]
    if field == "metadata":
        return json.dumps(artifacts[0].get("metadata", {}))
    raise PlaceholderError(f"placeholder {{{{${path}}}}} is not supported locally")


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
