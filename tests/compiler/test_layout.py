"""The automatic layout: nothing overlaps, frames hold their members, edges run left to right."""

from __future__ import annotations

import itertools

import pytest
from corpus import corpus_files
from generated_ir import pipeline_ir

from workbench.compiler.importer import import_ir
from workbench.compiler.layout import NODE_HEIGHT, NODE_WIDTH, auto_layout, frame_rect
from workbench.model.document import Group, Node, PipelineGraph
from workbench.model.validate import dependency_graph


def rect(graph, item):
    if item in graph.groups:
        return frame_rect(graph, item)
    return (*graph.nodes[item].position, NODE_WIDTH, NODE_HEIGHT)


def overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def inside(inner, outer) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and \
        inner[0] + inner[2] <= outer[0] + outer[2] and inner[1] + inner[3] <= outer[1] + outer[3]


def assert_clean_layout(graph: PipelineGraph) -> None:
    grouped = {m for g in graph.groups.values() for m in g.members}
    containers = [[i for i in list(graph.nodes) + list(graph.groups) if i not in grouped]]
    containers += [g.members for g in graph.groups.values()]
    for siblings in containers:
        for a, b in itertools.combinations(siblings, 2):
            assert not overlap(rect(graph, a), rect(graph, b)), f"{a} overlaps {b}"
    for a, b in itertools.combinations(graph.nodes, 2):
        assert not overlap(rect(graph, a), rect(graph, b))
    for group in graph.groups.values():
        frame = frame_rect(graph, group.id)
        assert group.position == pytest.approx(frame[:2])
        for member in graph.descendants(group.id):
            assert inside(rect(graph, member), frame)
    for upstream, downstream in dependency_graph(graph).edges:
        assert graph.nodes[upstream].position[0] + NODE_WIDTH < graph.nodes[downstream].position[0], \
            f"{graph.nodes[upstream].name} -> {graph.nodes[downstream].name} does not run left to right"


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem)
def test_corpus_layouts_are_clean(path, corpus_dir):
    assert_clean_layout(import_ir(path.read_text(), path=str(path)).graph)


@pytest.mark.parametrize("stages, width", [(12, 5), (100, 5)], ids=["60-tasks", "500-tasks"])
def test_generated_pipelines_with_nested_conditions_and_loops(stages, width):
    graph = import_ir(pipeline_ir(stages, width)).graph
    assert len(graph.nodes) >= 50 and any(graph.ancestors(g) for g in graph.groups)
    assert_clean_layout(graph)


def test_members_of_a_group_lie_together_and_empty_groups_get_a_frame():
    graph = PipelineGraph()
    graph.add_group(Group(id="g", kind="loop"))
    graph.add_group(Group(id="empty", kind="condition"))
    for name in ("a", "b"):
        graph.add_node(Node(id=name, name=name, component="c"), "g" if name == "b" else None)
    auto_layout(graph)
    assert_clean_layout(graph)
    x, y, w, h = frame_rect(graph, "empty")
    assert w > NODE_WIDTH and h > NODE_HEIGHT
    assert not overlap((x, y, w, h), frame_rect(graph, "g"))
