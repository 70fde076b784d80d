"""Automatic layered layout, left to right, with groups as frames around their members.

Each container (the pipeline, or a group) is laid out on its own: its children (nodes and child
groups, a child group being a box of its own laid-out size) are layered by longest path over the
dependencies between them, then ordered within a layer by the barycentre of their predecessors to
reduce crossings. A dependency between nodes in different children counts as one between those
children, so nested frames never overlap their siblings and every edge runs left to right.

`Node.position` and `Group.position` are top-left corners. The canvas draws a node as
`node_size` (it grows with its port rows) and a frame as `frame_rect`, so layout and drawing agree.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from workbench.model.document import PipelineGraph
from workbench.model.validate import dependency_graph

NODE_WIDTH = 180.0
NODE_HEIGHT = 56.0
GROUP_PADDING = 16.0
GROUP_HEADER = 28.0
LAYER_GAP = 64.0
ROW_GAP = 24.0

HEADER_HEIGHT = 38.0  # title and component name
PORT_ROW = 18.0
STATUS_HEIGHT = 16.0

Rect = tuple[float, float, float, float]  # x, y, width, height


def node_height(input_count: int, output_count: int) -> float:
    rows = max(input_count, output_count, 1)
    return max(NODE_HEIGHT, HEADER_HEIGHT + rows * PORT_ROW + STATUS_HEIGHT + 6)


def node_size(graph: PipelineGraph, node_id: str) -> tuple[float, float]:
    spec = graph.components.get(graph.nodes[node_id].component)
    return NODE_WIDTH, node_height(len(spec.inputs), len(spec.outputs)) if spec else NODE_HEIGHT


def frame_rect(graph: PipelineGraph, group_id: str) -> Rect:
    """The frame of a group: its members' bounds, padded, with a header band on top."""
    rects = [frame_rect(graph, m) if m in graph.groups else (*graph.nodes[m].position, *node_size(graph, m))
             for m in graph.groups[group_id].members]
    if not rects:
        x, y = graph.groups[group_id].position
        return x, y, NODE_WIDTH + 2 * GROUP_PADDING, NODE_HEIGHT + GROUP_HEADER + 2 * GROUP_PADDING
    left = min(r[0] for r in rects) - GROUP_PADDING
    top = min(r[1] for r in rects) - GROUP_PADDING - GROUP_HEADER
    right = max(r[0] + r[2] for r in rects) + GROUP_PADDING
    bottom = max(r[1] + r[3] for r in rects) + GROUP_PADDING
    return left, top, right - left, bottom - top


class _Layout:
    def __init__(self, graph: PipelineGraph):
        self.graph = graph
        self.parent: dict[str, str | None] = {}
        self.children: dict[str | None, list[str]] = defaultdict(list)
        for group in graph.groups.values():
            for member in group.members:
                self.parent[member] = group.id
                self.children[group.id].append(member)
        for item in list(graph.nodes) + list(graph.groups):
            if item not in self.parent:
                self.parent[item] = None
                self.children[None].append(item)
        self.chains: dict[str, list[str]] = {}
        self.edges: dict[str | None, set[tuple[str, str]]] = defaultdict(set)
        for upstream, downstream in dependency_graph(graph).edges:
            self._add_edge(upstream, downstream)
        self.offsets: dict[str, tuple[float, float]] = {}
        self.sizes: dict[str, tuple[float, float]] = {}

    def _chain(self, item: str) -> list[str]:
        """The item and its enclosing groups, outermost first (memoised: edges share chains)."""
        chain = self.chains.get(item)
        if chain is None:
            parent = self.parent[item]
            chain = self.chains[item] = (self._chain(parent) if parent is not None else []) + [item]
        return chain

    def _add_edge(self, upstream: str, downstream: str) -> None:
        a, b = self._chain(upstream), self._chain(downstream)
        common = 0
        while common < min(len(a), len(b)) and a[common] == b[common]:
            common += 1
        if common < len(a) and common < len(b):
            self.edges[a[common - 1] if common else None].add((a[common], b[common]))

    def size(self, item: str) -> tuple[float, float]:
        if item not in self.sizes:
            if item in self.graph.groups:
                width, height = self.arrange(item)
                self.sizes[item] = (width + 2 * GROUP_PADDING, height + GROUP_HEADER + 2 * GROUP_PADDING)
            else:
                self.sizes[item] = node_size(self.graph, item)
        return self.sizes[item]

    def _layers(self, container: str | None) -> list[list[str]]:
        members = self.children[container]
        dag = nx.DiGraph()
        dag.add_nodes_from(members)
        dag.add_edges_from(self.edges[container])
        while True:  # an invalid (cyclic) document still gets a layout
            try:
                order = list(nx.topological_sort(dag))
                break
            except nx.NetworkXUnfeasible:
                dag.remove_edge(*nx.find_cycle(dag)[0][:2])
        layer: dict[str, int] = {}
        for item in order:
            layer[item] = max((layer[p] + 1 for p in dag.predecessors(item)), default=0)
        layers: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
        rank = {m: i for i, m in enumerate(members)}
        for item in sorted(members, key=rank.__getitem__):
            layers[layer[item]].append(item)
        self._order(layers, dag)
        return layers

    def _order(self, layers: list[list[str]], dag: nx.DiGraph) -> None:
        """Barycentre ordering, one sweep left to right: a child sits near what feeds it."""
        position: dict[str, float] = {}
        for layer in layers:
            keyed = []
            for index, item in enumerate(layer):
                feeds = [position[p] for p in dag.predecessors(item) if p in position]
                keyed.append((sum(feeds) / len(feeds) if feeds else float(index), index, item))
            layer[:] = [item for _, _, item in sorted(keyed)]
            for index, item in enumerate(layer):
                position[item] = float(index)

    def arrange(self, container: str | None) -> tuple[float, float]:
        """Lay out a container's children relative to its content origin; return the content size."""
        layers = self._layers(container)
        if not layers:
            return NODE_WIDTH, NODE_HEIGHT
        heights = [sum(self.size(i)[1] for i in layer) + ROW_GAP * (len(layer) - 1) for layer in layers]
        tallest = max(heights)
        x = 0.0
        for layer, height in zip(layers, heights):
            y = (tallest - height) / 2
            for item in layer:
                self.offsets[item] = (x, y)
                y += self.size(item)[1] + ROW_GAP
            x += max(self.size(i)[0] for i in layer) + LAYER_GAP
        return x - LAYER_GAP, tallest

    def place(self, container: str | None, origin: tuple[float, float]) -> None:
        for item in self.children[container]:
            x, y = origin[0] + self.offsets[item][0], origin[1] + self.offsets[item][1]
            if item in self.graph.groups:
                self.graph.groups[item].position = (x, y)
                self.place(item, (x + GROUP_PADDING, y + GROUP_HEADER + GROUP_PADDING))
            else:
                self.graph.nodes[item].position = (x, y)


def auto_layout(graph: PipelineGraph) -> None:
    """Set every node's and group's position (top-left), starting at (0, 0)."""
    layout = _Layout(graph)
    layout.arrange(None)
    layout.place(None, (0.0, 0.0))
