"""The `.wbp` schema: builds a PipelineGraph from a parsed document, reading every field through a
typed accessor (model/fields.py) and checking what ties the parts together (references, group
membership, If / Elif chains), so a wrong file is one message naming file and element.

To add a document field: read it where its object is read below (`entry.str("x", "")`,
`entry.obj("x")`, ...), and write it in serialize.to_dict.
"""

from __future__ import annotations

import re
import string

from workbench.components.spec import ComponentSpec
from workbench.errors import ComponentError, DocumentError
from workbench.ir_schema import CONTAINER, DEFINITIONS, EXECUTOR, check_pipeline_spec, check_shape, find_cycle
from workbench.model.bindings import BINDING_KINDS, Binding
from workbench.model.document import (GROUP_KINDS, Group, Node, Note, Parameter, PipelineGraph, Resources, Retry,
                                      TaskOptions)
from workbench.model.expressions import COMPARISON_OPERATORS, BoolOp, Comparison, Expression, Not
from workbench.model.fields import Fields
from workbench.model.kubernetes import KubernetesConfig

MAX_TEMPLATE_WIDTH = 1000
"""Widths and precisions in a template's format specs; `{0:>999999999}` would fill memory when filled."""


def read_graph(document: Fields) -> PipelineGraph:
    graph = PipelineGraph(name=document.str("name", "pipeline"), description=document.str("description", ""))
    workspace = document.optional_obj("workspace")
    graph.workspace = workspace.data if workspace is not None else None
    outputs = document.obj("outputs")
    graph.outputs = {name: read_binding(outputs.obj(name)) for name in outputs.data}
    graph.pipeline_root = document.str("pipeline_root", "")
    for entry in document.obj_list("parameters"):
        parameter = read_parameter(entry)
        graph.parameters[parameter.name] = parameter
    for key, entry in document.objects("components"):
        graph.components[key] = read_component(entry)
    for node_id, entry in document.objects("nodes", label_field="name"):
        graph.nodes[node_id] = read_node(node_id, entry)
    for group_id, entry in document.objects("groups", label_field="name"):
        graph.groups[group_id] = read_group(group_id, entry)
    for note_id, entry in document.objects("notes"):
        graph.notes[note_id] = Note(id=note_id, text=entry.str("text"), position=entry.point("position", (0.0, 0.0)),
                                    size=entry.point("size", (200.0, 80.0)))
    check_references(graph, document.path)
    return graph


def read_parameter(entry: Fields) -> Parameter:
    return Parameter(name=entry.str("name"), type=entry.str("type", "String"), default=entry.raw("default"),
                     description=entry.str("description", ""), optional=entry.bool("optional", False))


def read_component(entry: Fields) -> ComponentSpec:
    """Component fields are IR fields: the IR schema types them."""
    entry.str("name")
    implementation = entry.obj("implementation")
    for key, kind in (("inputDefinitions", DEFINITIONS), ("outputDefinitions", DEFINITIONS)):
        if entry.has(key):
            check_shape(entry.data[key], kind, path=entry.path, error=DocumentError, prefix=entry.at(key))
    for key, kind in (("container", CONTAINER), ("importer", EXECUTOR.fields["importer"])):
        if implementation.has(key):
            check_shape(implementation.data[key], kind, path=entry.path, error=DocumentError,
                        prefix=implementation.at(key))
    if implementation.has("graph"):
        graph = implementation.obj("graph")
        check_pipeline_spec(graph.data, path=entry.path, error=DocumentError, prefix=graph.where + ".")
    python = entry.optional_obj("python")
    if python is not None:
        for key in ("source", "function_name"):
            python.str(key)
        python.str("base_image", "")
        python.str_list("packages")
    entry.str("description", "")
    entry.str("category", "")
    try:
        return ComponentSpec.from_dict(entry.data, where=entry.where)
    except ComponentError as exc:
        raise DocumentError(exc.message, path=entry.path, element=exc.element) from None


