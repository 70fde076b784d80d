"""Undo commands: each calls graph mutators and remembers just enough to undo exactly.

Commands never touch graphics items (the scene redraws from graph signals) and never push other
commands; `EditorDocument` composes gestures from them with undo-stack macros.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtGui import QUndoCommand

from workbench.components.spec import ComponentSpec
from workbench.model.bindings import Binding
from workbench.model.document import Group, Node, Parameter, PipelineGraph
from workbench.model.kubernetes import KubernetesConfig

MERGE_NODE_FIELD = 1
MERGE_BINDING = 2
MERGE_GROUP_FIELD = 3
MERGE_PARAMETER = 4
MERGE_KUBERNETES = 5


class _GraphCommand(QUndoCommand):
    def __init__(self, graph: PipelineGraph, text: str):
        super().__init__(text)
        self.graph = graph


class AddComponent(_GraphCommand):
    """Adds a component spec the document does not have yet (palette drop, paste)."""

    def __init__(self, graph: PipelineGraph, key: str, spec: ComponentSpec):
        super().__init__(graph, f"Add component {spec.name}")
        self.key, self.spec = key, copy.deepcopy(spec)

    def redo(self) -> None:
        self.graph.add_component(self.key, copy.deepcopy(self.spec))

    def undo(self) -> None:
        self.graph.remove_component(self.key)


class AddNode(_GraphCommand):
    def __init__(self, graph: PipelineGraph, node: Node, group_id: str | None = None):
        super().__init__(graph, f"Add {node.name}")
        self.node, self.group_id = copy.deepcopy(node), group_id

    def redo(self) -> None:
        self.graph.add_node(copy.deepcopy(self.node), self.group_id)

    def undo(self) -> None:
        self.graph.remove_node(self.node.id)


class RemoveNode(_GraphCommand):
    """Removes a node and every reference to it; undo puts each reference back where it was."""

    def __init__(self, graph: PipelineGraph, node_id: str):
        super().__init__(graph, f"Delete {graph.nodes[node_id].name}")
        self.node_id = node_id

    def redo(self) -> None:
        graph, node_id = self.graph, self.node_id
        self.node = copy.deepcopy(graph.nodes[node_id])
        parent = graph.parent_of(node_id)
        self.place = (parent, graph.groups[parent].members.index(node_id) if parent else None)
        self.bindings = [(other.id, name, binding) for other in graph.nodes.values()
                         for name, binding in other.inputs.items() if node_id in binding.upstream_nodes]
        self.afters = {other.id: list(other.after) for other in graph.nodes.values() if node_id in other.after}
        self.exits = [g.id for g in graph.groups.values() if g.exit_node == node_id]
        # resources, image and Kubernetes settings bound to the node's outputs; the pipeline outputs
        self.settings = {other.id: copy.deepcopy((other.options, other.kubernetes)) for other in graph.nodes.values()
                         if other.id != node_id and node_id in {n for b in other.bindings() for n in b.upstream_nodes}}
        self.outputs = (dict(graph.outputs), graph.pipeline_root)
        graph.remove_node(node_id)

    def undo(self) -> None:
        graph = self.graph
        graph.add_node(copy.deepcopy(self.node), *self.place)
        for other_id, name, binding in self.bindings:
            graph.set_binding(other_id, name, binding)
        for other_id, after in self.afters.items():
            graph.update_node(other_id, after=after)
        for group_id in self.exits:
            graph.update_group(group_id, exit_node=self.node_id)
        for other_id, (options, kubernetes) in self.settings.items():
            graph.update_node(other_id, options=options, kubernetes=kubernetes)
        if (graph.outputs, graph.pipeline_root) != self.outputs:
            graph.set_outputs(*self.outputs)


class UpdateNode(_GraphCommand):
    """Changes node fields; successive edits of the same fields of one node merge (typing)."""

    def __init__(self, graph: PipelineGraph, node_id: str, text: str = "Edit task", merge: bool = False,
                 **changes: Any):
        super().__init__(graph, text)
        self.node_id, self.changes, self.merge = node_id, copy.deepcopy(changes), merge
        node = graph.nodes[node_id]
        self.before = {key: copy.deepcopy(getattr(node, key)) for key in changes}

    def redo(self) -> None:
        self.graph.update_node(self.node_id, **self.changes)

    def undo(self) -> None:
        self.graph.update_node(self.node_id, **self.before)

    def id(self) -> int:
        return MERGE_NODE_FIELD if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, UpdateNode) and other.node_id == self.node_id
                and set(other.changes) == set(self.changes)):
            return False
        self.changes = other.changes
        return True


class SetKubernetes(_GraphCommand):
    """Replaces a task's Kubernetes settings; typing in one field (same `merge_key`) merges."""

    def __init__(self, graph: PipelineGraph, node_id: str, config: KubernetesConfig | None, merge_key: str = ""):
        super().__init__(graph, "Edit Kubernetes settings")
        self.node_id, self.after, self.merge_key = node_id, copy.deepcopy(config), merge_key
        self.before = copy.deepcopy(graph.nodes[node_id].kubernetes)

    def redo(self) -> None:
        self.graph.update_node(self.node_id, kubernetes=self.after)

    def undo(self) -> None:
        self.graph.update_node(self.node_id, kubernetes=self.before)

    def id(self) -> int:
        return MERGE_KUBERNETES if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, SetKubernetes) and (other.node_id, other.merge_key) == (self.node_id, self.merge_key)):
            return False
        self.after = other.after
        return True


