"""Document -> compile plan (pure data, no kfp): the order in which the DSL replay creates tasks
and enters groups.

kfp builds a pipeline by running Python: a task must be created inside its group's `with` block,
after everything it consumes, and an Elif / Else must come right after the branch it follows. At
every level the children (nodes and groups, a condition chain counting as one unit) are ordered
topologically by the dependencies of everything inside them; an exit task comes right before its
exit handler.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from workbench.errors import CompileError
from workbench.model.document import PipelineGraph
from workbench.model.validate import dependency_graph


@dataclass
class Step:
    """A node to create, or a group to enter with its own ordered steps."""

    kind: str  # "node" | "group"
    id: str
    children: list["Step"] = field(default_factory=list)


def _chain_head(graph: PipelineGraph, group_id: str) -> str:
    group = graph.groups[group_id]
    while group.kind == "condition" and group.follows in graph.groups:
        group = graph.groups[group.follows]
    return group.id


def _chain(graph: PipelineGraph, head: str, siblings: list[str]) -> list[str]:
    order, current = [head], head
    while True:
        nxt = next((s for s in siblings if s in graph.groups and graph.groups[s].follows == current), None)
        if nxt is None:
            return order
        order.append(nxt)
        current = nxt


def _units(graph: PipelineGraph, members: list[str]) -> dict[str, list[str]]:
    """Children grouped into ordering units: a node, a group, or a whole condition chain; an exit
    task travels with its exit handler."""
    exit_tasks = {g.exit_node: g.id for g in graph.groups.values() if g.kind == "exit_handler" and g.exit_node}
    units: dict[str, list[str]] = {}
    for member in members:
        if member in exit_tasks and exit_tasks[member] in members:
            continue
        if member in graph.groups:
            head = _chain_head(graph, member)
            if head != member and head in members:
                continue
            unit = _chain(graph, head, members) if graph.groups[member].kind == "condition" else [member]
            if graph.groups[member].kind == "exit_handler" and graph.groups[member].exit_node in members:
                unit = [graph.groups[member].exit_node, member]
            units[member] = unit
        else:
            units[member] = [member]
    return units


def _leaves(graph: PipelineGraph, member: str) -> list[str]:
    return graph.nodes_in(member) if member in graph.groups else [member]


def plan(graph: PipelineGraph) -> list[Step]:
    dag = dependency_graph(graph)
    if not nx.is_directed_acyclic_graph(dag):
        raise CompileError("the pipeline has a dependency cycle; run Validate to see where", element=graph.name)
    grouped = {m for g in graph.groups.values() for m in g.members}
    top = [n for n in graph.nodes if n not in grouped] + [g for g in graph.groups if g not in grouped]
    return _order_level(graph, dag, sorted(top, key=lambda member: _sort_name(graph, member)))


def _sort_name(graph: PipelineGraph, member: str) -> str:
    """Top-level members have no explicit order: use names, so the output never depends on ids."""
    leaves = _leaves(graph, member)
    return min((graph.nodes[leaf].name for leaf in leaves), default=f"~{member}")


def _order_level(graph: PipelineGraph, dag: nx.DiGraph, members: list[str]) -> list[Step]:
    units = _units(graph, members)
    owner = {leaf: key for key, unit in units.items() for part in unit for leaf in _leaves(graph, part)}
    level = nx.DiGraph()
    level.add_nodes_from(units)
    for upstream, downstream in dag.edges:
        a, b = owner.get(upstream), owner.get(downstream)
        if a and b and a != b:
            level.add_edge(a, b)
    try:
        ordered = list(nx.lexicographical_topological_sort(level, key=lambda k: members.index(k)))
    except nx.NetworkXUnfeasible:
        names = ", ".join(graph.groups[k].label if k in graph.groups else graph.nodes[k].name for k in units)
        raise CompileError(f"groups depend on each other in a circle ({names}); move tasks so that one "
                           "group's inputs come from outside the other", element=graph.name) from None
    steps = []
    for key in ordered:
        for part in units[key]:
            if part in graph.groups:
                steps.append(Step("group", part, _order_level(graph, dag, graph.groups[part].members)))
            else:
                steps.append(Step("node", part))
    return steps
