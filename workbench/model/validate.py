"""Validation: diagnostics that say what is wrong and where, for the problems panel and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from workbench.model.bindings import Binding
from workbench.model.document import PipelineGraph
from workbench.model.expressions import comparisons
from workbench.model.kubernetes import is_dns1123_label, is_dns1123_subdomain
from workbench.model.types import TASK_FINAL_STATUS, is_artifact, is_compatible, value_matches


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # "error" | "warning"
    element: str  # a node, group or parameter id ('' for the pipeline)
    message: str

    def format(self, graph: PipelineGraph) -> str:
        return f"{self.severity}: {element_label(graph, self.element)}: {self.message}"


def element_label(graph: PipelineGraph, element: str) -> str:
    if element in graph.nodes:
        return f"node {graph.nodes[element].name!r}"
    if element in graph.groups:
        return f"group {graph.groups[element].label!r}"
    if element in graph.parameters:
        return f"parameter {element!r}"
    return f"pipeline {graph.name!r}"


def dependency_graph(graph: PipelineGraph) -> nx.DiGraph:
    """Nodes and their data / `after` dependencies (edges point downstream)."""
    dag = nx.DiGraph()
    dag.add_nodes_from(graph.nodes)
    for node_id in graph.nodes:
        for upstream in graph.upstream_of(node_id):
            if upstream in graph.nodes:
                dag.add_edge(upstream, node_id)
    for group in graph.groups.values():
        if group.kind == "exit_handler" and group.exit_node in graph.nodes:
            for member in graph.nodes_in(group.id):
                dag.add_edge(member, group.exit_node)
        sources = [c.left for c in _group_operands(group)] + [c.right for c in _group_operands(group)]
        for binding in sources + ([group.items] if group.items else []):
            if binding.upstream_node in graph.nodes:
                for member in graph.nodes_in(group.id):
                    dag.add_edge(binding.upstream_node, member)
    return dag


def _group_operands(group) -> list:
    return comparisons(group.condition) if group.condition is not None else []


def validate(graph: PipelineGraph) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    problems += _check_names(graph)
    problems += _check_nesting(graph)
    problems += _check_cycles(graph)
    for node in graph.nodes.values():
        problems += _check_node(graph, node.id)
    for group in graph.groups.values():
        problems += _check_group(graph, group.id)
    return problems + _check_outputs(graph)


def _check_outputs(graph: PipelineGraph) -> list[Diagnostic]:
    return [Diagnostic("error", "", problem) for name, binding in sorted(graph.outputs.items())
            if (problem := output_problem(graph, name, binding))]


def output_problem(graph: PipelineGraph, name: str, binding: Binding) -> str | None:
    """What is wrong with a pipeline output, or None. kfp 2.17 returns a task output as seen from
    the top level: Collected out of a loop, a one_of out of an If / Elif / Else chain, never a
    plain output from inside a branch."""
    if binding.kind not in ("output", "collected", "one_of"):
        return f"pipeline output {name!r} must be a task output"
    _, problem = _binding_type(graph, "", binding)
    return f"pipeline output {name!r} {problem}" if problem else None


def _check_names(graph: PipelineGraph) -> list[Diagnostic]:
    problems, seen = [], {}
    for node in graph.nodes.values():
        if not node.name:
            problems.append(Diagnostic("error", node.id, "has no name"))
        elif node.name in seen:
            problems.append(Diagnostic("error", node.id, f"duplicate task name {node.name!r}; names must be unique"))
        seen[node.name] = node.id
    return problems


def _check_nesting(graph: PipelineGraph) -> list[Diagnostic]:
    problems = []
    owners: dict[str, str] = {}
    for group in graph.groups.values():
        for member in group.members:
            if member in owners:
                problems.append(Diagnostic("error", member, "belongs to two groups; a member has one parent"))
            owners[member] = group.id
    containment = nx.DiGraph([(owner, member) for member, owner in owners.items()])
    if containment.number_of_nodes() and not nx.is_directed_acyclic_graph(containment):
        problems.append(Diagnostic("error", "", "groups contain each other in a circle"))
        return problems
    for group in graph.groups.values():
        if group.kind == "exit_handler" and graph.parent_of(group.id) is not None:
            problems.append(Diagnostic("error", group.id, "an exit handler must be at the top level of the pipeline"))
        if group.kind == "condition" and group.follows is not None:
            previous = graph.groups.get(group.follows)
            if previous is None or previous.kind != "condition":
                problems.append(Diagnostic("error", group.id, "Elif / Else must follow an If or Elif branch"))
            elif previous.condition is None:
                problems.append(Diagnostic("error", group.id, "nothing may follow an Else branch"))
            elif graph.parent_of(previous.id) != graph.parent_of(group.id):
                problems.append(Diagnostic("error", group.id, "Elif / Else must sit beside the branch it follows"))
        if group.kind == "condition" and group.condition is None and group.follows is None:
            problems.append(Diagnostic("error", group.id, "an Else branch must follow an If or Elif branch"))
        if not group.members:
            problems.append(Diagnostic("warning", group.id, "is empty"))
    return problems


def _check_cycles(graph: PipelineGraph) -> list[Diagnostic]:
    dag = dependency_graph(graph)
    try:
        cycle = nx.find_cycle(dag)
    except nx.NetworkXNoCycle:
        return []
    names = " -> ".join(graph.nodes[a].name for a, _ in cycle) + f" -> {graph.nodes[cycle[0][0]].name}"
    return [Diagnostic("error", cycle[0][0], f"dependency cycle: {names}")]


def _loops_of(graph: PipelineGraph, member_id: str) -> list[str]:
    return [g for g in graph.ancestors(member_id) if graph.groups[g].kind == "loop"]


def _binding_type(graph: PipelineGraph, consumer: str, binding: Binding) -> tuple[str | None, str | None]:
    """(type, problem) of the value a binding delivers as seen from the consumer."""
    if binding.kind == "constant":
        return None, None
    if binding.kind == "parameter":
        parameter = graph.parameters.get(binding.parameter)
        return (parameter.type, None) if parameter else (None, f"pipeline parameter {binding.parameter!r} does not exist")
    if binding.kind == "task_final_status":
        return TASK_FINAL_STATUS, None
    if binding.kind == "one_of":
        return _one_of_type(graph, consumer, binding)
    if binding.kind == "template":
        for part in binding.parts:
            _, problem = _binding_type(graph, consumer, part)
            if problem:
                return None, problem
        return {list: "List", dict: "Dict"}.get(type(binding.value), "String"), None
    if binding.kind == "loop_item":
        if binding.loop not in graph.ancestors(consumer):
            return None, "uses a loop item outside its loop"
        return None, None
    upstream = graph.nodes.get(binding.node)
    if upstream is None:
        return None, f"is bound to missing node {binding.node!r}"
    port = graph.component_of(upstream.id).output(binding.output)
    if port is None:
        return None, f"{upstream.name!r} has no output {binding.output!r}"
    consumer_groups = set(graph.ancestors(consumer))
    producer_groups = graph.ancestors(upstream.id)
    if binding.kind == "collected":
        # a branch inside the collected loop only thins the list; one around the loop may skip it all
        loops = [g for g in producer_groups if graph.groups[g].kind == "loop" and g not in consumer_groups]
        producer_groups = producer_groups[producer_groups.index(loops[-1]) + 1:] if loops else producer_groups
    guarded = {g for g in producer_groups if graph.groups[g].kind == "condition"}
    if guarded - consumer_groups:
        return None, (f"uses output {upstream.name}.{binding.output} from inside a condition branch it is not in; "
                      "that task may not run: move this task into the same branch")
    producer_loops = set(_loops_of(graph, upstream.id))
    outside = producer_loops - set(_loops_of(graph, consumer))
    if binding.kind == "output" and outside:
        return None, (f"uses output {upstream.name}.{binding.output} of a loop it is not in; "
                      "bind it as Collected to receive the list of all iterations")
    if binding.kind == "collected":
        if not outside:
            return None, f"collects {upstream.name}.{binding.output}, but is inside the same loop"
        return (port.type if is_artifact(port.type) else "List"), None
    return port.type, None


def _one_of_type(graph: PipelineGraph, consumer: str, binding: Binding) -> tuple[str | None, str | None]:
    """Each part is an output produced inside a different branch of one If / Elif / Else chain,
    beside the consumer; all of one type."""
    types, branches = set(), []
    for part in binding.parts:
        upstream = graph.nodes.get(part.node)
        port = graph.component_of(upstream.id).output(part.output) if upstream else None
        if port is None:
            return None, f"one_of names a missing output {part.describe(_names(graph))}"
        types.add(port.type)
        branch = next((g for g in graph.ancestors(upstream.id) if graph.groups[g].kind == "condition"), None)
        branches.append(branch)
    if None in branches or len(set(branches)) != len(branches):
        return None, "one_of takes one output from each branch of an If / Elif / Else chain"
    if len(types) != 1:
        return None, f"one_of mixes types {sorted(types)}"
    return types.pop(), None


def _check_node(graph: PipelineGraph, node_id: str) -> list[Diagnostic]:
    node = graph.nodes[node_id]
    component = graph.components.get(node.component)
    if component is None:
        return [Diagnostic("error", node_id, f"component {node.component!r} is missing")]
    problems = []
    ports = {p.name: p for p in component.inputs}
    for name, binding in node.inputs.items():
        port = ports.get(name)
        if port is None:
            problems.append(Diagnostic("error", node_id, f"input {name!r} does not exist on {component.name!r}"))
            continue
        source_type, problem = _binding_type(graph, node_id, binding)
        if problem:
            problems.append(Diagnostic("error", node_id, f"input {name!r} {problem}"))
        elif binding.kind == "constant" and binding.value is not None and not port.is_artifact \
                and not value_matches(port.type, binding.value):
            problems.append(Diagnostic("error", node_id, f"input {name!r} expects {port.type}, "
                                                         f"got constant {binding.value!r}"))
        elif binding.kind == "constant" and port.is_artifact:
            problems.append(Diagnostic("error", node_id, f"input {name!r} is an artifact ({port.type}); "
                                                         "connect an upstream output"))
        elif source_type and not (port.is_list and binding.kind == "collected") \
                and not is_compatible(source_type, port.type):
            problems.append(Diagnostic("error", node_id, f"input {name!r} expects {port.type}, "
                                                         f"but {binding.describe(_names(graph))} gives {source_type}"))
    for setting, binding in sorted(node.options.bound.items()):
        _, problem = _binding_type(graph, node_id, binding)
        if problem:
            problems.append(Diagnostic("error", node_id, f"setting {setting!r} {problem}"))
    for port in component.inputs:
        if not port.optional and port.name not in node.inputs:
            problems.append(Diagnostic("error", node_id, f"required input {port.name!r} ({port.type}) is not set"))
    return problems + _check_kubernetes(graph, node_id)


def _check_kubernetes(graph: PipelineGraph, node_id: str) -> list[Diagnostic]:
    """Mount paths absolute and distinct, object names DNS-1123, references that resolve."""
    config = graph.nodes[node_id].kubernetes
    if config is None:
        return []
    problems = []

    def error(message: str) -> None:
        problems.append(Diagnostic("error", node_id, f"Kubernetes: {message}"))

    for path, binding in sorted(config.references.items(), key=lambda item: str(item[0])):
        _, problem = _binding_type(graph, node_id, binding)
        if problem:
            error(f"{'/'.join(map(str, path))} {problem}")
    seen: dict[str, str] = {}
    for mount in config.mounts():
        what = f"{mount.kind} mount {mount.mount_path!r}"
        if not mount.mount_path.startswith("/"):
            error(f"{what}: the mount path must be absolute (start with /)")
        elif mount.mount_path.rstrip("/") in seen:
            error(f"{what}: the path is already used by a {seen[mount.mount_path.rstrip('/')]} mount")
        else:
            seen[mount.mount_path.rstrip("/")] = mount.kind
        if mount.kind in ("emptyDir volume", "ephemeral volume"):
            name = mount.name.value if mount.name is not None else None
            if not isinstance(name, str) or not is_dns1123_label(name):
                error(f"{what}: volume name {name!r} must be a DNS-1123 label (lower-case letters, digits "
                      "and '-', at most 63)")
    for item in config.named_objects():
        if item.name is None:
            error(f"{item.kind} at {'/'.join(map(str, item.path))} has no name")
        elif item.name.kind == "constant" and not (isinstance(item.name.value, str)
                                                   and is_dns1123_subdomain(item.name.value)):
            error(f"{item.kind} name {item.name.value!r} must be a DNS-1123 name (lower-case letters, digits, "
                  "'-' and '.', at most 253)")
    return problems


def _names(graph: PipelineGraph) -> dict[str, str]:
    return {n.id: n.name for n in graph.nodes.values()}


def _check_group(graph: PipelineGraph, group_id: str) -> list[Diagnostic]:
    group = graph.groups[group_id]
    problems = []
    inside = set(graph.nodes_in(group_id))
    if group.kind == "loop":
        if group.items is None:
            problems.append(Diagnostic("error", group_id, "has no items to iterate over"))
        elif group.items.kind == "constant" and not isinstance(group.items.value, list):
            problems.append(Diagnostic("error", group_id, "literal items must be a list"))
        elif group.items.upstream_node in inside:
            problems.append(Diagnostic("error", group_id, "iterates over an output produced inside the loop"))
        if group.parallelism < 0:
            problems.append(Diagnostic("error", group_id, "parallelism must be 0 (unlimited) or more"))
    if group.kind == "condition" and group.condition is not None:
        dag = dependency_graph(graph)
        for comparison in comparisons(group.condition):
            for operand in (comparison.left, comparison.right):
                upstream = operand.upstream_node
                if not upstream:
                    if operand.kind == "parameter" and operand.parameter not in graph.parameters:
                        problems.append(Diagnostic("error", group_id,
                                                   f"condition uses missing parameter {operand.parameter!r}"))
                    continue
                if upstream not in graph.nodes:
                    problems.append(Diagnostic("error", group_id, f"condition uses missing node {upstream!r}"))
                elif upstream in inside or any(nx.has_path(dag, m, upstream) for m in inside if m in dag):
                    problems.append(Diagnostic("error", group_id, f"condition uses {graph.nodes[upstream].name!r}, "
                                                                  "which does not run before the group"))
                else:
                    port = graph.component_of(upstream).output(operand.output)
                    if port is None or port.is_artifact or port.type in ("List", "Dict"):
                        problems.append(Diagnostic("error", group_id, "a condition compares String, Integer, Float "
                                                                      f"or Boolean values, not {operand.output!r}"))
    if group.kind == "exit_handler":
        if group.exit_node not in graph.nodes:
            problems.append(Diagnostic("error", group_id, "has no exit task; mark the task that must always run"))
        elif group.exit_node in inside:
            problems.append(Diagnostic("error", group_id, "the exit task must be outside the body it guards"))
    return problems
