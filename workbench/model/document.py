"""The pipeline document: parameters, nodes, groups and notes, with mutators that notify listeners.

`PipelineGraph` owns the truth. Ids are stable uuid hex strings. Groups have explicit members
(node and group ids) and nest; a node or group belongs to at most one group. Every change goes
through a mutator, which calls each listener with `(change, id)` so views can redraw; the GUI
wraps mutators in undo commands. Run state never lives here.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from workbench.components.spec import ComponentSpec
from workbench.model.bindings import Binding
from workbench.model.expressions import Expression
from workbench.model.kubernetes import KubernetesConfig

GROUP_KINDS = ("loop", "condition", "exit_handler")


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass
class Parameter:
    """A pipeline input: a value (String, Integer, ...) or, with an artifact type (`system.Dataset`),
    an input artifact given as a file, folder or URI when the pipeline runs."""

    name: str
    type: str = "String"
    default: Any = None
    description: str = ""
    optional: bool = False

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional


@dataclass
class Retry:
    count: int = 0
    backoff_duration: str = ""
    backoff_factor: float | None = None
    backoff_max_duration: str = ""


@dataclass
class Resources:
    cpu_request: str = ""
    cpu_limit: str = ""
    memory_request: str = ""
    memory_limit: str = ""
    accelerator_type: str = ""
    accelerator_count: int = 0


@dataclass
class TaskOptions:
    caching: bool = True
    retry: Retry = field(default_factory=Retry)
    resources: Resources = field(default_factory=Resources)
    env: dict[str, str] = field(default_factory=dict)
    ignore_upstream_failure: bool = False
    cache_key: str = ""
    # settings given at run time by a pipeline parameter or an upstream output, by name: a resource
    # field (`set_cpu_limit(param)` -> "cpu_limit") or "image" (`set_container_image(param)`);
    # such a resource field's own value stays empty
    bound: dict[str, Binding] = field(default_factory=dict)


@dataclass
class Node:
    id: str
    name: str
    component: str
    display_name: str = ""
    inputs: dict[str, Binding] = field(default_factory=dict)
    after: list[str] = field(default_factory=list)
    options: TaskOptions = field(default_factory=TaskOptions)
    position: tuple[float, float] = (0.0, 0.0)
    kubernetes: KubernetesConfig | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.name

    def bindings(self) -> list[Binding]:
        """Every binding of the node: inputs, resources set from values, Kubernetes references."""
        found = list(self.inputs.values()) + list(self.options.bound.values())
        return found + (list(self.kubernetes.references.values()) if self.kubernetes else [])


@dataclass
class Group:
    """A ParallelFor, one branch of an If / Elif / Else chain, or an exit handler body.

    loop: `items` is a Binding (constant list, parameter, output) and `parallelism` 0 = unlimited.
    condition: `condition` is the branch's own expression (None for Else); `follows` is the id of the
    previous branch in its chain (None for the If that starts it).
    exit_handler: `exit_node` is the node that runs after the body, whatever its outcome.
    """

    id: str
    kind: str
    name: str = ""
    members: list[str] = field(default_factory=list)
    items: Binding | None = None
    parallelism: int = 0
    condition: Expression | None = None
    follows: str | None = None
    exit_node: str = ""
    position: tuple[float, float] = (0.0, 0.0)

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.kind == "condition":
            return "Else" if self.condition is None else ("Elif" if self.follows else "If")
        return {"loop": "Loop", "exit_handler": "Exit handler"}[self.kind]


@dataclass
class Note:
    id: str
    text: str
    position: tuple[float, float] = (0.0, 0.0)
    size: tuple[float, float] = (200.0, 80.0)


Listener = Callable[[str, str], None]


class PipelineGraph:
    """A pipeline document. Read the public attributes; change them only through mutators."""

    def __init__(self, name: str = "pipeline", description: str = ""):
        self.name = name
        self.description = description
        self.parameters: dict[str, Parameter] = {}
        self.components: dict[str, ComponentSpec] = {}
        self.nodes: dict[str, Node] = {}
        self.groups: dict[str, Group] = {}
        self.notes: dict[str, Note] = {}
        # what the pipeline returns (its outputs), by name: "Output" alone for a single return value
        self.outputs: dict[str, Binding] = {}
        self.pipeline_root = ""  # where a cluster keeps the run's artifacts (dsl.pipeline(pipeline_root=))
        # a shared volume the tasks see at dsl.WORKSPACE_PATH_PLACEHOLDER: {"size": "1Gi",
        # "kubernetes": {"pvcSpecPatch": {...}}} as in dsl.PipelineConfig(workspace=...)
        self.workspace: dict | None = None
        self.listeners: list[Listener] = []

    # ----- queries -----------------------------------------------------------------------------

    def component_of(self, node_id: str) -> ComponentSpec:
        return self.components[self.nodes[node_id].component]

    def parent_of(self, member_id: str) -> str | None:
        """The group directly containing a node or group, or None at the top level."""
        return next((g.id for g in self.groups.values() if member_id in g.members), None)

    def ancestors(self, member_id: str) -> list[str]:
        """Enclosing groups, innermost first."""
        chain, current = [], self.parent_of(member_id)
        while current is not None:
            chain.append(current)
            current = self.parent_of(current)
        return chain

    def descendants(self, group_id: str) -> Iterator[str]:
        for member in self.groups[group_id].members:
            yield member
            if member in self.groups:
                yield from self.descendants(member)

    def nodes_in(self, group_id: str) -> list[str]:
        return [m for m in self.descendants(group_id) if m in self.nodes]

    def node_by_name(self, name: str) -> Node | None:
        return next((n for n in self.nodes.values() if n.name == name), None)

    def upstream_of(self, node_id: str) -> set[str]:
        """Nodes this node depends on directly, through bindings or `after`."""
        node = self.nodes[node_id]
        deps = {upstream for b in node.bindings() for upstream in b.upstream_nodes}
        return (deps | set(node.after)) - {""}

    def unique_node_name(self, base: str) -> str:
        from workbench.components.spec import k8s_name

        stem = k8s_name(base) or "task"
        taken = {n.name for n in self.nodes.values()}
        if stem not in taken:
            return stem
        index = 2
        while f"{stem}-{index}" in taken:
            index += 1
        return f"{stem}-{index}"

    # ----- mutators ----------------------------------------------------------------------------

    def _changed(self, change: str, item_id: str = "") -> None:
        for listener in list(self.listeners):
            listener(change, item_id)

    def set_pipeline_info(self, name: str, description: str) -> None:
        self.name, self.description = name, description
        self._changed("pipeline", "")

    def set_outputs(self, outputs: dict[str, Binding], pipeline_root: str) -> None:
        self.outputs, self.pipeline_root = dict(outputs), pipeline_root
        self._changed("pipeline", "")

    def set_workspace(self, workspace: dict | None) -> None:
        self.workspace = copy.deepcopy(workspace)
        self._changed("pipeline", "")

    def add_component(self, key: str, spec: ComponentSpec) -> None:
        self.components[key] = spec
        self._changed("component", key)

    def remove_component(self, key: str) -> None:
        del self.components[key]
        self._changed("component", key)

    def set_parameter(self, parameter: Parameter, *, old_name: str | None = None) -> None:
        if old_name is not None and old_name != parameter.name:
            self.parameters.pop(old_name, None)
        self.parameters[parameter.name] = parameter
        self._changed("parameter", parameter.name)

    def remove_parameter(self, name: str) -> None:
        del self.parameters[name]
        self._changed("parameter", name)

    def add_node(self, node: Node, group_id: str | None = None, index: int | None = None) -> None:
        if node.id in self.nodes:
            raise ValueError(f"node id {node.id} already exists")
        self.nodes[node.id] = node
        if group_id is not None:
            members = self.groups[group_id].members
            members.insert(len(members) if index is None else index, node.id)
        self._changed("node-added", node.id)

    def remove_node(self, node_id: str) -> None:
        """Remove a node; bindings that pointed at it are removed too (callers snapshot first)."""
        for other in self.nodes.values():
            for name, binding in list(other.inputs.items()):
                if node_id in binding.upstream_nodes:
                    del other.inputs[name]
                    self._changed("node-changed", other.id)
            if node_id in other.after:
                other.after.remove(node_id)
            bound = other.options.bound
            references = other.kubernetes.references if other.kubernetes else {}
            for mapping in (bound, references):
                for key in [k for k, b in mapping.items() if node_id in b.upstream_nodes]:
                    del mapping[key]
                    self._changed("node-changed", other.id)
        for name in [n for n, b in self.outputs.items() if node_id in b.upstream_nodes]:
            del self.outputs[name]
            self._changed("pipeline", "")
        for group in self.groups.values():
            if node_id in group.members:
                group.members.remove(node_id)
            if group.exit_node == node_id:
                group.exit_node = ""
        del self.nodes[node_id]
        self._changed("node-removed", node_id)

    def update_node(self, node_id: str, **changes: Any) -> None:
        """Replace fields of a node (name, display_name, position, options, after, component,
        kubernetes)."""
        node = self.nodes[node_id]
        for key, value in changes.items():
            if not hasattr(node, key) or key == "id":
                raise AttributeError(f"node has no field {key!r}")
            setattr(node, key, copy.deepcopy(value))
        self._changed("node-moved" if set(changes) == {"position"} else "node-changed", node_id)

    def set_binding(self, node_id: str, input_name: str, binding: Binding | None) -> None:
        node = self.nodes[node_id]
        if binding is None:
            node.inputs.pop(input_name, None)
        else:
            node.inputs[input_name] = binding
        self._changed("node-changed", node_id)

    def add_group(self, group: Group, parent_id: str | None = None, index: int | None = None) -> None:
        if group.id in self.groups:
            raise ValueError(f"group id {group.id} already exists")
        for member in group.members:
            self._detach(member)
        self.groups[group.id] = group
        if parent_id is not None:
            members = self.groups[parent_id].members
            members.insert(len(members) if index is None else index, group.id)
        self._changed("group-added", group.id)

    def remove_group(self, group_id: str) -> None:
        """Unwrap: the group's members move to its parent, in its place."""
        group = self.groups[group_id]
        parent = self.parent_of(group_id)
        if parent is not None:
            siblings = self.groups[parent].members
            at = siblings.index(group_id)
            siblings[at:at + 1] = group.members
        for other in self.groups.values():
            if other.follows == group_id:
                other.follows = group.follows
        del self.groups[group_id]
        self._changed("group-removed", group_id)

    def update_group(self, group_id: str, **changes: Any) -> None:
        group = self.groups[group_id]
        for key, value in changes.items():
            if not hasattr(group, key) or key in ("id", "members"):
                raise AttributeError(f"group has no editable field {key!r}")
            setattr(group, key, copy.deepcopy(value))
        self._changed("group-changed", group_id)

    def move_to_group(self, member_id: str, group_id: str | None, index: int | None = None) -> None:
        """Change membership explicitly (dragging a node into or out of a frame)."""
        self._detach(member_id)
        if group_id is not None:
            members = self.groups[group_id].members
            members.insert(len(members) if index is None else index, member_id)
        self._changed("membership", member_id)

    def _detach(self, member_id: str) -> None:
        for group in self.groups.values():
            if member_id in group.members:
                group.members.remove(member_id)

    def set_note(self, note: Note) -> None:
        self.notes[note.id] = note
        self._changed("note", note.id)

    def remove_note(self, note_id: str) -> None:
        del self.notes[note_id]
        self._changed("note", note_id)

    def copy(self) -> "PipelineGraph":
        """A deep copy without listeners (for snapshots and compiling off the GUI thread)."""
        listeners, self.listeners = self.listeners, []
        try:
            clone = copy.deepcopy(self)
        finally:
            self.listeners = listeners
        return clone
