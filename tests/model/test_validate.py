from helpers import DATASET_SOURCE, MODEL_SOURCE, component, simple_graph

from workbench.model.bindings import Binding
from workbench.model.document import Group, Node, new_id
from workbench.model.expressions import Comparison
from workbench.model.validate import validate


def messages(graph):
    return [d.format(graph) for d in validate(graph)]


def test_simple_graph_is_valid():
    graph, _ = simple_graph()
    assert messages(graph) == []


def test_cycle_is_reported_with_its_path():
    graph, nodes = simple_graph()
    graph.update_node(nodes["first"].id, after=[nodes["second"].id])
    assert any("dependency cycle: " in m for m in messages(graph))


def test_missing_required_input():
    graph, nodes = simple_graph()
    graph.set_binding(nodes["first"].id, "msg", None)
    assert "error: node 'echo': required input 'msg' (String) is not set" in messages(graph)


def test_type_mismatch_between_artifacts():
    graph, _ = simple_graph()
    graph.add_component("make_data", component(DATASET_SOURCE))
    graph.add_component("use_model", component(MODEL_SOURCE))
    producer = Node(new_id(), "make-data", "make_data", inputs={"rows": Binding.constant(3)})
    consumer = Node(new_id(), "use-model", "use_model", inputs={"model": Binding.from_output(producer.id, "data")})
    graph.add_node(producer)
    graph.add_node(consumer)
    assert any("expects system.Model, but make-data.data gives system.Dataset" in m for m in messages(graph))


def test_constant_of_wrong_type():
    graph, nodes = simple_graph()
    graph.set_binding(nodes["first"].id, "msg", Binding.constant(3))
    assert any("expects String, got constant 3" in m for m in messages(graph))


def test_loop_output_outside_loop_needs_collected():
    graph, nodes = simple_graph()
    loop = Group(new_id(), "loop", members=[nodes["first"].id], items=Binding.constant(["a", "b"]))
    graph.add_group(loop)
    assert any("bind it as Collected" in m for m in messages(graph))
    graph.set_binding(nodes["second"].id, "msg", Binding.collected(nodes["first"].id, "Output"))
    assert any("expects String, but collected(echo.Output) gives List" in m for m in messages(graph))


def test_condition_on_task_inside_the_group():
    graph, nodes = simple_graph()
    condition = Comparison(Binding.from_output(nodes["second"].id, "Output"), "==", Binding.constant("x"))
    graph.add_group(Group(new_id(), "condition", members=[nodes["second"].id], condition=condition))
    assert any("does not run before the group" in m for m in messages(graph))


def test_else_must_follow_and_exit_handler_must_be_top_level():
    graph, nodes = simple_graph()
    graph.add_group(Group(new_id(), "condition", members=[nodes["second"].id], condition=None))
    exit_group = Group(new_id(), "exit_handler", members=[nodes["first"].id], exit_node="")
    graph.add_group(exit_group)
    found = messages(graph)
    assert any("an Else branch must follow" in m for m in found)
    assert any("has no exit task" in m for m in found)


def test_duplicate_names():
    graph, nodes = simple_graph()
    graph.update_node(nodes["second"].id, name="echo")
    assert any("duplicate task name 'echo'" in m for m in messages(graph))


def test_output_from_inside_a_branch_cannot_be_used_outside():
    graph, nodes = simple_graph()
    condition = Comparison(Binding.param("greeting"), "==", Binding.constant("x"))
    graph.add_group(Group(new_id(), "condition", members=[nodes["first"].id], condition=condition))
    assert any("from inside a condition branch it is not in" in m for m in messages(graph))


def test_one_of_takes_one_output_per_branch():
    graph, nodes = simple_graph()
    third = Node(new_id(), "echo-3", "echo", inputs={"msg": Binding.constant("b")})
    consumer = Node(new_id(), "echo-4", "echo")
    graph.add_node(third)
    graph.add_node(consumer)
    first = Group(new_id(), "condition", members=[nodes["second"].id],
                  condition=Comparison(Binding.param("greeting"), "==", Binding.constant("a")))
    graph.add_group(first)
    graph.add_group(Group(new_id(), "condition", members=[third.id], condition=None, follows=first.id))
    both = Binding.one_of([Binding.from_output(nodes["second"].id, "Output"), Binding.from_output(third.id, "Output")])
    graph.set_binding(consumer.id, "msg", both)
    assert messages(graph) == []
    same_branch = Binding.one_of([Binding.from_output(nodes["second"].id, "Output")] * 2)
    graph.set_binding(consumer.id, "msg", same_branch)
    assert any("one output from each branch" in m for m in messages(graph))
