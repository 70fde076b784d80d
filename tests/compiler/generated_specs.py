"""Pipelines compiled by the real kfp compiler (and kfp-kubernetes) inside the tests: every
kfp-kubernetes function, optional inputs, pipeline input artifacts, an importer with metadata from
upstream outputs, resources from parameters. `GENERATED` maps a name to a function returning the IR
text; `KUBERNETES_CALLS` lists the kfp-kubernetes functions the Kubernetes pipeline uses.
"""

# no `from __future__ import annotations`: kfp reads the component annotations as types

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Optional

KUBERNETES_CALLS = (
    "CreatePVC", "DeletePVC", "add_ephemeral_volume", "add_node_affinity", "add_node_affinity_json",
    "add_node_selector", "add_node_selector_json", "add_pod_annotation", "add_pod_label", "add_toleration",
    "add_toleration_json", "empty_dir_mount", "mount_pvc", "set_image_pull_policy", "set_image_pull_secrets",
    "set_security_context", "set_timeout", "use_config_map_as_env", "use_config_map_as_volume",
    "use_field_path_as_env", "use_secret_as_env", "use_secret_as_volume",
)


def _compiled(pipeline) -> str:
    from kfp import compiler

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "p.yaml"
        compiler.Compiler().compile(pipeline, str(out))
        return out.read_text()


def _components():
    from kfp import dsl
    from kfp.dsl import Artifact, Dataset, Input, Model, Output

    @dsl.component(base_image="python:3.11")
    def make_name(prefix: str = "secret") -> str:
        return prefix + "-a"

    @dsl.component(base_image="python:3.11")
    def show(text: str = "hello") -> str:
        print(text)
        return text

    @dsl.component(base_image="python:3.11")
    def train(data: Input[Dataset], model: Output[Model], base: Optional[Input[Model]] = None,
              note: Optional[str] = None, epochs: int = 3, rate: float = 0.1, tags: Optional[list] = None):
        model.metadata["epochs"] = epochs

    @dsl.component(base_image="python:3.11")
    def produce(data: Output[Dataset]):
        open(data.path, "w").write("1")

    @dsl.component(base_image="python:3.11")
    def inspect(artifact: Input[Artifact], label: str = ""):
        print(artifact.uri, label)

    return make_name, show, train, produce, inspect


@lru_cache(maxsize=None)
def kubernetes_everything() -> str:
    """Every kfp-kubernetes function, with names from constants, parameters, upstream outputs and
    loop items, at the top level and inside a loop in a condition."""
    from kfp import dsl, kubernetes

    make_name, show, *_ = _components()

    @dsl.pipeline(name="kubernetes-everything")
    def pipeline(secret_param: str = "db-secret", pvc_param: str = "shared-data", pull_secret: str = "registry",
                 tolerations: list = [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}],
                 selector: dict = {"disk": "ssd"}, names: list = ["cm-a", "cm-b"]):
        name = make_name()
        pvc = kubernetes.CreatePVC(pvc_name_suffix="-work", access_modes=["ReadWriteOnce"], size="1Gi",
                                   storage_class_name="standard", annotations={"team": "ml"})
        first = show(text="one")
        kubernetes.use_secret_as_env(first, secret_name="fixed-secret", secret_key_to_env={"user": "USER"})
        kubernetes.use_secret_as_env(first, secret_name=secret_param, secret_key_to_env={"password": "PW"},
                                     optional=True)
        kubernetes.use_secret_as_volume(first, secret_name=name.output, mount_path="/mnt/secret")
        kubernetes.use_config_map_as_env(first, config_map_name="settings", config_map_key_to_env={"a": "A"})
        kubernetes.use_config_map_as_volume(first, config_map_name="settings", mount_path="/mnt/config",
                                            optional=True)
        kubernetes.mount_pvc(first, pvc_name=pvc.outputs["name"], mount_path="/data")
        kubernetes.mount_pvc(first, pvc_name=pvc_param, mount_path="/shared", sub_path="part")
        kubernetes.mount_pvc(first, pvc_name="static-pvc", mount_path="/static")
        kubernetes.empty_dir_mount(first, volume_name="scratch", mount_path="/scratch", medium="Memory",
                                   size_limit="64Mi")
        kubernetes.add_ephemeral_volume(first, volume_name="eph", mount_path="/eph", access_modes=["ReadWriteOnce"],
                                        size="5Gi", storage_class_name="fast", labels={"a": "b"},
                                        annotations={"c": "d"})
        kubernetes.use_field_path_as_env(first, env_name="POD_NAME", field_path="metadata.name")
        kubernetes.set_image_pull_secrets(first, ["registry-a", pull_secret])
        kubernetes.set_image_pull_policy(first, "IfNotPresent")
        kubernetes.add_node_selector(first, "pool", "cpu")
        kubernetes.add_node_affinity(first, match_expressions=[{"key": "zone", "operator": "In",
                                                                "values": ["a", "b"]}], weight=10)
        kubernetes.add_toleration(first, key="spot", operator="Equal", value="true", effect="NoExecute",
                                  toleration_seconds=60)
        kubernetes.set_security_context(first, run_as_user=1000, run_as_group=100, run_as_non_root=True)
        kubernetes.set_timeout(first, 300)
        kubernetes.add_pod_label(first, "app", "trainer")
        kubernetes.add_pod_annotation(first, "owner", "team-ml")
        second = show(text="two")
        kubernetes.add_node_selector_json(second, selector)
        kubernetes.add_toleration_json(second, tolerations)
        kubernetes.add_node_affinity_json(second, {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}]}})
        with dsl.ParallelFor(names) as item:
            with dsl.If(secret_param != ""):
                inner = show(text=item)
                kubernetes.use_config_map_as_volume(inner, config_map_name=item, mount_path="/mnt/item")
                kubernetes.use_secret_as_env(inner, secret_name=secret_param, secret_key_to_env={"k": "K"})
                kubernetes.use_secret_as_volume(inner, secret_name=name.output, mount_path="/mnt/outer")
                kubernetes.mount_pvc(inner, pvc_name=pvc.outputs["name"], mount_path="/data")
        kubernetes.DeletePVC(pvc_name=pvc.outputs["name"]).after(first, inner)

    return _compiled(pipeline)


