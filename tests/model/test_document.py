from helpers import simple_graph

from workbench.model.bindings import Binding
from workbench.model.document import Group, Node, new_id


def test_mutators_notify_listeners_and_keep_ids():
    graph, nodes = simple_graph()
    seen = []
    graph.listeners.append(lambda change, item: seen.append((change, item)))
    graph.update_node(nodes["first"].id, position=(10, 20))
    graph.set_binding(nodes["second"].id, "msg", Binding.constant("hi"))
    assert seen == [("node-moved", nodes["first"].id), ("node-changed", nodes["second"].id)]
    assert graph.nodes[nodes["first"].id].position == (10, 20)


def test_remove_node_drops_bindings_that_pointed_at_it():
    graph, nodes = simple_graph()
    graph.remove_node(nodes["first"].id)
    assert "msg" not in graph.nodes[nodes["second"].id].inputs


def test_groups_nest_and_unwrap_keeps_members_in_place():
    graph, nodes = simple_graph()
    inner = Group(new_id(), "loop", members=[nodes["second"].id], items=Binding.constant([1, 2]))
    graph.add_group(inner)
    outer = Group(new_id(), "condition", members=[inner.id])
    graph.add_group(outer)
    assert graph.ancestors(nodes["second"].id) == [inner.id, outer.id]
    graph.remove_group(inner.id)
    assert graph.groups[outer.id].members == [nodes["second"].id]
    assert graph.parent_of(nodes["second"].id) == outer.id


def test_move_to_group_is_explicit_membership():
    graph, nodes = simple_graph()
    loop = Group(new_id(), "loop", members=[], items=Binding.constant([1]))
    graph.add_group(loop)
    graph.move_to_group(nodes["first"].id, loop.id)
    assert graph.nodes_in(loop.id) == [nodes["first"].id]
    graph.move_to_group(nodes["first"].id, None)
    assert graph.parent_of(nodes["first"].id) is None


def test_unique_node_name_follows_kfp_dedup():
    graph, _ = simple_graph()
    assert graph.unique_node_name("Echo") == "echo-3"
    graph.add_node(Node(new_id(), graph.unique_node_name("My Step"), "echo"))
    assert graph.node_by_name("my-step") is not None


def test_copy_is_deep_and_drops_listeners():
    graph, nodes = simple_graph()
    graph.listeners.append(lambda *a: None)
    clone = graph.copy()
    clone.update_node(nodes["first"].id, name="renamed")
    assert graph.nodes[nodes["first"].id].name == "echo"
    assert clone.listeners == [] and graph.listeners
