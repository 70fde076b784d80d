"""The Kubernetes emulation without Docker: the secret and config map store and its CLI, and what
the engine refuses before a container starts (missing secrets, hostile keys and mount paths, the
subprocess backend)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from engine_support import FakeBackend, compile_pipeline
from k8s_pipelines import shell_component

from workbench.cli import main
from workbench.errors import RunError
from workbench.runs.local_k8s import store

TIMEOUT = 60


class DockerNamedFake(FakeBackend):
    """Passes the engine's Docker-only gate; every check under test happens before a launch."""

    name = "docker"

    def volume_exists(self, name: str) -> bool:
        return False


def test_cli_sets_lists_and_deletes_secrets_without_printing_values(data_dir, memory_keyring, capsys):
    assert main(["secrets", "set", "db", "user=admin", "password=s3cr=t"]) == 0
    assert main(["secrets", "list"]) == 0
    out = capsys.readouterr().out
    assert "db\tpassword, user" in out and "s3cr=t" not in out and "admin" not in out
    assert store.get_secret("db") == {"user": "admin", "password": "s3cr=t"}
    assert "s3cr=t" not in json.dumps([str(p.read_text()) for p in data_dir.rglob("*") if p.is_file()])
    assert main(["secrets", "delete", "db"]) == 0
    assert store.get_secret("db") is None and store.secret_names() == []
    assert main(["secrets", "delete", "db"]) == 1
    assert "no secret 'db'" in capsys.readouterr().err


def test_cli_config_maps_live_in_the_data_dir(data_dir, capsys):
    assert main(["configmaps", "set", "settings", "color=blue", "size=3"]) == 0
    assert json.loads((data_dir / "kubernetes" / "configmaps" / "settings.json").read_text()) == \
        {"color": "blue", "size": "3"}
    assert main(["configmaps", "list"]) == 0
    assert "settings\tcolor, size" in capsys.readouterr().out
    assert main(["configmaps", "delete", "settings"]) == 0
    assert store.config_map_names() == []


@pytest.mark.parametrize("argv, problem", [
    (["secrets", "set", "db", "../x=1"], "key '../x' is not allowed"),
    (["secrets", "set", "db", ".."], "is not KEY=VALUE"),
    (["configmaps", "set", "Bad_Name", "a=1"], "not a DNS-1123 name"),
    (["configmaps", "set", "../../etc", "a=1"], "not a DNS-1123 name"),
])
def test_cli_refuses_hostile_names_and_keys(data_dir, memory_keyring, capsys, argv, problem):
    assert main(argv) == 1
    assert problem in capsys.readouterr().err
    assert not (data_dir / "etc.json").exists() and store.config_map_names() == []


def _run(make_engine, backend, ir):
    handle = make_engine(backend).start(ir, {})
    handle.wait(TIMEOUT)
    return handle


def test_subprocess_backend_fails_kubernetes_tasks_by_name_before_they_start(make_engine, fake_backend, tmp_path):
    from kfp import dsl, kubernetes

    shell = shell_component("python:3.11", "echo hi")

    @dsl.pipeline(name="needs-docker")
    def pipeline():
        kubernetes.use_secret_as_env(shell(), secret_name="db", secret_key_to_env={"password": "P"})

    handle = _run(make_engine, fake_backend, compile_pipeline(pipeline, tmp_path))
    assert handle.task_states() == {"shell": "failed"}
    assert "task 'shell': Kubernetes secretAsEnv needs the Docker backend" in handle.message
    assert fake_backend.launches == []