@lru_cache(maxsize=None)
def optional_inputs() -> str:
    """Optional parameters and artifacts, with and without defaults, left unset or set."""
    from kfp import dsl

    _, show, train, produce, _ = _components()

    @dsl.pipeline(name="optional-inputs")
    def pipeline(note: Optional[str] = None, epochs: int = 5, tags: Optional[list] = None):
        data = produce()
        train(data=data.outputs["data"])
        second = train(data=data.outputs["data"], note=note, epochs=epochs, tags=tags)
        train(data=data.outputs["data"], base=second.outputs["model"], rate=0.5)
        show()

    return _compiled(pipeline)


@lru_cache(maxsize=None)
def pipeline_input_artifacts() -> str:
    """Pipeline inputs of artifact type, required and optional, fed to tasks and a loop."""
    from kfp import dsl
    from kfp.dsl import Dataset, Input, Model

    _, _, train, _, inspect = _components()

    @dsl.pipeline(name="pipeline-input-artifacts")
    def pipeline(data: Input[Dataset], base: Input[Model] = None, label: str = "x"):
        train(data=data, base=base)
        with dsl.If(label == "x"):
            inspect(artifact=data, label=label)

    return _compiled(pipeline)


@lru_cache(maxsize=None)
def importer_dynamic_metadata() -> str:
    """An importer whose URI and metadata come from upstream outputs and a parameter."""
    from kfp import dsl
    from kfp.dsl import Dataset

    make_name, show, _, _, inspect = _components()

    @dsl.pipeline(name="importer-dynamic-metadata")
    def pipeline(owner: str = "me"):
        uri = make_name(prefix="gs://bucket/data")
        version = show(text="v2")
        imported = dsl.importer(artifact_uri=uri.output, artifact_class=Dataset, reimport=True,
                                metadata={"version": version.output, "owner": owner, "fixed": 1,
                                          "note": f"made by {owner}"})
        inspect(artifact=imported.output)

    return _compiled(pipeline)


@lru_cache(maxsize=None)
def resources_from_values() -> str:
    """CPU, memory and accelerator given as strings, pipeline parameters and upstream outputs."""
    from kfp import dsl

    make_name, show, *_ = _components()

    @dsl.pipeline(name="resources-from-values")
    def pipeline(cpu: str = "500m", accelerator: str = "NVIDIA_TESLA_T4", count: str = "1"):
        memory = make_name(prefix="2")
        task = show(text="sized")
        task.set_cpu_limit(cpu).set_cpu_request("250m").set_memory_limit(memory.output).set_memory_request("1G")
        task.set_accelerator_type(accelerator).set_accelerator_limit(count)
        fixed = show(text="fixed")
        fixed.set_accelerator_type("TPU_V3").set_accelerator_limit("8")

    return _compiled(pipeline)


@lru_cache(maxsize=None)
def outputs_root_and_task_settings() -> str:
    """Pipeline outputs (a value, an artifact, Collected, a OneOf), a pipeline root, a cache key,
    an image from a parameter and from a constant, a GPU limit and the debug pause."""
    from typing import NamedTuple

    from kfp import dsl
    from kfp.dsl import Dataset

    make_name, show, _, produce, _ = _components()
    Outputs = NamedTuple("Outputs", text=str, data=Dataset, texts=list, pick=str)

    @dsl.pipeline(name="outputs-root-and-settings", pipeline_root="gs://bucket/root")
    def pipeline(image: str = "python:3.12", flag: str = "a") -> Outputs:
        first = show(text="1").set_caching_options(True, cache_key="my-key")
        show(text="2").set_container_image(image)
        pinned = show(text="3").set_container_image("python:3.10").set_gpu_limit("2")
        pinned.add_node_selector_constraint("NVIDIA_TESLA_T4").set_debug_pause()
        data = produce()
        with dsl.ParallelFor(["a", "b"]) as item:
            each = make_name(prefix=item)
        with dsl.If(flag == "a"):
            yes = show(text="yes")
        with dsl.Else():
            no = show(text="no")
        return Outputs(text=first.output, data=data.outputs["data"], texts=dsl.Collected(each.output),
                       pick=dsl.OneOf(yes.output, no.output))

    return _compiled(pipeline)


@lru_cache(maxsize=None)
def final_status_component() -> str:
    """A component with a PipelineTaskFinalStatus input compiled on its own (its status is a
    pipeline input no `@dsl.pipeline` function can pass on)."""
    from kfp import dsl

    @dsl.component(base_image="python:3.11")
    def report(status: dsl.PipelineTaskFinalStatus, note: str = "done") -> str:
        return f"{status.state} {note}"

    return _compiled(report)


GENERATED = {
    "final_status_component": final_status_component,
    "outputs_root_and_task_settings": outputs_root_and_task_settings,
    "kubernetes_everything": kubernetes_everything,
    "optional_inputs": optional_inputs,
    "pipeline_input_artifacts": pipeline_input_artifacts,
    "importer_dynamic_metadata": importer_dynamic_metadata,
    "resources_from_values": resources_from_values,
}
