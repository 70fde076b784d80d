"""Which output may feed which input, in words a user can act on (used while dragging edges)."""

from __future__ import annotations

import networkx as nx

from workbench.model.bindings import Binding
from workbench.model.document import PipelineGraph
from workbench.model.types import is_compatible
from workbench.model.validate import dependency_graph


def _loops(graph: PipelineGraph, member_id: str) -> set[str]:
    return {g for g in graph.ancestors(member_id) if graph.groups[g].kind == "loop"}


def binding_for(graph: PipelineGraph, source: str, output: str, target: str) -> Binding:
    """An output inside a loop the consumer is not in arrives as the collected list (fan-in)."""
    if _loops(graph, source) - _loops(graph, target):
        return Binding.collected(source, output)
    return Binding.from_output(source, output)


def _runs_before(graph: PipelineGraph, node_id: str) -> set[str]:
    dag: nx.DiGraph = dependency_graph(graph)
    return nx.ancestors(dag, node_id) if node_id in dag else set()


def connection_problem(graph: PipelineGraph, source: str, output: str, target: str, input_name: str,
                       runs_before_source: set[str] | None = None) -> str | None:
    """None when `source.output -> target.input` is a valid edge, otherwise why not."""
    if source == target:
        return "a task cannot feed itself"
    out_port = graph.component_of(source).output(output)
    in_port = graph.component_of(target).input(input_name)
    if out_port is None or in_port is None:
        return "no such port"
    binding = binding_for(graph, source, output, target)
    out_type = out_port.type
    if binding.kind == "collected" and not out_port.is_artifact:
        out_type = "List"
    fan_in_artifacts = binding.kind == "collected" and out_port.is_artifact and in_port.is_list
    if not fan_in_artifacts and not is_compatible(out_type, in_port.type):
        return (f"{graph.nodes[source].name}.{output} gives {out_type}, but "
                f"{graph.nodes[target].name}.{input_name} expects {in_port.type}")
    if runs_before_source is None:
        runs_before_source = _runs_before(graph, source)
    if target in runs_before_source:
        return f"{graph.nodes[target].name} already runs before {graph.nodes[source].name}; this would make a cycle"
    return None


def compatible_inputs(graph: PipelineGraph, source: str, output: str) -> set[tuple[str, str]]:
    """(node, input) pairs the output may feed, for highlighting during a drag."""
    before = _runs_before(graph, source)
    return {(node_id, port.name) for node_id in graph.nodes if node_id != source
            for port in graph.component_of(node_id).inputs
            if connection_problem(graph, source, output, node_id, port.name, before) is None}