class MoveNodes(_GraphCommand):
    """One drag: every moved node's old and new position."""

    def __init__(self, graph: PipelineGraph, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]]):
        super().__init__(graph, "Move" if len(moves) > 1 else f"Move {graph.nodes[next(iter(moves))].name}")
        self.moves = dict(moves)

    def redo(self) -> None:
        for node_id, (_, new) in self.moves.items():
            self.graph.update_node(node_id, position=new)

    def undo(self) -> None:
        for node_id, (old, _) in self.moves.items():
            self.graph.update_node(node_id, position=old)


class SetBinding(_GraphCommand):
    def __init__(self, graph: PipelineGraph, node_id: str, input_name: str, binding: Binding | None,
                 merge: bool = False):
        super().__init__(graph, f"Set {graph.nodes[node_id].name}.{input_name}")
        self.node_id, self.input_name, self.binding, self.merge = node_id, input_name, binding, merge
        inputs = graph.nodes[node_id].inputs
        self.before = inputs.get(input_name)

    def redo(self) -> None:
        self.graph.set_binding(self.node_id, self.input_name, self.binding)

    def undo(self) -> None:
        self.graph.set_binding(self.node_id, self.input_name, self.before)

    def id(self) -> int:
        return MERGE_BINDING if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, SetBinding) and other.merge and (other.node_id, other.input_name)
                == (self.node_id, self.input_name)):
            return False
        self.binding = other.binding
        return True


class AddGroup(_GraphCommand):
    """Wrap: a new group takes members from one parent; undo restores the parent's exact order."""

    def __init__(self, graph: PipelineGraph, group: Group, parent_id: str | None, index: int | None):
        super().__init__(graph, f"Wrap in {group.label}")
        self.group, self.parent_id, self.index = copy.deepcopy(group), parent_id, index
        self.parent_members = list(graph.groups[parent_id].members) if parent_id else None

    def redo(self) -> None:
        self.graph.add_group(copy.deepcopy(self.group), self.parent_id, self.index)

    def undo(self) -> None:
        self.graph.remove_group(self.group.id)
        if self.parent_members is not None:
            for index, member in enumerate(self.parent_members):
                if self.graph.groups[self.parent_id].members.index(member) != index:
                    self.graph.move_to_group(member, self.parent_id, index)


class RemoveGroup(_GraphCommand):
    """Unwrap: the members stay, moved to the group's parent in its place."""

    def __init__(self, graph: PipelineGraph, group_id: str):
        super().__init__(graph, f"Unwrap {graph.groups[group_id].label}")
        self.group_id = group_id

    def redo(self) -> None:
        graph = self.graph
        self.group = copy.deepcopy(graph.groups[self.group_id])
        parent = graph.parent_of(self.group_id)
        self.place = (parent, graph.groups[parent].members.index(self.group_id) if parent else None)
        self.followers = [g.id for g in graph.groups.values() if g.follows == self.group_id]
        graph.remove_group(self.group_id)

    def undo(self) -> None:
        self.graph.add_group(copy.deepcopy(self.group), *self.place)
        for follower in self.followers:
            self.graph.update_group(follower, follows=self.group_id)


