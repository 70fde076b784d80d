"""Compile speed: a generated 500-task document through our compiler, against building and
compiling the equivalent pipeline with the kfp DSL directly, in the same process and run.

Also: import + layout of the largest corpus file, a 60-task pipeline with nested conditions and a
generated 500-task IR. Prints seconds and ratios; asserts nothing (`make bench`).
"""


import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from workbench.components.authoring import python_component  # noqa: E402
from workbench.model.bindings import Binding  # noqa: E402
from workbench.model.document import Group, Node, Parameter, PipelineGraph, new_id  # noqa: E402
from workbench.model.expressions import Comparison  # noqa: E402

SOURCE = "def step(a: int, b: int) -> int:\n    return a + b\n"


def generated_graph(tasks: int, *, conditions: int = 0, seed: int = 1) -> PipelineGraph:
    """A random DAG of `tasks` adders; the last `conditions` nodes that nothing consumes are wrapped
    in nested If groups (conditions over the first task's output)."""
    rng = random.Random(seed)
    graph = PipelineGraph("generated")
    graph.set_parameter(Parameter("start", "Integer", 1))
    graph.add_component("step", python_component(SOURCE))
    nodes: list[Node] = []
    for index in range(tasks):
        if index == 0:
            inputs = {"a": Binding.param("start"), "b": Binding.constant(1)}
        else:
            inputs = {"a": Binding.from_output(rng.choice(nodes[max(0, index - 20):]).id, "Output"),
                      "b": Binding.constant(index)}
        node = Node(new_id(), "step" if index == 0 else f"step-{index + 1}", "step", inputs=inputs)
        graph.add_node(node)
        nodes.append(node)
    consumed = {b.node for n in nodes for b in n.inputs.values()}
    sinks = [n for n in nodes[1:] if n.id not in consumed][-conditions:] if conditions else []
    parent = None
    for depth, node in enumerate(sinks):
        group = Group(new_id(), "condition", members=[node.id],
                      condition=Comparison(Binding.from_output(nodes[0].id, "Output"), ">", Binding.constant(depth)))
        graph.add_group(group, parent_id=parent)
        parent = group.id
    return graph


def dsl_compile(tasks: int, seed: int = 1) -> None:
    """The same pipeline written the way a kfp user would, compiled by kfp."""
    from kfp import compiler, dsl

    step = dsl.component(_step, base_image="python:3.11-slim")
    rng = random.Random(seed)

    @dsl.pipeline(name="generated")
    def pipeline(start: int = 1):
        made = []
        for index in range(tasks):
            if index == 0:
                task = step(a=start, b=1)
            else:
                task = step(a=rng.choice(made[max(0, index - 20):]).output, b=index)
            made.append(task)

    with tempfile.TemporaryDirectory() as tmp:
        compiler.Compiler().compile(pipeline, str(Path(tmp) / "p.yaml"))


def _step(a: int, b: int) -> int:
    return a + b


def best_of(function, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    from workbench.compiler.compile import compile_graph

    import kfp  # noqa: F401  (load once, outside both timings)

    graph = generated_graph(500)
    ours = best_of(lambda: compile_graph(graph))
    theirs = best_of(lambda: dsl_compile(500))
    print(f"compile 500 tasks: workbench {ours:.2f} s, kfp DSL {theirs:.2f} s, ratio {ours / theirs:.2f}x (goal <= 1.2x)")

    from workbench.compiler.importer import import_ir

    corpus = REPO.parent / "shared" / "corpus" / "kfp-ir"
    if corpus.is_dir():
        largest = max(corpus.glob("*.yaml"), key=lambda p: p.stat().st_size)
        text = largest.read_text()
        print(f"import + layout {largest.name} ({len(text) // 1024} KiB): {best_of(lambda: import_ir(text)) * 1000:.0f} ms")
    sixty = compile_graph(generated_graph(60, conditions=6))
    times = [best_of(lambda: import_ir(sixty), 1) for _ in range(5)]
    print(f"import + layout 60 tasks with nested conditions: median {statistics.median(times) * 1000:.0f} ms (goal < 300 ms)")
    big = compile_graph(graph)
    print(f"import + layout 500 tasks: {best_of(lambda: import_ir(big)) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