def test_missing_secret_fails_by_name_and_an_optional_one_is_skipped(make_engine, tmp_path, data_dir, memory_keyring):
    from kfp import dsl, kubernetes

    shell = shell_component("python:3.11", "echo hi")

    @dsl.pipeline(name="missing")
    def pipeline():
        optional = shell().set_display_name("optional")
        kubernetes.use_secret_as_env(optional, secret_name="absent", secret_key_to_env={"k": "K"}, optional=True)
        kubernetes.use_config_map_as_volume(optional, config_map_name="absent", mount_path="/cfg", optional=True)
        required = shell().set_display_name("required")
        kubernetes.use_secret_as_volume(required, secret_name="absent", mount_path="/sec")

    backend = DockerNamedFake()
    handle = _run(make_engine, backend, compile_pipeline(pipeline, tmp_path))
    assert handle.task_states() == {"shell": "succeeded", "shell-2": "failed"}
    assert "secret 'absent' does not exist locally" in handle.message
    assert "workbench secrets set absent" in handle.message
    assert [launch.env.get("K") for launch in backend.launches] == [None]


def _refused_before_launch(make_engine, tmp_path, configure) -> str:
    """Run a one-task pipeline whose task `configure(task)` sets up; it must fail before any launch."""
    from kfp import dsl

    shell = shell_component("python:3.11", "echo hi")

    @dsl.pipeline(name="refused")
    def pipeline():
        configure(shell())

    backend = DockerNamedFake()
    handle = _run(make_engine, backend, compile_pipeline(pipeline, tmp_path))
    assert handle.task_states() == {"shell": "failed"}
    assert backend.launches == []
    return handle.message


def test_a_key_that_is_a_path_never_leaves_the_secret_folder(make_engine, tmp_path, data_dir, memory_keyring):
    import keyring
    from kfp import kubernetes

    keyring.set_password(store.SERVICE, "k8s-secret:planted", json.dumps({"../escape": "x", "ok": "y"}))
    message = _refused_before_launch(make_engine, tmp_path, lambda task: kubernetes.use_secret_as_volume(
        task, secret_name="planted", mount_path="/sec"))
    assert "key '../escape' is not allowed" in message
    assert not list(tmp_path.rglob("escape"))


@pytest.mark.parametrize("paths, problem", [
    (["relative/path"], "must be an absolute path"),
    (["/data", "/data/"], "is used twice"),
    (["/"], "must be an absolute path below '/'"),
])
def test_engine_refuses_relative_and_duplicated_mount_paths_in_the_ir(make_engine, tmp_path, paths, problem):
    import yaml
    from kfp import dsl, kubernetes

    shell = shell_component("python:3.11", "echo hi")

    @dsl.pipeline(name="mount-paths")
    def pipeline():
        task = shell()
        for index, _ in enumerate(paths):
            kubernetes.empty_dir_mount(task, volume_name=f"v{index}", mount_path=f"/placeholder{index}")

    spec, platform = yaml.safe_load_all(compile_pipeline(pipeline, tmp_path))
    mounts = platform["platforms"]["kubernetes"]["deploymentSpec"]["executors"]["exec-shell"]["emptyDirMounts"]
    for mount, path in zip(mounts, paths):
        mount["mountPath"] = path  # what a hand-edited IR could hold; the document validation refuses it
    backend = DockerNamedFake()
    handle = _run(make_engine, backend, yaml.safe_dump_all([spec, platform]))
    assert handle.task_states() == {"shell": "failed"}
    assert problem in handle.message and "task 'shell'" in handle.message
    assert backend.launches == []


def test_optional_names_from_unset_pipeline_inputs_are_skipped(make_engine, corpus_dir, events, data_dir,
                                                               memory_keyring):
    from workbench.runs.events import LogLine

    backend = DockerNamedFake()
    handle = make_engine(backend).start((corpus_dir / "missing_kubernetes_optional_inputs.yaml").read_text(), {})
    assert handle.wait(TIMEOUT) == "succeeded", handle.message
    volumes = backend.launches[0].volumes  # empty, as a pod gets for a missing optional secret
    assert sorted(volume.target for volume in volumes) == ["/mnt/config", "/mnt/secret"]
    assert not any(Path(volume.source).exists() for volume in volumes)  # removed when the task ended
    assert "PASSWORD" not in backend.launches[0].env
    warnings = [e.line for e in events.of(LogLine) if "warning" in e.line]
    assert any("optional secret (no name given)" in line for line in warnings)