class UpdateGroup(_GraphCommand):
    def __init__(self, graph: PipelineGraph, group_id: str, text: str = "Edit group", merge: bool = False,
                 **changes: Any):
        super().__init__(graph, text)
        self.group_id, self.changes, self.merge = group_id, copy.deepcopy(changes), merge
        group = graph.groups[group_id]
        self.before = {key: copy.deepcopy(getattr(group, key)) for key in changes}

    def redo(self) -> None:
        self.graph.update_group(self.group_id, **self.changes)

    def undo(self) -> None:
        self.graph.update_group(self.group_id, **self.before)

    def id(self) -> int:
        return MERGE_GROUP_FIELD if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, UpdateGroup) and other.merge and other.group_id == self.group_id
                and set(other.changes) == set(self.changes)):
            return False
        self.changes = other.changes
        return True


class MoveToGroup(_GraphCommand):
    """Explicit membership change (a node dragged into or out of a frame)."""

    def __init__(self, graph: PipelineGraph, member_id: str, group_id: str | None):
        super().__init__(graph, "Change group")
        self.member_id, self.group_id = member_id, group_id
        parent = graph.parent_of(member_id)
        self.before = (parent, graph.groups[parent].members.index(member_id) if parent else None)

    def redo(self) -> None:
        self.graph.move_to_group(self.member_id, self.group_id)

    def undo(self) -> None:
        self.graph.move_to_group(self.member_id, *self.before)


def _restore_parameter_order(graph: PipelineGraph, order: list[str]) -> None:
    """Parameters are saved as a list: re-append those out of place so the order is exact again."""
    current = list(graph.parameters)
    if current == order:
        return
    first_wrong = next(i for i, (a, b) in enumerate(zip(current, order)) if a != b)
    for name in order[first_wrong:]:
        parameter = graph.parameters[name]
        graph.remove_parameter(name)
        graph.set_parameter(parameter)


class SetParameter(_GraphCommand):
    """Adds, edits or renames a pipeline parameter (renaming keeps its place in the list)."""

    def __init__(self, graph: PipelineGraph, parameter: Parameter, old_name: str | None = None, merge: bool = False):
        super().__init__(graph, f"Set parameter {parameter.name}")
        self.parameter, self.old_name, self.merge = copy.deepcopy(parameter), old_name, merge
        self.before = copy.deepcopy(graph.parameters.get(old_name or parameter.name))
        self.order = list(graph.parameters)

    def redo(self) -> None:
        order = [self.parameter.name if n == self.old_name else n for n in self.order]
        self.graph.set_parameter(copy.deepcopy(self.parameter), old_name=self.old_name)
        _restore_parameter_order(self.graph, order if self.parameter.name in order else list(self.graph.parameters))

    def undo(self) -> None:
        if self.before is None:
            self.graph.remove_parameter(self.parameter.name)
        else:
            self.graph.set_parameter(copy.deepcopy(self.before), old_name=self.parameter.name)
        _restore_parameter_order(self.graph, self.order)

    def id(self) -> int:
        return MERGE_PARAMETER if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, SetParameter) and other.merge
                and other.old_name == other.parameter.name == self.parameter.name):
            return False
        self.parameter = other.parameter
        return True


class RemoveParameter(_GraphCommand):
    def __init__(self, graph: PipelineGraph, name: str):
        super().__init__(graph, f"Remove parameter {name}")
        self.parameter = copy.deepcopy(graph.parameters[name])
        self.order = list(graph.parameters)

    def redo(self) -> None:
        self.graph.remove_parameter(self.parameter.name)

    def undo(self) -> None:
        self.graph.set_parameter(copy.deepcopy(self.parameter))
        _restore_parameter_order(self.graph, self.order)


class SetPipelineInfo(_GraphCommand):
    def __init__(self, graph: PipelineGraph, name: str, description: str):
        super().__init__(graph, "Edit pipeline")
        self.after, self.before = (name, description), (graph.name, graph.description)

    def redo(self) -> None:
        self.graph.set_pipeline_info(*self.after)

    def undo(self) -> None:
        self.graph.set_pipeline_info(*self.before)

    def id(self) -> int:
        return 5

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetPipelineInfo):
            return False
        self.after = other.after
        return True
