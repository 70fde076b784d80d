"""The compiler goes through kfp's own compiler: check the IR it writes, not our intentions."""

import pytest
import yaml
from helpers import NUMBER_SOURCE, component, simple_graph

from workbench.compiler.compile import compile_graph
from workbench.errors import CompileError
from workbench.model.bindings import Binding
from workbench.model.document import Group, Node, Parameter, Resources, Retry, TaskOptions, new_id
from workbench.model.expressions import BoolOp, Comparison, Not


def tasks_of(spec, component=None):
    dag = spec["root"]["dag"] if component is None else spec["components"][component]["dag"]
    return dag["tasks"]


def find_task(spec, name):
    for dag in [spec["root"]["dag"]] + [c["dag"] for c in spec["components"].values() if "dag" in c]:
        if name in dag.get("tasks", {}):
            return dag["tasks"][name]
    raise KeyError(name)


def test_simple_chain_compiles_with_node_names_and_dependencies():
    graph, _ = simple_graph()
    spec = yaml.safe_load(compile_graph(graph))
    tasks = tasks_of(spec)
    assert set(tasks) == {"echo", "echo-2"}
    assert tasks["echo-2"]["dependentTasks"] == ["echo"]
    assert tasks["echo"]["inputs"]["parameters"]["msg"] == {"componentInputParameter": "greeting"}
    assert spec["root"]["inputDefinitions"]["parameters"]["greeting"]["defaultValue"] == "hello"


def test_task_names_are_the_node_names_even_against_kfp_order():
    graph, nodes = simple_graph()
    graph.update_node(nodes["first"].id, name="echo-2")
    graph.update_node(nodes["second"].id, name="echo")
    tasks = tasks_of(yaml.safe_load(compile_graph(graph)))
    assert tasks["echo"]["dependentTasks"] == ["echo-2"]


def test_task_options_reach_the_spec():
    graph, nodes = simple_graph()
    options = TaskOptions(caching=False, retry=Retry(count=3, backoff_duration="5s"),
                          resources=Resources(cpu_limit="2", memory_limit="1G"), env={"MODE": "fast"})
    graph.update_node(nodes["first"].id, options=options, display_name="Say hello")
    spec = yaml.safe_load(compile_graph(graph))
    task = tasks_of(spec)["echo"]
    assert task["cachingOptions"].get("enableCache", False) is False
    assert task["retryPolicy"]["maxRetryCount"] == 3 and task["retryPolicy"]["backoffDuration"] == "5s"
    assert task["taskInfo"]["name"] == "Say hello"
    container = spec["deploymentSpec"]["executors"][task["componentRef"]["name"].replace("comp-", "exec-")]["container"]
    assert container["env"] == [{"name": "MODE", "value": "fast"}]
    assert container["resources"]["resourceCpuLimit"] == "2"


def test_loop_with_parallelism_and_collected_fan_in():
    graph, nodes = simple_graph()
    graph.add_component("number", component(NUMBER_SOURCE))
    loop = Group(new_id(), "loop", members=[nodes["first"].id], items=Binding.constant(["a", "b", "c"]), parallelism=2)
    graph.add_group(loop)
    graph.set_binding(nodes["first"].id, "msg", Binding.loop_item(loop.id))
    graph.update_node(nodes["second"].id, component="number")
    collect_src = component('''
def count(items: list) -> int:
    return len(items)
''')
    graph.add_component("count", collect_src)
    graph.remove_node(nodes["second"].id)
    counter = Node(new_id(), "count", "count", inputs={"items": Binding.collected(nodes["first"].id, "Output")})
    graph.add_node(counter)
    spec = yaml.safe_load(compile_graph(graph))
    loop_task = next(t for n, t in tasks_of(spec).items() if n.startswith("for-loop"))
    assert loop_task["iteratorPolicy"] == {"parallelismLimit": 2}
    assert loop_task["parameterIterator"]["items"]["raw"] == '["a", "b", "c"]'
    consumer = tasks_of(spec)["count"]["inputs"]["parameters"]["items"]["taskOutputParameter"]
    assert consumer["producerTask"].startswith("for-loop")


