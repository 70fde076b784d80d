"""One open pipeline: its graph, file path and undo stack. Every GUI edit is a method here that
pushes a command (one gesture, one undo step); views redraw from the graph's own signals."""

from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from workbench.components.spec import ComponentSpec, k8s_name
from workbench.gui import commands as cmd
from workbench.gui.clipboard import fragment_text, fragment_to_graph_parts, offset_to, parse_fragment
from workbench.gui.condition_operands import starting_condition
from workbench.gui.connections import binding_for, connection_problem
from workbench.gui.references import renamed_binding, renamed_expression
from workbench.model import serialize
from workbench.model.bindings import Binding
from workbench.model.document import Group, Node, Parameter, PipelineGraph, new_id
from workbench.model.kubernetes import KubernetesConfig

PASTE_OFFSET = (40.0, 40.0)


class EditorDocument(QObject):
    graph_changed = Signal(str, str)  # (change, id), re-emitted from the graph for Qt views
    status_changed = Signal()  # path or modified state changed: update titles (cleanChanged feeds it)

    def __init__(self, graph: PipelineGraph, path: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.graph = graph
        self.path = path
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self.status_changed)
        graph.listeners.append(self._relay)

    def _relay(self, change: str, item_id: str) -> None:
        self.graph_changed.emit(change, item_id)

    def close(self) -> None:
        if self._relay in self.graph.listeners:
            self.graph.listeners.remove(self._relay)

    # ----- file state --------------------------------------------------------------------------

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def title(self) -> str:
        return Path(self.path).name if self.path else f"{self.graph.name} (unsaved)"

    def save(self, path: str | None = None) -> None:
        """Atomic save; on failure the old file and the modified state stay as they were."""
        target = path or self.path
        if not target:
            raise ValueError("no file name given")
        serialize.save(self.graph, target)
        self.path = str(target)
        self.undo_stack.setClean()
        self.status_changed.emit()

    # ----- nodes -------------------------------------------------------------------------------

    def add_component_node(self, key: str, spec: ComponentSpec, position: tuple[float, float],
                           group_id: str | None = None) -> str:
        node = Node(id=new_id(), name=self.graph.unique_node_name(k8s_name(spec.name)), component=key,
                    position=position)
        self.undo_stack.beginMacro(f"Add {spec.name}")
        if key not in self.graph.components:
            self.undo_stack.push(cmd.AddComponent(self.graph, key, spec))
        self.undo_stack.push(cmd.AddNode(self.graph, node, group_id))
        self.undo_stack.endMacro()
        return node.id

    def move_nodes(self, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
                   membership: dict[str, str | None] | None = None) -> None:
        """A drag: positions and, when nodes crossed a frame edge, their new groups, as one step."""
        moves = {k: v for k, v in moves.items() if v[0] != v[1]}
        membership = {k: g for k, g in (membership or {}).items() if self.graph.parent_of(k) != g}
        if not moves and not membership:
            return
        self.undo_stack.beginMacro("Move")
        if moves:
            self.undo_stack.push(cmd.MoveNodes(self.graph, moves))
        for member, group_id in membership.items():
            self.undo_stack.push(cmd.MoveToGroup(self.graph, member, group_id))
        self.undo_stack.endMacro()

    def update_node(self, node_id: str, text: str = "Edit task", merge: bool = False, **changes) -> None:
        node = self.graph.nodes[node_id]
        if all(getattr(node, k) == v for k, v in changes.items()):
            return
        self.undo_stack.push(cmd.UpdateNode(self.graph, node_id, text, merge, **changes))

    def set_binding(self, node_id: str, input_name: str, binding: Binding | None, merge: bool = False) -> None:
        if self.graph.nodes[node_id].inputs.get(input_name) == binding:
            return
        self.undo_stack.push(cmd.SetBinding(self.graph, node_id, input_name, binding, merge))

    def set_kubernetes(self, node_id: str, config: KubernetesConfig | None, merge_key: str = "") -> None:
        """New Kubernetes settings for a task (None or an empty config clears them); edits of the
        same field (`merge_key`, e.g. its JSON path) merge into one undo step."""
        if config is not None and not config.config and not config.references:
            config = None
        if self.graph.nodes[node_id].kubernetes == config:
            return
        self.undo_stack.push(cmd.SetKubernetes(self.graph, node_id, config, merge_key))

    def connect_ports(self, source: str, output: str, target: str, input_name: str) -> str | None:
        """Connect, or return why the connection is refused."""
        problem = connection_problem(self.graph, source, output, target, input_name)
        if problem is None:
            self.set_binding(target, input_name, binding_for(self.graph, source, output, target))
        return problem

    def delete(self, ids: list[str]) -> None:
        """Delete nodes; a selected group goes with everything inside it."""
        graph = self.graph
        groups = [g for g in ids if g in graph.groups]
        doomed_groups = set(groups) | {d for g in groups for d in graph.descendants(g) if d in graph.groups}
        nodes = [n for n in ids if n in graph.nodes] + [n for g in groups for n in graph.nodes_in(g)]
        nodes = list(dict.fromkeys(nodes))
        if not nodes and not doomed_groups:
            return
        self.undo_stack.beginMacro("Delete")
        for node_id in nodes:
            self.undo_stack.push(cmd.RemoveNode(graph, node_id))
        for group_id in sorted(doomed_groups, key=lambda g: -len(graph.ancestors(g))):
            self.undo_stack.push(cmd.RemoveGroup(graph, group_id))
        self.undo_stack.endMacro()

    # ----- clipboard ---------------------------------------------------------------------------

    def copy_text(self, node_ids: list[str]) -> str:
        return fragment_text(self.graph, node_ids)

    def paste_text(self, text: str, offset: tuple[float, float] = PASTE_OFFSET,
                   at: tuple[float, float] | None = None) -> list[str]:
        """Paste a fragment with new ids, moved by `offset` or with its top-left task `at` a point;
        returns the new node ids ([] when the text is no fragment)."""
        fragment = parse_fragment(text)
        if fragment is None or not fragment["nodes"]:
            return []
        if at is not None:
            offset = offset_to(fragment, at)
        components, nodes = fragment_to_graph_parts(fragment, self.graph, offset)
        self.undo_stack.beginMacro("Paste")
        for key, spec in components.items():
            self.undo_stack.push(cmd.AddComponent(self.graph, key, spec))
        for node in nodes:
            self.undo_stack.push(cmd.AddNode(self.graph, node))
        self.undo_stack.endMacro()
        return [n.id for n in nodes]

    # ----- groups ------------------------------------------------------------------------------

    def wrap_problem(self, ids: list[str], kind: str) -> str | None:
        members = [m for m in ids if m in self.graph.nodes or m in self.graph.groups]
        if not members:
            return "select the tasks to wrap first"
        if len({self.graph.parent_of(m) for m in members}) != 1:
            return "the selected tasks sit in different groups; select tasks of one group"
        if kind == "exit_handler" and self.graph.parent_of(members[0]) is not None:
            return "an exit handler must wrap tasks at the top level"
        return None

    def wrap(self, ids: list[str], kind: str) -> str | None:
        """Wrap the selection in a new loop / condition / exit handler; returns its id."""
        if self.wrap_problem(ids, kind):
            return None
        graph = self.graph
        members = [m for m in ids if m in graph.nodes or m in graph.groups]
        parent = graph.parent_of(members[0])
        index = None
        if parent is not None:
            siblings = graph.groups[parent].members
            members.sort(key=siblings.index)
            index = siblings.index(members[0])
        else:
            document_order = {element: i for i, element in enumerate([*graph.nodes, *graph.groups])}
            members.sort(key=document_order.__getitem__)
        group = Group(id=new_id(), kind=kind, members=members)
        if kind == "loop":
            group.items = Binding.constant([1, 2, 3])
        elif kind == "condition":  # an If: Else and Elif are added from its frame or inspector
            inside = {m for m in members if m in graph.nodes}
            inside.update(n for m in members if m in graph.groups for n in graph.nodes_in(m))
            group.condition = starting_condition(graph, inside)
        self.undo_stack.push(cmd.AddGroup(graph, group, parent, index))
        return group.id

    def can_add_branch(self, group_id: str, else_branch: bool) -> bool:
        """Elif / Else follow an If or Elif; an Else only ends a chain (nothing may follow it)."""
        branch = self.graph.groups.get(group_id)
        if branch is None or branch.kind != "condition" or branch.condition is None:
            return False
        return not else_branch or not any(g.follows == group_id for g in self.graph.groups.values())

    def add_branch(self, group_id: str, else_branch: bool) -> str | None:
        """An empty Elif / Else after a condition branch, beside it in the same parent."""
        graph = self.graph
        if not self.can_add_branch(group_id, else_branch):
            return None
        branch = graph.groups[group_id]
        parent = graph.parent_of(group_id)
        index = graph.groups[parent].members.index(group_id) + 1 if parent else None
        group = Group(id=new_id(), kind="condition", follows=group_id,
                      condition=None if else_branch else branch.condition,
                      position=(branch.position[0], branch.position[1] + 40))
        self.undo_stack.beginMacro("Add Else" if else_branch else "Add Elif")
        for follower in [g.id for g in graph.groups.values() if g.follows == group_id]:
            self.undo_stack.push(cmd.UpdateGroup(graph, follower, follows=group.id))
        self.undo_stack.push(cmd.AddGroup(graph, group, parent, index))
        self.undo_stack.endMacro()
        return group.id

    def unwrap(self, group_id: str) -> None:
        self.undo_stack.push(cmd.RemoveGroup(self.graph, group_id))

    def update_group(self, group_id: str, text: str = "Edit group", merge: bool = False, **changes) -> None:
        group = self.graph.groups[group_id]
        if all(getattr(group, k) == v for k, v in changes.items()):
            return
        self.undo_stack.push(cmd.UpdateGroup(self.graph, group_id, text, merge, **changes))

    # ----- pipeline ----------------------------------------------------------------------------

    def set_parameter(self, parameter: Parameter, old_name: str | None = None, merge: bool = False) -> None:
        self.undo_stack.push(cmd.SetParameter(self.graph, parameter, old_name, merge))

    def rename_parameter(self, old: str, parameter: Parameter) -> None:
        """Rename (or retype) a parameter and every binding, condition and Kubernetes name that uses
        it, as one step."""
        graph, new = self.graph, parameter.name
        self.undo_stack.beginMacro(f"Rename parameter {old} to {new}")
        self.undo_stack.push(cmd.SetParameter(graph, parameter, old))
        for node in list(graph.nodes.values()):
            for input_name, binding in list(node.inputs.items()):
                changed = renamed_binding(binding, old, new)
                if changed != binding:
                    self.undo_stack.push(cmd.SetBinding(graph, node.id, input_name, changed))
            if node.kubernetes is not None:
                references = {path: renamed_binding(b, old, new) for path, b in node.kubernetes.references.items()}
                if references != node.kubernetes.references:
                    self.undo_stack.push(cmd.SetKubernetes(graph, node.id, KubernetesConfig(
                        copy.deepcopy(node.kubernetes.config), references)))
        for group in list(graph.groups.values()):
            changes = {}
            if group.items is not None and renamed_binding(group.items, old, new) != group.items:
                changes["items"] = renamed_binding(group.items, old, new)
            if group.condition is not None and renamed_expression(group.condition, old, new) != group.condition:
                changes["condition"] = renamed_expression(group.condition, old, new)
            if changes:
                self.undo_stack.push(cmd.UpdateGroup(graph, group.id, **changes))
        self.undo_stack.endMacro()

    def remove_parameter(self, name: str) -> None:
        self.undo_stack.push(cmd.RemoveParameter(self.graph, name))

    def set_pipeline_info(self, name: str, description: str) -> None:
        if (name, description) != (self.graph.name, self.graph.description):
            self.undo_stack.push(cmd.SetPipelineInfo(self.graph, name, description))

    def apply_positions(self, positions: dict[str, tuple[float, float]], text: str) -> None:
        """Auto-layout and align: many nodes move in one step."""
        moves = {n: (self.graph.nodes[n].position, p) for n, p in positions.items()
                 if n in self.graph.nodes and tuple(self.graph.nodes[n].position) != tuple(p)}
        if moves:
            command = cmd.MoveNodes(self.graph, moves)
            command.setText(text)
            self.undo_stack.push(command)