def read_node(node_id: str, entry: Fields) -> Node:
    inputs = entry.obj("inputs")
    return Node(id=node_id, name=entry.str("name"), component=entry.str("component"),
                display_name=entry.str("display_name", ""),
                inputs={name: read_binding(inputs.obj(name)) for name in inputs.data},
                after=entry.str_list("after"), options=read_options(entry.obj("options")),
                position=entry.point("position", (0.0, 0.0)), kubernetes=read_kubernetes(entry))


def read_kubernetes(node: Fields) -> KubernetesConfig | None:
    """The task's KubernetesExecutorConfig (IR JSON) and the bindings its names come from."""
    entry = node.optional_obj("kubernetes")
    if entry is None:
        return None
    entry.obj("config")
    for reference in entry.obj_list("references"):
        reference.raw("path")
        read_binding(reference.obj("binding"))
    try:
        return KubernetesConfig.from_dict(entry.data)
    except (KeyError, TypeError, ValueError) as exc:
        raise entry.fail(str(exc)) from exc


def read_options(entry: Fields) -> TaskOptions:
    retry, resources, bound = entry.obj("retry"), entry.obj("resources"), entry.obj("bound")
    return TaskOptions(
        caching=entry.bool("caching", True),
        retry=Retry(count=retry.int("count", 0, maximum=100), backoff_duration=retry.str("backoff_duration", ""),
                    backoff_factor=retry.number("backoff_factor", None),
                    backoff_max_duration=retry.str("backoff_max_duration", "")),
        resources=Resources(**{key: resources.str(key, "") for key in ("cpu_request", "cpu_limit", "memory_request",
                                                                      "memory_limit", "accelerator_type")},
                            accelerator_count=resources.int("accelerator_count", 0)),
        env=entry.str_map("env"), ignore_upstream_failure=entry.bool("ignore_upstream_failure", False),
        cache_key=entry.str("cache_key", ""),
        bound={name: read_binding(bound.obj(name)) for name in bound.data})


def read_binding(entry: Fields) -> Binding:
    kind = entry.choice("kind", BINDING_KINDS)
    parts = tuple(read_binding(part) for part in entry.obj_list("parts"))
    binding = Binding(kind=kind, value=entry.raw("value"), parts=parts,
                      **{key: entry.str(key, "") for key in ("parameter", "node", "output", "loop", "field")})
    if kind == "template":
        _check_template(entry, binding.value, len(parts))
    return binding