def _chain_graph(first_condition, second_condition):
    graph, nodes = simple_graph()
    third = Node(new_id(), "echo-3", "echo", inputs={"msg": Binding.constant("else")})
    graph.add_node(third)
    graph.set_parameter(Parameter("limit", "Integer", 3))
    first = Group(new_id(), "condition", members=[nodes["second"].id], condition=first_condition)
    graph.add_group(first)
    graph.add_group(Group(new_id(), "condition", members=[third.id], condition=second_condition, follows=first.id))
    return graph, nodes


def test_if_else_uses_kfp_own_negation():
    out = None
    graph, nodes = _chain_graph(None, None)
    out = Binding.from_output(nodes["first"].id, "Output")
    first = next(g for g in graph.groups.values() if g.follows is None)
    graph.update_group(first.id, condition=Comparison(out, "==", Binding.constant("hello")))
    spec = yaml.safe_load(compile_graph(graph))
    assert find_task(spec, "condition-2")["triggerPolicy"]["condition"] == \
        "inputs.parameter_values['pipelinechannel--echo-Output'] == 'hello'"
    assert find_task(spec, "condition-3")["triggerPolicy"]["condition"] == \
        "!(inputs.parameter_values['pipelinechannel--echo-Output'] == 'hello')"


def test_or_and_not_compile_to_cel_with_every_operand_wired():
    graph, nodes = _chain_graph(None, None)
    out = Binding.from_output(nodes["first"].id, "Output")
    first = next(g for g in graph.groups.values() if g.follows is None)
    expr = BoolOp("or", (Comparison(out, "==", Binding.constant("a")),
                         BoolOp("and", (Comparison(Binding.param("limit"), ">", Binding.constant(2)),
                                        Not(Comparison(out, "==", Binding.constant("b")))))))
    graph.update_group(first.id, condition=expr)
    spec = yaml.safe_load(compile_graph(graph))
    channel, limit = "inputs.parameter_values['pipelinechannel--echo-Output']", \
        "int(inputs.parameter_values['pipelinechannel--limit'])"
    own = f"{channel} == 'a' || ({limit} > 2 && !({channel} == 'b'))"
    assert find_task(spec, "condition-2")["triggerPolicy"]["condition"] == own
    else_task = find_task(spec, "condition-3")
    assert else_task["triggerPolicy"]["condition"] == f"!({own})"
    assert set(else_task["inputs"]["parameters"]) == {"pipelinechannel--echo-Output", "pipelinechannel--limit"}


def test_exit_handler_and_final_status():
    graph, nodes = simple_graph()
    status = component('''
from kfp import dsl
def report(status: dsl.PipelineTaskFinalStatus):
    print(status.state)
''')
    graph.add_component("report", status)
    exit_node = Node(new_id(), "report", "report", inputs={"status": Binding.final_status()})
    graph.add_node(exit_node)
    graph.add_group(Group(new_id(), "exit_handler", members=[nodes["first"].id, nodes["second"].id],
                          exit_node=exit_node.id))
    spec = yaml.safe_load(compile_graph(graph))
    report = tasks_of(spec)["report"]
    assert report["triggerPolicy"]["strategy"] == "ALL_UPSTREAM_TASKS_COMPLETED"
    assert report["dependentTasks"] == ["exit-handler-1"]
    assert report["inputs"]["parameters"]["status"] == {"taskFinalStatus": {"producerTask": "exit-handler-1"}}


def test_invalid_document_is_refused_with_the_first_problem():
    graph, nodes = simple_graph()
    graph.set_binding(nodes["first"].id, "msg", None)
    with pytest.raises(CompileError) as info:
        compile_graph(graph)
    assert "node 'echo': required input 'msg' (String) is not set" in str(info.value)
