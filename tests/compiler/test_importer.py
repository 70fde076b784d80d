"""The importer on specific corpus pipelines (structure), on settings, and on bad input."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import yaml

from workbench.compiler.importer import import_ir
from workbench.errors import ImportError_
from workbench.model.bindings import Binding
from workbench.model.expressions import Comparison


def load(corpus_dir, name):
    path = corpus_dir / f"{name}.yaml"
    return import_ir(path.read_text(), path=str(path))


def node(graph, name):
    found = graph.node_by_name(name)
    assert found is not None, f"no node {name!r} in {sorted(n.name for n in graph.nodes.values())}"
    return found


def group_of(graph, name):
    return graph.groups[graph.parent_of(node(graph, name).id)]


def test_flip_coin_nests_conditions_on_upstream_outputs(corpus_dir):
    result = load(corpus_dir, "flip_coin")
    graph = result.graph
    assert len(graph.nodes) == 7 and len(graph.groups) == 6
    inner = group_of(graph, "print-msg")
    outer = graph.groups[graph.parent_of(inner.id)]
    assert inner.kind == outer.kind == "condition" and graph.parent_of(outer.id) is None
    assert inner.condition == Comparison(Binding.from_output(node(graph, "random-num").id, "Output"), ">",
                                         Binding.constant(5))
    assert outer.condition == Comparison(Binding.from_output(node(graph, "flip-coin").id, "Output"), "==",
                                         Binding.constant("heads"))
    assert node(graph, "random-num").inputs["high"] == Binding.constant(9)
    assert isinstance(node(graph, "random-num").inputs["high"].value, int)
    # the f-string message becomes a template over the upstream output it reads
    message = node(graph, "print-msg").inputs["msg"]
    assert message.kind == "template" and "{0}" in message.value
    assert message.parts == (Binding.from_output(node(graph, "random-num").id, "Output"),)
    assert not any("print-msg" in u for u in result.unrepresented)


def test_loops_and_conditions_resolve_items_fields_and_nesting(corpus_dir):
    graph = load(corpus_dir, "pipeline_with_loops_and_conditions").graph
    outer_loop = group_of(graph, "print-text-9")
    assert outer_loop.kind == "loop" and outer_loop.items.kind == "loop_item" and outer_loop.items.field == "B_b"
    condition = graph.groups[graph.parent_of(outer_loop.id)]
    top_loop = graph.groups[graph.parent_of(condition.id)]
    assert outer_loop.items.loop == top_loop.id and top_loop.items == Binding.param("loop_parameter")
    assert condition.condition == Comparison(Binding.loop_item(top_loop.id, "A_a"), "==", Binding.constant("heads"))
    struct_loop = group_of(graph, "print-struct")
    assert struct_loop.items == Binding.constant([{"a": "-1"}, {"a": "-2"}])
    assert node(graph, "print-struct").inputs["struct"] == Binding.loop_item(struct_loop.id)
    text6 = node(graph, "print-text-6")
    assert text6.inputs["msg2"] == Binding.loop_item(group_of(graph, "print-text-6").id, "A_a")


def test_if_elif_else_chain_recovers_each_branch_condition(corpus_dir):
    result = load(corpus_dir, "if_elif_else_complex")
    graph = result.graph
    number = Binding.from_output(node(graph, "int-0-to-9999").id, "Output")
    first = group_of(graph, "is-even-or-odd")
    second = group_of(graph, "is-even-or-odd-2")
    third = group_of(graph, "print-and-return-8")
    assert first.condition == Comparison(number, "<", Binding.constant(5000)) and first.follows is None
    assert second.condition == Comparison(number, ">", Binding.constant(5000)) and second.follows == first.id
    assert third.condition is None and third.follows == second.id
    assert {graph.parent_of(g.id) for g in (first, second, third)} == {group_of(graph, "int-0-to-9999").id}
    even = group_of(graph, "print-and-return-2")
    odd = group_of(graph, "print-and-return-3")
    assert odd.follows == even.id and odd.condition is None
    one_of = node(graph, "print-and-return-4").inputs["text"]
    assert one_of.kind == "one_of"
    assert [graph.nodes[p.node].name for p in one_of.parts] == ["print-and-return-2", "print-and-return-3"]
    assert not any("OneOf" in u for u in result.unrepresented)
    ints = node(graph, "print-ints").inputs["ints"]
    assert ints == Binding.collected(node(graph, "int-0-to-9999").id, "Output")


def test_collected_parameters_keeps_the_sub_pipeline_whole(corpus_dir):
    graph = load(corpus_dir, "collected_parameters").graph
    assert sorted(n.name for n in graph.nodes.values()) == ["collecting-parameters", "consume-ids"]
    sub = graph.component_of(node(graph, "collecting-parameters").id)
    assert sub.kind == "pipeline"
    ir = sub.implementation["graph"]
    assert set(ir) >= {"components", "deploymentSpec", "pipelineInfo", "root", "schemaVersion"}
    assert set(ir["root"]["dag"]["tasks"]) == {"consume-ids", "for-loop-1", "split-ids"}
    assert set(ir["components"]) == {"comp-consume-ids", "comp-consume-single-id", "comp-for-loop-1",
                                     "comp-prepend-id", "comp-split-ids"}
    assert set(ir["deploymentSpec"]["executors"]) == {f"exec-{n}" for n in
                                                      ("consume-ids", "consume-single-id", "prepend-id", "split-ids")}
    assert node(graph, "consume-ids").inputs["ids"] == Binding.from_output(node(graph, "collecting-parameters").id,
                                                                           "Output")
    assert sub.to_ir_text().startswith("components:")


def test_collected_loop_output(corpus_dir):
    graph = load(corpus_dir, "parameters_simple").graph
    assert node(graph, "add").inputs["nums"] == Binding.collected(node(graph, "double").id, "Output")
    assert group_of(graph, "double").items == Binding.constant([1, 2, 3])


def test_exit_handler_with_final_status(corpus_dir):
    graph = load(corpus_dir, "pipeline_with_input_status_state").graph
    handler = group_of(graph, "some-task")
    exit_node = node(graph, "echo-state")
    assert handler.kind == "exit_handler" and handler.exit_node == exit_node.id
    assert graph.parent_of(exit_node.id) is None
    assert exit_node.inputs["status"] == Binding.final_status()
    assert not exit_node.options.ignore_upstream_failure and exit_node.after == []


def test_parallelism_after_and_task_options(corpus_dir):
    graph = load(corpus_dir, "pipeline_with_parallelfor_parallelism").graph
    assert {g.parallelism for g in graph.groups.values()} >= {2}
    after = load(corpus_dir, "pipeline_with_after").graph
    assert sorted(after.nodes[d].name for d in node(after, "print-text-3").after) == ["print-text", "print-text-2"]
    retry = node(load(corpus_dir, "pipeline_with_retry").graph, "add").options.retry
    assert (retry.count, retry.backoff_duration, retry.backoff_factor, retry.backoff_max_duration) == \
        (3, "0s", 2.0, "3600s")
    env_graph = load(corpus_dir, "pipeline_with_env").graph
    assert node(env_graph, "print-env-op").options.env == {"ENV1": "val1"}
    assert all("env" not in spec.container for spec in env_graph.components.values())


def test_after_a_loop_points_at_its_last_tasks(corpus_dir):
    graph = load(corpus_dir, "parallel_for_after_dependency").graph
    for consumer in graph.nodes.values():
        for upstream in consumer.after:
            assert graph.parent_of(upstream) is not None  # tasks inside the loop it waited for


def test_importer_tasks_platform_spec_and_input_artifacts_are_kept(corpus_dir):
    graph = load(corpus_dir, "pipeline_with_importer_and_gcpc_types").graph
    assert "importer" in {spec.kind for spec in graph.components.values()}
    result = load(corpus_dir, "pipeline_with_volume")
    assert result.unrepresented == []
    producer = result.graph.node_by_name("producer")
    assert [m.mount_path for m in producer.kubernetes.mounts()] == ["/data"]
    various = load(corpus_dir, "pipeline_with_various_io_types")
    assert various.unrepresented == []
    assert various.graph.parameters["input3"].type == "system.Artifact"
    upstream = various.graph.node_by_name("upstream")
    assert upstream.inputs["input_3"].kind == "parameter" and upstream.inputs["input_3"].parameter == "input3"


RESOURCES_IR = textwrap.dedent("""\
    components:
      comp-a: {executorLabel: exec-a}
      comp-b: {executorLabel: exec-b}
    deploymentSpec:
      executors:
        exec-a:
          container:
            image: python:3.11
            command: [python]
            resources: {cpuLimit: 2.0, memoryLimit: 4.0, cpuRequest: 0.5,
                        accelerator: {type: NVIDIA_TESLA_T4, count: '1'}}
        exec-b:
          container:
            image: python:3.11
            resources: {resourceCpuLimit: 500m, resourceMemoryRequest: 1Gi,
                        accelerator: {resourceType: nvidia.com/gpu, resourceCount: '2'}}
    pipelineInfo: {name: resources}
    root:
      dag:
        tasks:
          a: {componentRef: {name: comp-a}, taskInfo: {name: First A}, cachingOptions: {enableCache: true}}
          b: {componentRef: {name: comp-b}, taskInfo: {name: b}, dependentTasks: [a],
              triggerPolicy: {strategy: ALL_UPSTREAM_TASKS_COMPLETED}}
    schemaVersion: 2.1.0
    """)


def test_resources_both_forms_caching_display_name_and_upstream_failure():
    graph = import_ir(RESOURCES_IR).graph
    a, b = node(graph, "a"), node(graph, "b")
    ra, rb = a.options.resources, b.options.resources
    assert (ra.cpu_limit, ra.memory_limit, ra.cpu_request, ra.accelerator_type, ra.accelerator_count) == \
        ("2", "4G", "0.5", "NVIDIA_TESLA_T4", 1)
    assert (rb.cpu_limit, rb.memory_request, rb.accelerator_type, rb.accelerator_count) == \
        ("500m", "1Gi", "nvidia.com/gpu", 2)
    assert a.display_name == "First A" and b.display_name == ""
    assert a.options.caching and not b.options.caching
    assert b.options.ignore_upstream_failure and b.after == [a.id]
    assert "resources" not in graph.components["comp-a"].container


@pytest.mark.parametrize("text, message, element", [
    ("root: [unclosed", "not valid YAML", None),
    ("- just\n- a list\n", "not a compiled KFP pipeline spec", None),
    ("name: a component\nimplementation: {}\n", "not a compiled KFP pipeline spec", None),
    (RESOURCES_IR + "surprise: 1\n", "unknown top-level field 'surprise'", "surprise"),
    (RESOURCES_IR.replace("name: comp-b}", "name: comp-missing}"), "comp-missing", "task 'b'"),
    (RESOURCES_IR.replace("exec-b:\n      container", "exec-z:\n      container"), "exec-b", "task 'b'"),
    (RESOURCES_IR + "---\nplatforms: {}\n---\nplatforms: {}\n", "at most a platform spec", None),
    (RESOURCES_IR + "---\nsomething: {}\n", "not a platform spec", "platforms"),
    (RESOURCES_IR.replace("image: python:3.11\n        command", "command"), "no container image",
     "component 'comp-a'"),
], ids=["malformed", "list", "component", "unknown-field", "missing-component", "missing-executor",
        "three-documents", "bad-second-document", "no-image"])
def test_bad_input_names_file_and_element(text, message, element):
    with pytest.raises(ImportError_) as caught:
        import_ir(text, path="bad.yaml")
    error = caught.value
    assert message in str(error) and error.path == "bad.yaml" and str(error).startswith("bad.yaml")
    assert error.element == element


def test_bad_condition_names_the_group(corpus_dir):
    spec = yaml.safe_load((corpus_dir / "pipeline_with_condition.yaml").read_text())
    task = next(t for t in spec["root"]["dag"]["tasks"].values() if "triggerPolicy" in t)
    task["triggerPolicy"]["condition"] = "size(inputs.parameter_values['x']) > 1"
    with pytest.raises(ImportError_, match="not in the CEL kfp writes") as caught:
        import_ir(yaml.safe_dump(spec), path="c.yaml")
    assert caught.value.element.startswith("task 'condition-")


def test_import_loads_no_kfp(corpus_dir):
    code = (f"import sys; from workbench.compiler.importer import import_ir; "
            f"import_ir(open({str(corpus_dir / 'flip_coin.yaml')!r}).read()); "
            f"assert 'kfp' not in sys.modules and 'PySide6' not in sys.modules, 'heavy import'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_nested_sub_pipelines_carry_everything_they_reach(corpus_dir):
    graph = load(corpus_dir, "artifact_crust").graph
    mantle = next(s for s in graph.components.values() if s.kind == "pipeline")
    ir = mantle.implementation["graph"]
    assert "comp-core" in ir["components"] and "dag" in ir["components"]["comp-core"]
    reached = {c.get("executorLabel") for c in ir["components"].values()} - {None}
    assert reached == set(ir["deploymentSpec"]["executors"])
    loops = load(corpus_dir, "pipeline_producer_consumer").graph
    subs = [s.implementation["graph"] for s in loops.components.values() if s.kind == "pipeline"]
    assert any("comp-for-loop-2-2" in sub["components"] for sub in subs)


@pytest.mark.parametrize("example, names", [
    ("train_compare_deploy", {"score reaches threshold", "below threshold"}),
    ("sharded_processing", {"always clean up", "shards"}),
])
def test_frame_names_travel_through_the_ir_and_back(example, names):
    """A frame's name is the group task's taskInfo.name, so run views of a past run and an
    imported pipeline name its loops and branches as the editor did."""
    from pathlib import Path

    from workbench.compiler.compile import compile_graph
    from workbench.model.serialize import load as load_document

    graph = load_document(Path(__file__).resolve().parents[2] / "pipelines" / f"{example}.wbp")
    ir = compile_graph(graph)
    assert {g.name for g in import_ir(ir).graph.groups.values()} == names