def _check_template(entry: Fields, value, slots: int) -> None:
    """Every `{N}` of a template names one of its parts, so filling it cannot fail later."""
    texts, pending = [], [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
    while texts:
        text = texts.pop()
        try:
            parsed = [(name, spec) for _, name, spec, _ in string.Formatter().parse(text) if name is not None]
        except ValueError as exc:
            raise entry.fail(f"not a valid template ({exc}); write literal braces as {{{{ and }}}}", "value") from None
        for name, spec in parsed:
            if not (name.isascii() and name.isdigit()) or int(name) >= slots:  # int() refuses "²"
                raise entry.fail(f"template slot {{{name}}} names no part (it has {slots})", "value")
            if "{" in spec:  # `{0:{1}}`: the width would come from a part, unknown until compiled
                raise entry.fail(f"template slot {{{name}:{spec[:40]}}} takes its format from a part; write the "
                                 "format in the text", "value")
            if any(len(number) > 9 or int(number) > MAX_TEMPLATE_WIDTH for number in re.findall(r"[0-9]+", spec)):
                raise entry.fail(f"template slot {{{name}:{spec[:40]}}} pads beyond {MAX_TEMPLATE_WIDTH} "
                                 "characters", "value")
        try:
            text.format(*[""] * slots)  # parts are filled in as text: a format spec text cannot take fails here
        except (ValueError, TypeError, LookupError, AttributeError) as exc:
            raise entry.fail(f"not a valid template ({exc})", "value") from None


def read_expression(entry: Fields) -> Expression:
    if entry.has("not"):
        return Not(read_expression(entry.obj("not")))
    for op in ("and", "or"):
        if entry.has(op):
            operands = tuple(read_expression(operand) for operand in entry.obj_list(op))
            if len(operands) < 2:
                raise entry.fail("needs at least two operands", op)
            return BoolOp(op, operands)
    return Comparison(read_binding(entry.obj("left")), entry.choice("op", COMPARISON_OPERATORS),
                      read_binding(entry.obj("right")))


def read_group(group_id: str, entry: Fields) -> Group:
    kind = entry.choice("kind", GROUP_KINDS)
    items, condition = entry.optional_obj("items"), entry.optional_obj("condition")
    return Group(id=group_id, kind=kind, name=entry.str("name", ""), members=entry.str_list("members"),
                 items=read_binding(items) if items is not None else None,
                 parallelism=entry.int("parallelism", 0),
                 condition=read_expression(condition) if condition is not None else None,
                 follows=entry.optional_str("follows"), exit_node=entry.str("exit_node", ""),
                 position=entry.point("position", (0.0, 0.0)))


def check_references(graph: PipelineGraph, path: str | None) -> None:
    """Bindings, members and components name things that exist; groups form a tree (a member has
    one group, no group contains itself); an Elif / Else follows a condition, never in a circle."""
    for node in graph.nodes.values():
        where = f"nodes.{node.name}"
        if node.component not in graph.components:
            raise DocumentError(f"uses component {node.component!r}, which the document does not define",
                                path=path, element=where)
        for input_name, binding in node.inputs.items():
            for upstream in binding.upstream_nodes:
                if upstream not in graph.nodes:
                    raise DocumentError(f"input {input_name!r} is bound to missing node {upstream!r}",
                                        path=path, element=where)
        for upstream in sorted({n for b in node.bindings() for n in b.upstream_nodes} - set(graph.nodes)):
            raise DocumentError(f"a resource or Kubernetes setting is bound to missing node {upstream!r}",
                                path=path, element=where)
        for dep in node.after:
            if dep not in graph.nodes:
                raise DocumentError(f"`after` names missing node {dep!r}", path=path, element=where)
    for name, binding in graph.outputs.items():
        for upstream in sorted(set(binding.upstream_nodes) - set(graph.nodes)):
            raise DocumentError(f"pipeline output {name!r} is bound to missing node {upstream!r}", path=path,
                                element=f"outputs.{name}")
    parent: dict[str, str] = {}
    for group in graph.groups.values():
        where = f"groups.{group.name or group.id}"
        for member in group.members:
            if member not in graph.nodes and member not in graph.groups:
                raise DocumentError(f"member {member!r} does not exist", path=path, element=where)
            if member in parent:
                raise DocumentError(f"member {member!r} is already a member of group {parent[member]!r}; "
                                    "a task or group belongs to one group", path=path, element=where)
            parent[member] = group.id
        if group.exit_node and group.exit_node not in graph.nodes:
            raise DocumentError(f"exit_node names missing node {group.exit_node!r}", path=path, element=where)
        if group.follows is not None:
            previous = graph.groups.get(group.follows)
            if previous is None or previous.kind != "condition" or group.kind != "condition":
                raise DocumentError(f"follows {group.follows!r}, which is not a condition group", path=path,
                                    element=where)
    for edges, what in (({g.id: [m for m in g.members if m in graph.groups] for g in graph.groups.values()},
                         "contains itself"),
                        ({g.id: [g.follows] if g.follows else [] for g in graph.groups.values()}, "follows itself")):
        cycle = find_cycle(edges)
        if cycle:
            names = [graph.groups[g].name or g for g in cycle]
            raise DocumentError(f"{what}: {' -> '.join(names)}", path=path, element=f"groups.{names[0]}")
