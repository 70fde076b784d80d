"""Round trip of pipelines compiled in the test (see `generated_specs`): import, validate, compile,
and compare with the original (equivalent, and the platform-spec document equal), also through a
saved `.wbp` file and through the Python export."""

from __future__ import annotations

import pytest
import yaml
from generated_specs import GENERATED, KUBERNETES_CALLS, kubernetes_everything
from round_trip_check import assert_exact_round_trip, platform_documents

from workbench.compiler.equivalence import equivalent
from workbench.compiler.export_python import export_python
from workbench.compiler.importer import import_ir
from workbench.compiler.kfp_lock import KFP_LOCK
from workbench.errors import ImportError_
from workbench.model.kubernetes import KNOWN_FIELDS
from workbench.model.validate import validate


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_pipeline_round_trips_exactly(name):
    assert_exact_round_trip(GENERATED[name]())


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_pipeline_exports_to_equivalent_python(name, tmp_path):
    original = GENERATED[name]()
    source = tmp_path / f"exported_{name}.py"
    source.write_text(export_python(import_ir(original).graph))
    with KFP_LOCK:  # run as a user would: a module kfp can read its components' source from
        import importlib.util

        from kfp import compiler

        spec = importlib.util.spec_from_file_location(source.stem, source)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        compiler.Compiler().compile(module.pipeline, str(tmp_path / "p.yaml"))
    exported = (tmp_path / "p.yaml").read_text()
    assert equivalent(original, exported) == []
    assert platform_documents(exported) == platform_documents(original)


def test_the_kubernetes_corpus_uses_every_kfp_kubernetes_function_and_field():
    from kfp import kubernetes
    from kfp.kubernetes import kubernetes_executor_config_pb2 as pb

    assert set(kubernetes.__all__) == set(KUBERNETES_CALLS)
    proto_fields = {f.json_name for f in pb.KubernetesExecutorConfig.DESCRIPTOR.fields}
    assert proto_fields == set(KNOWN_FIELDS)
    platform = platform_documents(kubernetes_everything())[0]["platforms"]["kubernetes"]["deploymentSpec"]["executors"]
    used = {key for config in platform.values() for key in config}
    # podAffinity and enabledSharedMemory have no kfp-kubernetes 2.17 function
    assert used == set(KNOWN_FIELDS) - {"podAffinity", "enabledSharedMemory"}


def test_references_become_bindings_that_follow_the_document():
    graph = import_ir(kubernetes_everything()).graph
    first = graph.node_by_name("show")
    kinds = {path: b.kind for path, b in first.kubernetes.references.items()}
    assert kinds[("secretAsEnv", 1, "secretNameParameter")] == "parameter"
    assert kinds[("secretAsVolume", 0, "secretNameParameter")] == "output"
    assert kinds[("pvcMount", 0)] == kinds[("pvcMount", 0, "pvcNameParameter")] == "output"
    inner = graph.node_by_name("show-3")
    item = inner.kubernetes.references[("configMapAsVolume", 0, "configMapNameParameter")]
    assert item.kind == "loop_item" and graph.groups[item.loop].kind == "loop"
    assert graph.node_by_name("make-name").id in graph.upstream_of(inner.id)
    assert not any(first.after), "a reference's producer is a data dependency, not .after"
    names = {m.mount_path: m.name.describe() for m in first.kubernetes.mounts()}
    assert names["/static"] == "'static-pvc'" and names["/shared"] == "param:pvc_param"


def test_equivalence_sees_kubernetes_changes():
    original = kubernetes_everything()
    assert any("kubernetes" in d for d in equivalent(original, original.replace("mountPath: /scratch",
                                                                                 "mountPath: /scratch2")))
    assert any("references" in d for d in equivalent(
        original, original.replace("componentInputParameter: pvc_param", "componentInputParameter: secret_param")))


def test_removing_a_node_drops_the_references_to_it():
    graph = import_ir(kubernetes_everything()).graph
    graph.remove_node(graph.node_by_name("make-name").id)
    first = graph.node_by_name("show")
    assert ("secretAsVolume", 0, "secretNameParameter") not in first.kubernetes.references
    problems = [d.format(graph) for d in validate(graph)]
    assert "error: node 'show': Kubernetes: secret at secretAsVolume/0 has no name" in problems


def _with_platform(change) -> str:
    spec, platform = list(yaml.safe_load_all(kubernetes_everything()))
    change(platform)
    return yaml.safe_dump(spec) + "---\n" + yaml.safe_dump(platform)


def _executor(platform: dict) -> dict:
    return platform["platforms"]["kubernetes"]["deploymentSpec"]["executors"]["exec-show"]


@pytest.mark.parametrize("change, element", [
    (lambda p: p.update(platforms=["x"]), "platforms: must be a mapping"),
    (lambda p: p["platforms"].update(kubernetes=["x"]), "platforms.kubernetes: must be a mapping"),
    (lambda p: p["platforms"]["kubernetes"].update(deploymentSpec="x"),
     "platforms.kubernetes.deploymentSpec: must be a mapping"),
    (lambda p: p["platforms"]["kubernetes"]["deploymentSpec"]["executors"].update({"exec-show": "x"}),
     "platforms.kubernetes.deploymentSpec.executors.exec-show: must be a mapping"),
])
def test_platform_specs_of_the_wrong_shape_are_refused_naming_the_element(change, element):
    with pytest.raises(ImportError_) as info:
        import_ir(_with_platform(change), path="damaged.yaml")
    assert str(info.value).startswith("damaged.yaml: ") and element in str(info.value)


@pytest.mark.parametrize("change, note", [
    (lambda p: _executor(p).update(hostNetwork=True),
     "task 'show': Kubernetes setting 'hostNetwork' dropped (not in kfp-kubernetes 2.17)"),
    (lambda p: _executor(p)["secretAsEnv"][1].update(secretNameParameter={"componentInputParameter": "nope"}),
     "task 'show': Kubernetes setting secretAsEnv/1/secretNameParameter from DAG input 'nope' is not given"),
    (lambda p: _executor(p)["secretAsEnv"][1].update(secretNameParameter={"taskOutputParameter": "zzz"}),
     "from taskOutputParameter 'zzz' is not a mapping dropped"),
    (lambda p: p["platforms"]["kubernetes"].update(pipelineConfig="x"), "platform spec (kubernetes pipelineConfig)"),
])
def test_damaged_platform_specs_import_with_what_was_dropped_named(change, note):
    result = import_ir(_with_platform(change), path="damaged.yaml")
    assert any(note in u for u in result.unrepresented), result.unrepresented
    assert result.graph.node_by_name("show-2") is not None


def test_a_config_that_names_its_own_task_is_a_cycle_and_a_bad_section_is_refused_by_name():
    def self_reference(platform):
        _executor(platform)["pvcMount"][0]["pvcNameParameter"] = {
            "taskOutputParameter": {"producerTask": "show", "outputParameterKey": "Output"}}

    graph = import_ir(_with_platform(self_reference)).graph
    assert any("dependency cycle: show -> show" in d.format(graph) for d in validate(graph))
    with pytest.raises(ImportError_, match="platforms.kubernetes.deploymentSpec.executors.exec-show.secretAsEnv: "
                                           "must be a list, found a string"):
        import_ir(_with_platform(lambda p: _executor(p).update(secretAsEnv="zz")))  # the engine reads it too
