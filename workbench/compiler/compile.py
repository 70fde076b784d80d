"""Document -> KFP v2 IR YAML through the kfp SDK's own compiler.

plan (pure data) -> DSL replay inside a `@dsl.pipeline` function -> `kfp.compiler.Compiler`, so
the output is what kfp gives for the equivalent DSL pipeline. The one post-step: branches whose
conditions use `or` or compound negation, which the DSL cannot spell, get their CEL trigger
condition written from the document's expression (kfp already wired their operands as inputs).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml

from workbench.compiler.kfp_lock import KFP_LOCK
from workbench.compiler.plan import plan
from workbench.errors import CompileError
from workbench.model.document import PipelineGraph
from workbench.model.validate import validate


def compile_graph(graph: PipelineGraph, *, check: bool = True) -> str:
    """The IR YAML text. With `check`, validation errors stop the compile with the first one."""
    if check:
        errors = [d for d in validate(graph) if d.severity == "error"]
        if errors:
            more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
            raise CompileError(errors[0].format(graph).removeprefix("error: ") + more)
    steps = plan(graph)
    with KFP_LOCK:
        from kfp import compiler

        from workbench.compiler.replay import Replay

        replay = Replay(graph, steps)
        with tempfile.TemporaryDirectory(prefix="wb-compile-") as tmp:
            out = Path(tmp) / "pipeline.yaml"
            try:
                lone = lone_component(graph)
                if lone:
                    replay.write_component_pipeline(lone, out)
                else:
                    compiler.Compiler().compile(replay.pipeline_function(), str(out))
            except CompileError:
                raise
            except Exception as exc:  # kfp reports user mistakes as ValueError, TypeError, ...
                raise CompileError(f"kfp rejected the pipeline: {exc}", element=graph.name) from exc
            text = out.read_text(encoding="utf-8")
        rewrites = replay.conditions_cel()
    return _rewrite_conditions(text, rewrites) if rewrites else text


def lone_component(graph: PipelineGraph) -> str | None:
    """The component key of a document that is one component compiled on its own, as kfp compiles
    `Compiler().compile(component)`: a pipeline whose inputs are the component's, passed straight
    through, with a PipelineTaskFinalStatus among them (which no `@dsl.pipeline` function can pass
    to a task). Such a document compiles as its component; any other gets None."""
    from workbench.components.spec import k8s_name
    from workbench.model.bindings import Binding
    from workbench.model.document import TaskOptions
    from workbench.model.types import TASK_FINAL_STATUS

    if len(graph.nodes) != 1 or graph.groups or graph.workspace:
        return None
    node = next(iter(graph.nodes.values()))
    spec = graph.components[node.component]
    ports = {port.name: port for port in spec.inputs}
    passed_through = set(ports) == set(graph.parameters) == set(node.inputs) and all(
        binding.kind == "parameter" and binding.parameter == name and graph.parameters[name].type == ports[name].type
        for name, binding in node.inputs.items())
    plain = (node.options == TaskOptions() and not node.after and not node.display_name and node.kubernetes is None
             and node.name == k8s_name(spec.name) and graph.name == spec.name and spec.kind == "container")
    final_status = any(port.type == TASK_FINAL_STATUS for port in ports.values())
    returned = graph.outputs == {port.name: Binding.from_output(node.id, port.name) for port in spec.outputs}
    plain = plain and returned and not graph.pipeline_root
    return node.component if passed_through and plain and final_status else None


def _rewrite_conditions(text: str, rewrites: dict[str, str]) -> str:
    documents = list(yaml.safe_load_all(text))
    spec = documents[0]
    dags = [spec["root"].get("dag", {})] + [c.get("dag", {}) for c in spec.get("components", {}).values()]
    for dag in dags:
        for task_name, task in dag.get("tasks", {}).items():
            if task_name in rewrites:
                task.setdefault("triggerPolicy", {})["condition"] = rewrites[task_name]
    return yaml.safe_dump_all(documents, sort_keys=True)
