"""The `.wbp` file: JSON with `schema_version`, sorted keys and stable ids, so diffs stay readable.

Older schema versions are migrated on load; a newer or unknown version is refused with a message
that says which version this build reads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from workbench.atomic import write_atomic
from workbench.components.spec import ComponentSpec
from workbench.errors import ComponentError, DocumentError
from workbench.model.bindings import Binding
from workbench.model.document import (GROUP_KINDS, Group, Node, Note, Parameter, PipelineGraph, Resources,
                                      Retry, TaskOptions)
from workbench.model.expressions import expression_from_dict
from workbench.model.kubernetes import KubernetesConfig

SCHEMA_VERSION = 3
EXTENSION = ".wbp"


def _migrate_1_to_2(data: dict) -> dict:
    """Version 1 kept task options flat on the node (`caching`, `retries`); version 2 nests them."""
    for node in data.get("nodes", {}).values():
        if "options" not in node:
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


def options_from_dict(data: dict) -> TaskOptions:
    return TaskOptions(caching=data.get("caching", True), retry=Retry(**data.get("retry", {})),
                       resources=Resources(**data.get("resources", {})), env=dict(data.get("env", {})),
                       cache_key=data.get("cache_key", ""),
                       bound={k: Binding.from_dict(b) for k, b in data.get("bound", {}).items()},
                       ignore_upstream_failure=data.get("ignore_upstream_failure", False))


def _kubernetes_to_entry(node: Node, entry: dict) -> None:
    if node.kubernetes is not None:
        entry["kubernetes"] = node.kubernetes.to_dict()


def _kubernetes_from_entry(entry: dict) -> KubernetesConfig | None:
    """A node's Kubernetes settings (ValueError names what is wrong)."""
    return KubernetesConfig.from_dict(entry["kubernetes"]) if "kubernetes" in entry else None


def _pipeline_outputs_to_dict(graph: PipelineGraph, data: dict) -> None:
    if graph.outputs:
        data["outputs"] = {name: binding.to_dict() for name, binding in sorted(graph.outputs.items())}
    if graph.pipeline_root:
        data["pipeline_root"] = graph.pipeline_root


def _pipeline_outputs_from_dict(graph: PipelineGraph, data: dict) -> None:
    graph.outputs = {str(name): Binding.from_dict(b) for name, b in (data.get("outputs") or {}).items()}
    graph.pipeline_root = str(data.get("pipeline_root", ""))


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


def from_dict(data: dict, *, path: str | None = None) -> PipelineGraph:
    if not isinstance(data, dict):
        raise DocumentError("the file is not a pipeline document (expected a JSON object)", path=path)
    version = data.get("schema_version")
    if not isinstance(version, int) or version < 1 or version > SCHEMA_VERSION:
        raise DocumentError(f"unknown schema_version {version!r}; this Workbench reads versions 1 to "
                            f"{SCHEMA_VERSION} (a newer Workbench may have written it)",
                            path=path, element="schema_version")
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version = data["schema_version"]
    element = "document"
    try:
        graph = PipelineGraph(name=data.get("name", "pipeline"), description=data.get("description", ""))
        graph.workspace = data.get("workspace")
        element = "outputs"
        _pipeline_outputs_from_dict(graph, data)
        for entry in data.get("parameters", []):
            element = f"parameters.{entry.get('name')}"
            parameter = Parameter(**entry)
            graph.parameters[parameter.name] = parameter
        for key, entry in data.get("components", {}).items():
            element = f"components.{key}"
            graph.components[key] = ComponentSpec.from_dict(entry, where=element)
        for node_id, entry in data.get("nodes", {}).items():
            element = f"nodes.{entry.get('name', node_id)}"
            graph.nodes[node_id] = Node(
                id=node_id, name=entry["name"], component=entry["component"],
                display_name=entry.get("display_name", ""),
                inputs={k: Binding.from_dict(b) for k, b in entry.get("inputs", {}).items()},
                after=list(entry.get("after", [])), options=options_from_dict(entry.get("options", {})),
                position=tuple(entry.get("position", (0, 0))),
                kubernetes=_kubernetes_from_entry(entry))
        for group_id, entry in data.get("groups", {}).items():
            element = f"groups.{entry.get('name') or group_id}"
            if entry.get("kind") not in GROUP_KINDS:
                raise ValueError(f"unknown group kind {entry.get('kind')!r}")
            graph.groups[group_id] = Group(
                id=group_id, kind=entry["kind"], name=entry.get("name", ""), members=list(entry["members"]),
                items=Binding.from_dict(entry["items"]) if entry.get("items") else None,
                parallelism=entry.get("parallelism", 0),
                condition=expression_from_dict(entry["condition"]) if entry.get("condition") else None,
                follows=entry.get("follows"), exit_node=entry.get("exit_node", ""),
                position=tuple(entry.get("position", (0, 0))))
        for note_id, entry in data.get("notes", {}).items():
            element = f"notes.{note_id}"
            graph.notes[note_id] = Note(id=note_id, text=entry["text"], position=tuple(entry["position"]),
                                        size=tuple(entry.get("size", (200, 80))))
    except ComponentError as exc:
        raise DocumentError(exc.message, path=path, element=exc.element) from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise DocumentError(detail, path=path, element=element) from None
    _check_references(graph, path)
    return graph


def _check_references(graph: PipelineGraph, path: str | None) -> None:
    """Bindings, members and components must name things that exist: say which does not."""
    for node in graph.nodes.values():
        if node.component not in graph.components:
            raise DocumentError(f"uses component {node.component!r}, which the document does not define",
                                path=path, element=f"nodes.{node.name}")
        for input_name, binding in node.inputs.items():
            for upstream in binding.upstream_nodes:
                if upstream not in graph.nodes:
                    raise DocumentError(f"input {input_name!r} is bound to missing node {upstream!r}",
                                        path=path, element=f"nodes.{node.name}")
        for upstream in {n for b in node.bindings() for n in b.upstream_nodes} - set(graph.nodes):
            raise DocumentError(f"a resource or Kubernetes setting is bound to missing node {upstream!r}",
                                path=path, element=f"nodes.{node.name}")
        for dep in node.after:
            if dep not in graph.nodes:
                raise DocumentError(f"`after` names missing node {dep!r}", path=path, element=f"nodes.{node.name}")
    for name, binding in graph.outputs.items():
        for upstream in set(binding.upstream_nodes) - set(graph.nodes):
            raise DocumentError(f"pipeline output {name!r} is bound to missing node {upstream!r}", path=path,
                                element=f"outputs.{name}")
    for group in graph.groups.values():
        for member in group.members:
            if member not in graph.nodes and member not in graph.groups:
                raise DocumentError(f"member {member!r} does not exist", path=path,
                                    element=f"groups.{group.label}")


def loads(text: str, *, path: str | None = None) -> PipelineGraph:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", path=path) from None
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
