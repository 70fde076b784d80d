"""Copy / paste as text: a JSON fragment of nodes and the components they use, so a selection can
travel between documents (and applications) through the system clipboard."""

from __future__ import annotations

import copy
import json
from dataclasses import replace

from workbench.components.spec import ComponentSpec
from workbench.model.bindings import Binding
from workbench.model.document import Node, PipelineGraph, new_id
from workbench.model.kubernetes import KubernetesConfig
from workbench.model.serialize import options_from_dict, options_to_dict

MIME_KIND = "pipeline-workbench/fragment"


def fragment_text(graph: PipelineGraph, node_ids: list[str]) -> str:
    """Nodes with their bindings to each other and to parameters; links to other nodes are dropped."""
    chosen = [graph.nodes[n] for n in node_ids if n in graph.nodes]
    inside = {n.id for n in chosen}
    nodes = []
    def kept(binding: Binding) -> bool:
        return binding.kind != "loop_item" and set(binding.upstream_nodes) <= inside

    for node in chosen:
        inputs = {name: b.to_dict() for name, b in node.inputs.items() if kept(b)}
        options = replace(node.options, bound={k: b for k, b in node.options.bound.items() if kept(b)})
        entry = {"id": node.id, "name": node.name, "display_name": node.display_name,
                 "component": node.component, "inputs": inputs, "position": list(node.position),
                 "after": [a for a in node.after if a in inside], "options": options_to_dict(options)}
        if node.kubernetes is not None:
            entry["kubernetes"] = KubernetesConfig(node.kubernetes.config, {
                path: b for path, b in node.kubernetes.references.items() if kept(b)}).to_dict()
        nodes.append(entry)
    components = {n.component: graph.components[n.component].to_dict() for n in chosen}
    return json.dumps({"kind": MIME_KIND, "nodes": nodes, "components": components}, indent=1, sort_keys=True)


def parse_fragment(text: str) -> dict | None:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, TypeError):
        return None
    return data if isinstance(data, dict) and data.get("kind") == MIME_KIND else None


def offset_to(fragment: dict, point: tuple[float, float]) -> tuple[float, float]:
    """The paste offset that puts the fragment's top-left task at `point` (Paste Here)."""
    xs, ys = zip(*(entry["position"] for entry in fragment["nodes"]))
    return point[0] - min(xs), point[1] - min(ys)


def fragment_to_graph_parts(fragment: dict, graph: PipelineGraph, offset: tuple[float, float]
                            ) -> tuple[dict[str, ComponentSpec], list[Node]]:
    """New components (keys the document lacks or holds differently) and nodes with fresh ids and
    unique names, ready to add to `graph`."""
    components: dict[str, ComponentSpec] = {}
    key_map: dict[str, str] = {}
    for key, data in fragment["components"].items():
        spec = ComponentSpec.from_dict(data, where=f"pasted component {key}")
        target_key = key
        existing = graph.components.get(key)
        suffix = 2
        while existing is not None and existing.to_dict() != spec.to_dict():
            target_key = f"{key}-{suffix}"
            existing, suffix = graph.components.get(target_key), suffix + 1
        if existing is None:
            components[target_key] = spec
        key_map[key] = target_key
    id_map = {entry["id"]: new_id() for entry in fragment["nodes"]}
    taken: set[str] = set()
    nodes = []
    for entry in fragment["nodes"]:
        name = _unique_name(graph, entry["name"], taken)
        taken.add(name)
        inputs = {}
        for input_name, data in entry["inputs"].items():
            binding = _remap(Binding.from_dict(data), id_map)
            if not (_parameters_of(binding) <= set(graph.parameters)):
                continue
            inputs[input_name] = binding
        x, y = entry["position"]
        options = options_from_dict(copy.deepcopy(entry.get("options", {})))
        options.bound = _remapped(options.bound, id_map, graph)
        kubernetes = KubernetesConfig.from_dict(entry["kubernetes"]) if "kubernetes" in entry else None
        if kubernetes is not None:
            kubernetes.references = _remapped(kubernetes.references, id_map, graph)
        nodes.append(Node(id=id_map[entry["id"]], name=name, component=key_map[entry["component"]],
                          display_name=entry.get("display_name", ""), inputs=inputs,
                          after=[id_map[a] for a in entry.get("after", [])], options=options,
                          position=(x + offset[0], y + offset[1]), kubernetes=kubernetes))
    return components, nodes


def _remapped(bindings: dict, id_map: dict[str, str], graph: PipelineGraph) -> dict:
    """Settings bound to pasted nodes follow the copies; those naming a parameter the target
    document lacks are left out."""
    remapped = {key: _remap(binding, id_map) for key, binding in bindings.items()}
    return {key: b for key, b in remapped.items() if _parameters_of(b) <= set(graph.parameters)}


def _remap(binding: Binding, id_map: dict[str, str]) -> Binding:
    """The same binding with node ids replaced by the pasted copies' ids (through template and one_of
    parts)."""
    if binding.parts:
        return replace(binding, parts=tuple(_remap(part, id_map) for part in binding.parts))
    return replace(binding, node=id_map[binding.node]) if binding.upstream_node else binding


def _parameters_of(binding: Binding) -> set[str]:
    if binding.parts:
        return {p for part in binding.parts for p in _parameters_of(part)}
    return {binding.parameter} if binding.kind == "parameter" else set()


def _unique_name(graph: PipelineGraph, base: str, taken: set[str]) -> str:
    name = graph.unique_node_name(base)
    index = 2
    while name in taken:
        name = graph.unique_node_name(f"{base}-{index}")
        index += 1
    return name
