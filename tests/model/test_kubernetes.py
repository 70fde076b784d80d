"""Kubernetes settings in the document: validation messages, .wbp save / load, hostile files,
compiling through kfp-kubernetes; pipeline input artifacts and resources from values."""

from __future__ import annotations

import json

import pytest
import yaml
from helpers import MODEL_SOURCE, component, simple_graph

from workbench.compiler.compile import compile_graph
from workbench.errors import CompileError, DocumentError
from workbench.model.bindings import Binding
from workbench.model.document import Node, Parameter, new_id
from workbench.model.kubernetes import KubernetesConfig, join_references, split_references
from workbench.model.serialize import loads, to_json
from workbench.model.validate import validate


def messages(graph):
    return [d.format(graph) for d in validate(graph) if d.severity == "error"]


def with_kubernetes(config: dict, references: dict | None = None):
    graph, nodes = simple_graph()
    graph.update_node(nodes["second"].id, kubernetes=KubernetesConfig(config, references or {}))
    return graph, nodes


def platform_of(text: str) -> dict:
    documents = list(yaml.safe_load_all(text))
    return documents[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"] if len(documents) > 1 else {}


def test_mount_paths_must_be_absolute_and_distinct():
    graph, _ = with_kubernetes({
        "secretAsVolume": [{"secretName": "db", "mountPath": "data", "secretNameParameter": {
            "runtimeValue": {"constant": "db"}}}],
        "pvcMount": [{"constant": "work", "mountPath": "/work/", "pvcNameParameter": {
            "runtimeValue": {"constant": "work"}}}],
        "emptyDirMounts": [{"volumeName": "scratch", "mountPath": "/work"}],
    })
    assert messages(graph) == [
        "error: node 'echo-2': Kubernetes: secret mount 'data': the mount path must be absolute (start with /)",
        "error: node 'echo-2': Kubernetes: emptyDir volume mount '/work': the path is already used by a PVC mount",
    ]


def test_names_must_be_dns_1123():
    graph, _ = with_kubernetes({
        "secretAsEnv": [{"secretName": "Bad_Name", "keyToEnv": [{"secretKey": "a", "envVar": "A"}]}],
        "configMapAsVolume": [{"configMapName": "x" * 254, "mountPath": "/cm"}],
        "emptyDirMounts": [{"volumeName": "has.dot", "mountPath": "/scratch"}],
        "imagePullSecret": [{"secretName": "fine-name.io"}],
    })
    found = messages(graph)
    assert len(found) == 3
    assert "error: node 'echo-2': Kubernetes: secret name 'Bad_Name' must be a DNS-1123 name" in found[2]
    assert "config map name 'xxxx" in found[1]
    assert "volume name 'has.dot' must be a DNS-1123 label" in found[0]


def test_references_are_checked_like_bindings_and_count_as_dependencies():
    graph, nodes = with_kubernetes({"secretAsEnv": [{"keyToEnv": [{"secretKey": "a", "envVar": "A"}],
                                                     "secretNameParameter": {}}]},
                                   {("secretAsEnv", 0, "secretNameParameter"): Binding.param("nope")})
    assert messages(graph) == ["error: node 'echo-2': Kubernetes: secretAsEnv/0/secretNameParameter "
                               "pipeline parameter 'nope' does not exist"]
    third = Node(new_id(), "echo-3", "echo", inputs={"msg": Binding.constant("x")},
                 kubernetes=KubernetesConfig({"pvcMount": [{"mountPath": "/d", "pvcNameParameter": {}}]},
                                             {("pvcMount", 0, "pvcNameParameter"):
                                              Binding.from_output(nodes["second"].id, "Output")}))
    graph.add_node(third)
    assert nodes["second"].id in graph.upstream_of(third.id)


def test_compiles_through_kfp_kubernetes_with_references_and_survives_the_file():
    graph, nodes = with_kubernetes({
        "secretAsEnv": [{"keyToEnv": [{"secretKey": "pw", "envVar": "PW"}], "optional": False,
                         "secretNameParameter": {}}],
        "pvcMount": [{"mountPath": "/data", "pvcNameParameter": {}}],
        "activeDeadlineSeconds": "30",
        "podMetadata": {"labels": {"app.kubernetes.io/name": "x"}},
    }, {("secretAsEnv", 0, "secretNameParameter"): Binding.param("greeting")})
    second = nodes["second"]
    second.kubernetes.references[("pvcMount", 0, "pvcNameParameter")] = Binding.from_output(nodes["first"].id,
                                                                                             "Output")
    loaded = loads(to_json(graph))
    assert loaded.nodes[second.id].kubernetes == second.kubernetes
    executors = platform_of(compile_graph(loaded))
    assert executors == {"exec-echo-2": {
        "activeDeadlineSeconds": "30",
        "podMetadata": {"labels": {"app.kubernetes.io/name": "x"}},
        "pvcMount": [{"mountPath": "/data", "pvcNameParameter": {"taskOutputParameter": {
            "outputParameterKey": "Output", "producerTask": "echo"}}}],
        "secretAsEnv": [{"keyToEnv": [{"envVar": "PW", "secretKey": "pw"}], "optional": False,
                         "secretNameParameter": {"componentInputParameter": "greeting"}}]}}


def test_a_config_kfp_kubernetes_rejects_is_a_compile_error_naming_the_task():
    graph, _ = with_kubernetes({"tolerations": [{"tolerationSeconds": "soon"}]})
    with pytest.raises(CompileError) as info:
        compile_graph(graph)
    assert "node echo-2" in str(info.value) and "not valid for kfp-kubernetes" in str(info.value)


@pytest.mark.parametrize("kubernetes, fragment", [
    ({"config": {"hostNetwork": True}}, "unknown Kubernetes setting 'hostNetwork'"),
    ({"config": []}, "kubernetes.config: must be an object"),
    ({"config": {}, "references": [{"path": [], "binding": {"kind": "constant"}}]}, "must be a list of keys"),
    ({"config": {}, "references": [{"path": ["a", True], "binding": {"kind": "constant"}}]}, "must be a list"),
    ({"config": {}, "references": [{"path": ["a"], "binding": {"kind": "rm -rf"}}]}, "binding.kind: must be one of"),
    ({"config": {}, "references": [{"path": ["a"]}]}, "binding: is missing `kind`"),
    ({"config": {}, "references": [{"path": ["a"], "binding": {"kind": "output", "node": "ghost",
                                                                "output": "x"}}]}, "missing node 'ghost'"),
])
def test_hostile_kubernetes_entries_name_the_node(kubernetes, fragment):
    graph, nodes = simple_graph()
    data = json.loads(to_json(graph))
    data["nodes"][nodes["second"].id]["kubernetes"] = kubernetes
    with pytest.raises(DocumentError) as info:
        loads(json.dumps(data), path="p.wbp")
    assert fragment in str(info.value) and "echo-2" in str(info.value) and "p.wbp" in str(info.value)


def test_version_2_documents_load_as_version_3():
    graph, _ = simple_graph()
    data = json.loads(to_json(graph))
    data["schema_version"] = 2
    assert json.loads(to_json(loads(json.dumps(data))))["schema_version"] == 3


def test_split_and_join_are_inverse_and_leave_constants():
    config = {"pvcMount": [{"componentInputParameter": "p", "mountPath": "/d",
                            "pvcNameParameter": {"componentInputParameter": "p"}}],
              "secretAsVolume": [{"secretNameParameter": {"runtimeValue": {"constant": "s"}}, "mountPath": "/s"}]}
    bare, references = split_references(config)
    assert set(references) == {("pvcMount", 0), ("pvcMount", 0, "pvcNameParameter")}
    assert bare["secretAsVolume"] == config["secretAsVolume"]
    assert join_references(bare, references) == config
    with pytest.raises(KeyError):
        join_references(bare, {("pvcMount", 5): {"componentInputParameter": "p"}})


def test_pipeline_input_artifact_and_unconnected_optional_artifact_compile():
    graph, nodes = simple_graph()
    graph.set_parameter(Parameter("model", "system.Model", description="a trained model"))
    graph.add_component("use_model", component(MODEL_SOURCE))
    graph.add_node(Node(new_id(), "use-model", "use_model", inputs={"model": Binding.param("model")}))
    assert messages(graph) == []
    root = yaml.safe_load(compile_graph(graph))["root"]
    assert root["inputDefinitions"]["artifacts"]["model"]["artifactType"]["schemaTitle"] == "system.Model"
    task = root["dag"]["tasks"]["use-model"]
    assert task["inputs"]["artifacts"]["model"] == {"componentInputArtifact": "model"}
    graph.set_parameter(Parameter("model", "String", "x"))
    assert any("expects system.Model, but param:model gives String" in m for m in messages(graph))


def test_resources_from_a_parameter_compile_as_placeholders():
    graph, nodes = simple_graph()
    graph.set_parameter(Parameter("cpu", "String", "2"))
    nodes["second"].options.bound["cpu_limit"] = Binding.param("cpu")
    nodes["second"].options.bound["memory_limit"] = Binding.from_output(nodes["first"].id, "Output")
    loaded = loads(to_json(graph))
    spec = yaml.safe_load(compile_graph(loaded))
    resources = spec["deploymentSpec"]["executors"]["exec-echo-2"]["container"]["resources"]
    assert resources["resourceCpuLimit"] == "{{$.inputs.parameters['pipelinechannel--cpu']}}"
    assert resources["resourceMemoryLimit"] == "{{$.inputs.parameters['pipelinechannel--echo-Output']}}"
    loaded.nodes[nodes["second"].id].options.bound["cpu_limit"] = Binding.param("ghost")
    assert "error: node 'echo-2': setting 'cpu_limit' pipeline parameter 'ghost' does not exist" in messages(loaded)


def test_copy_paste_carries_kubernetes_settings_and_bound_values_to_the_copies():
    from workbench.gui.clipboard import fragment_text, fragment_to_graph_parts, parse_fragment

    graph, nodes = with_kubernetes({"secretAsVolume": [{"mountPath": "/s", "secretNameParameter": {}}],
                                    "pvcMount": [{"mountPath": "/d", "pvcNameParameter": {}}]},
                                   {("secretAsVolume", 0, "secretNameParameter"): Binding.param("greeting")})
    first, second = nodes["first"], nodes["second"]
    second.kubernetes.references[("pvcMount", 0, "pvcNameParameter")] = Binding.from_output(first.id, "Output")
    second.options.bound["cpu_limit"] = Binding.from_output(first.id, "Output")
    fragment = parse_fragment(fragment_text(graph, [first.id, second.id]))
    _, pasted = fragment_to_graph_parts(fragment, graph, (10, 10))
    copy_first, copy_second = pasted
    assert copy_second.kubernetes.config == second.kubernetes.config
    assert copy_second.kubernetes.references[("pvcMount", 0, "pvcNameParameter")].node == copy_first.id
    assert copy_second.options.bound["cpu_limit"].node == copy_first.id
    alone = parse_fragment(fragment_text(graph, [second.id]))  # its producer stays behind
    other, _ = simple_graph()
    other.remove_parameter("greeting")
    _, (copy,) = fragment_to_graph_parts(alone, other, (0, 0))
    assert copy.kubernetes.references == {} and copy.options.bound == {}
    other.add_node(copy)
    assert loads(to_json(other)).nodes[copy.id].kubernetes.config == second.kubernetes.config


def test_undoing_a_delete_restores_settings_and_outputs_bound_to_the_task():
    from workbench.gui.commands import RemoveNode

    graph, nodes = with_kubernetes({"pvcMount": [{"mountPath": "/d", "pvcNameParameter": {}}]})
    first, second = nodes["first"], nodes["second"]
    second.kubernetes.references[("pvcMount", 0, "pvcNameParameter")] = Binding.from_output(first.id, "Output")
    second.options.bound["memory_limit"] = Binding.from_output(first.id, "Output")
    graph.set_outputs({"Output": Binding.from_output(first.id, "Output")}, "gs://b/root")
    before = to_json(graph)
    command = RemoveNode(graph, first.id)
    command.redo()
    assert second.options.bound == {} and graph.outputs == {}
    command.undo()
    assert to_json(graph) == before