def test_a_pvc_mount_of_a_volume_that_does_not_exist_fails_by_name(make_engine, tmp_path):
    from kfp import kubernetes

    message = _refused_before_launch(make_engine, tmp_path, lambda task: kubernetes.mount_pvc(
        task, pvc_name="team-data", mount_path="/data"))
    assert "PVC 'team-data' does not exist locally" in message and "task 'shell'" in message


@pytest.mark.parametrize("config, problem", [
    ({"securityContext": {"runAsUser": "0; rm -rf /"}}, "runAsUser '0; rm -rf /' is not a whole number"),
    ({"securityContext": {"runAsUser": "0", "runAsNonRoot": True}}, "runAsNonRoot but runAsUser is 0"),
    ({"activeDeadlineSeconds": "-5"}, "activeDeadlineSeconds '-5' is not a whole number"),
    ({"emptyDirMounts": [{"mountPath": "/e", "medium": "Memory", "sizeLimit": "lots"}]}, "not a Kubernetes quantity"),
    ({"fieldPathAsEnv": [{"name": "X", "fieldPath": "spec.containers[0]"}]}, "pod field 'spec.containers[0]'"),
    ({"pvcMount": [{"mountPath": "/d", "constant": "data", "subPath": "x"}]}, "subPath is not available locally"),
    ({"pvcMount": [{"mountPath": "/d", "constant": "../../etc"}]}, "not a DNS-1123 name"),
    ({"emptyDirMounts": [{"mountPath": "/e", "medium": "Memory", "sizeLimit": "9" * 400}]},
     "larger than any memory"),  # int(float('inf')) raised OverflowError
])
def test_hostile_platform_config_is_refused_by_name(config, problem):
    from workbench.errors import RunError
    from workbench.runs.local_k8s import pod

    with pytest.raises(RunError, match=re.escape(problem)):
        pod.prepare(config, pod.PodIdentity("pod", "run", "id"), lambda spec: None, lambda name: True)


@pytest.mark.parametrize("change, element, problem", [
    (lambda config: config.update(secretAsEnv="db"), "secretAsEnv", "must be a list, found a string"),
    (lambda config: config["secretAsEnv"][0]["keyToEnv"][0].pop("envVar"), "secretAsEnv.0.keyToEnv.0",
     "is missing `envVar`"),
    (lambda config: config.update(podMetadata={"labels": "team=x"}), "podMetadata.labels",
     "must be a mapping, found a string"),
    (lambda config: config.update(fieldPathAsEnv=[{"fieldPath": "metadata.name"}]), "fieldPathAsEnv.0",
     "is missing `name`"),
    (lambda config: config.update(securityContext="root"), "securityContext", "must be a mapping, found a string"),
], ids=["list-as-string", "no-env-var", "labels-as-string", "field-without-name", "context-as-string"])
def test_a_hand_edited_platform_config_of_the_wrong_shape_is_refused_at_start_by_name(
        make_engine, tmp_path, change, element, problem):
    """These ended as 'internal error in task' with a traceback (AttributeError, KeyError in pod.py)."""
    import yaml
    from kfp import dsl, kubernetes

    shell = shell_component("python:3.11", "echo hi")

    @dsl.pipeline(name="platform-shape")
    def pipeline():
        kubernetes.use_secret_as_env(shell(), secret_name="db", secret_key_to_env={"password": "PASSWORD"})

    spec, platform = yaml.safe_load_all(compile_pipeline(pipeline, tmp_path))
    change(platform["platforms"]["kubernetes"]["deploymentSpec"]["executors"]["exec-shell"])
    backend = DockerNamedFake()
    with pytest.raises(RunError) as caught:
        make_engine(backend).start(yaml.safe_dump_all([spec, platform]), {})
    where = f"platforms.kubernetes.deploymentSpec.executors.exec-shell.{element}"
    assert f"{where}: {problem}" in str(caught.value) and backend.launches == []
