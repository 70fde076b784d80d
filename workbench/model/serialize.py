"""The `.wbp` file: JSON with `schema_version`, sorted keys and stable ids, so diffs stay readable.

Older schema versions are migrated on load; a newer or unknown version is refused with a message
that says which version this build reads. Every field is type-checked on load (model/document_schema.py).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable

from workbench.atomic import write_atomic
from workbench.errors import DocumentError
from workbench.ir_schema import ANY, check_shape
from workbench.model.document import Node, Parameter, PipelineGraph, TaskOptions
from workbench.model.document_schema import read_graph, read_options
from workbench.model.fields import Fields

SCHEMA_VERSION = 3
EXTENSION = ".wbp"


def _migrate_1_to_2(data: dict) -> dict:
    """Version 1 kept task options flat on the node (`caching`, `retries`); version 2 nests them.
    Entries of the wrong type are left as they are for the schema check to name."""
    nodes = data.get("nodes")
    for node in nodes.values() if isinstance(nodes, dict) else ():
        if isinstance(node, dict) and "options" not in node:
            node["options"] = {"caching": node.pop("caching", True),
                               "retry": {"count": node.pop("retries", 0)}}
    data["schema_version"] = 2
    return data


def _migrate_2_to_3(data: dict) -> dict:
    """Version 3 added per-task Kubernetes settings and artifact-typed pipeline inputs; a version 2
    file has neither, so only the number changes (an older Workbench refuses version 3 files
    instead of silently dropping their Kubernetes settings)."""
    data["schema_version"] = 3
    return data


MIGRATIONS: dict[int, Callable[[dict], dict]] = {1: _migrate_1_to_2, 2: _migrate_2_to_3}


def options_to_dict(options: TaskOptions) -> dict:
    retry = {k: v for k, v in vars(options.retry).items() if v not in ("", None, 0)}
    resources = {k: v for k, v in vars(options.resources).items() if v not in ("", 0)}
    data: dict[str, Any] = {"caching": options.caching}
    if retry:
        data["retry"] = retry
    if resources:
        data["resources"] = resources
    if options.env:
        data["env"] = dict(options.env)
    if options.ignore_upstream_failure:
        data["ignore_upstream_failure"] = True
    if options.cache_key:
        data["cache_key"] = options.cache_key
    if options.bound:
        data["bound"] = {k: b.to_dict() for k, b in sorted(options.bound.items())}
    return data


def options_from_dict(data: dict, *, where: str = "options", path: str | None = None) -> TaskOptions:
    return read_options(Fields(data, where, path))


def _kubernetes_to_entry(node: Node, entry: dict) -> None:
    if node.kubernetes is not None:
        entry["kubernetes"] = node.kubernetes.to_dict()


def _pipeline_outputs_to_dict(graph: PipelineGraph, data: dict) -> None:
    if graph.outputs:
        data["outputs"] = {name: binding.to_dict() for name, binding in sorted(graph.outputs.items())}
    if graph.pipeline_root:
        data["pipeline_root"] = graph.pipeline_root


def _position(value: tuple[float, float]) -> list[float]:
    return [round(float(value[0]), 1), round(float(value[1]), 1)]


def _parameter_to_dict(parameter: Parameter) -> dict:
    data = {"name": parameter.name, "type": parameter.type}
    if parameter.default is not None:
        data["default"] = parameter.default
    if parameter.description:
        data["description"] = parameter.description
    if parameter.optional:
        data["optional"] = True
    return data


def to_dict(graph: PipelineGraph) -> dict:
    nodes = {}
    for node in graph.nodes.values():
        entry: dict[str, Any] = {"component": node.component, "name": node.name,
                                 "options": options_to_dict(node.options), "position": _position(node.position)}
        if node.display_name:
            entry["display_name"] = node.display_name
        if node.inputs:
            entry["inputs"] = {k: b.to_dict() for k, b in node.inputs.items()}
        if node.after:
            entry["after"] = list(node.after)
        _kubernetes_to_entry(node, entry)
        nodes[node.id] = entry
    groups = {}
    for group in graph.groups.values():
        entry = {"kind": group.kind, "members": list(group.members), "position": _position(group.position)}
        if group.name:
            entry["name"] = group.name
        if group.kind == "loop":
            entry["items"] = group.items.to_dict() if group.items else None
            entry["parallelism"] = group.parallelism
        elif group.kind == "condition":
            entry["condition"] = group.condition.to_dict() if group.condition else None
            entry["follows"] = group.follows
        else:
            entry["exit_node"] = group.exit_node
        groups[group.id] = entry
    data = {
        "components": {key: spec.to_dict() for key, spec in graph.components.items()},
        "description": graph.description,
        "groups": groups,
        "name": graph.name,
        "nodes": nodes,
        "notes": {n.id: {"position": _position(n.position), "size": _position(n.size), "text": n.text}
                  for n in graph.notes.values()},
        "parameters": [_parameter_to_dict(p) for p in graph.parameters.values()],
        "schema_version": SCHEMA_VERSION,
    }
    if graph.workspace:
        data["workspace"] = graph.workspace
    _pipeline_outputs_to_dict(graph, data)
    return data


def to_json(graph: PipelineGraph) -> str:
    return json.dumps(to_dict(graph), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def from_dict(data: Any, *, path: str | None = None) -> PipelineGraph:
    """Check and read a parsed document (any version this build reads); the caller's data is not changed."""
    if not isinstance(data, dict):
        raise DocumentError("the file is not a pipeline document (expected a JSON object)", path=path)
    check_shape(data, ANY, path=path, error=DocumentError)  # depth and size, before anything walks it
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1 or version > SCHEMA_VERSION:
        raise DocumentError(f"unknown schema_version {version!r}; this Workbench reads versions 1 to "
                            f"{SCHEMA_VERSION} (a newer Workbench may have written it)",
                            path=path, element="schema_version")
    data = copy.deepcopy(data)
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version = data["schema_version"]
    return read_graph(Fields(data, "", path))


def loads(text: str, *, path: str | None = None) -> PipelineGraph:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", path=path) from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number; nesting deeper than the parser holds
        raise DocumentError(f"not valid JSON ({exc})", path=path) from None
    return from_dict(data, path=path)


def load(path: str | Path) -> PipelineGraph:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DocumentError(f"cannot read the file ({exc.strerror})", path=str(path)) from None
    except UnicodeDecodeError:
        raise DocumentError("not a text file (expected a JSON pipeline document)", path=str(path)) from None
    return loads(text, path=str(path))


def save(graph: PipelineGraph, path: str | Path) -> None:
    try:
        write_atomic(path, to_json(graph))
    except OSError as exc:
        raise DocumentError(f"cannot write the file ({exc.strerror}); the previous version is untouched",
                            path=str(path)) from None
