"""Small builders shared by tests: documents made of lightweight Python components."""

from __future__ import annotations

import functools

from workbench.components.authoring import python_component
from workbench.model.bindings import Binding
from workbench.model.document import Node, Parameter, PipelineGraph, new_id

ECHO_SOURCE = '''
def echo(msg: str) -> str:
    print(msg)
    return msg
'''

NUMBER_SOURCE = '''
def number(value: int) -> int:
    return value
'''

DATASET_SOURCE = '''
from kfp.dsl import Dataset, Output
def make_data(rows: int, data: Output[Dataset]):
    with open(data.path, "w") as f:
        f.write("x\\n" * rows)
'''

MODEL_SOURCE = '''
from kfp.dsl import Input, Model, Output
def use_model(model: Input[Model]) -> str:
    return model.path
'''


@functools.lru_cache(maxsize=None)
def _component(source: str):
    return python_component(source)


def component(source: str):
    import copy

    return copy.deepcopy(_component(source))


def simple_graph() -> tuple[PipelineGraph, dict[str, Node]]:
    """A two-task chain: echo(msg=param greeting) -> echo-2(msg=echo.Output)."""
    graph = PipelineGraph("simple")
    graph.set_parameter(Parameter("greeting", "String", "hello"))
    graph.add_component("echo", component(ECHO_SOURCE))
    graph.add_component("number", component(NUMBER_SOURCE))
    first = Node(new_id(), "echo", "echo", inputs={"msg": Binding.param("greeting")}, position=(0, 0))
    second = Node(new_id(), "echo-2", "echo", inputs={"msg": Binding.from_output(first.id, "Output")},
                  position=(300, 0))
    graph.add_node(first)
    graph.add_node(second)
    return graph, {"first": first, "second": second}
