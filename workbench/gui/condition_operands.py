"""What a condition may compare: the pipeline parameters and the scalar outputs of tasks outside
the branch (they run before it), and the condition a new If branch starts with."""

from __future__ import annotations

from workbench.model.bindings import Binding
from workbench.model.document import PipelineGraph
from workbench.model.expressions import Comparison

SCALAR_TYPES = ("String", "Integer", "Float", "Boolean")
TYPE_ZERO = {"String": "", "Integer": 0, "Float": 0.0, "Boolean": True}


def operands_outside(graph: PipelineGraph, inside: set[str]) -> list[tuple[str, Binding, str]]:
    """(label, binding, type) for each parameter and each scalar output of a task not in `inside`."""
    choices = [(f"param {p.name}", Binding.param(p.name), p.type) for p in graph.parameters.values()
               if p.type in SCALAR_TYPES]
    for node in graph.nodes.values():
        if node.id in inside:
            continue
        for port in graph.component_of(node.id).outputs:
            if port.type in SCALAR_TYPES:
                choices.append((f"{node.name}.{port.name}", Binding.from_output(node.id, port.name), port.type))
    return choices


def starting_condition(graph: PipelineGraph, inside: set[str]) -> Comparison:
    """An If branch needs a condition from the start (without one it would be an Else): compare the
    first operand in reach with a value of its type; with none in reach, a constant the user edits."""
    choices = operands_outside(graph, inside)
    if not choices:
        return Comparison(Binding.constant(True), "==", Binding.constant(True))
    _label, binding, kind = choices[0]
    return Comparison(binding, "==", Binding.constant(TYPE_ZERO[kind]))
