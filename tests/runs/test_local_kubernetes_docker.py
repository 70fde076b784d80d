"""kfp-kubernetes pipelines run in Docker, with tasks that check what they see: secrets and config
maps as env and files, a PVC shared by two tasks and removed after, emptyDir on tmpfs, pod fields,
the container user, the deadline; and that the secret's value reaches no log, event or history."""
# No `from __future__ import annotations`: kfp reads the pipeline signature's types at run time.


import hashlib
import json

import pytest
from engine_support import compile_pipeline
from k8s_pipelines import shell_component

from workbench.runs.docker_backend import RUN_LABEL, DockerBackend
from workbench.runs.events import LogLine, TaskStateChanged
from workbench.runs.local_k8s import store
from workbench.runs.store import RunStore

pytestmark = pytest.mark.docker
TIMEOUT = 180
SECRET = "hunter2-7c1e"
KEY_LINES = ["-----BEGIN PRIVATE KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
             "-----END PRIVATE KEY-----"]  # a multi-line secret, which a task prints line by line
DIGEST = hashlib.sha256(SECRET.encode()).hexdigest()  # the script holds this, never the value

CHECKS = f"""
set -e
test "$(printf %s "$DB_PASSWORD" | sha256sum | cut -c1-64)" = {DIGEST}
test "$(sha256sum < /sec/password | cut -c1-64)" = {DIGEST}
! touch /sec/new 2>/dev/null
test "$COLOR" = blue && test "$(cat /cfg/color)" = blue
grep -q ' /scratch tmpfs ' /proc/mounts && grep ' /scratch ' /proc/mounts | grep -q 'size=1024k'
echo scratch > /scratch/f && echo eph > /ephemeral/f
test "$POD_NAMESPACE" = local && test "$TEAM" = ml
case "$POD_NAME" in k8s-local-*-writer) ;; *) echo "pod name $POD_NAME"; exit 1;; esac
test "$(id -u):$(id -g)" = 4321:4322
echo "my password is $DB_PASSWORD"
printf '%s\\n' "$DB_KEY"
echo payload-from-writer > /data/handoff
echo all-checks-passed
"""
READ = 'test "$(cat /data/handoff)" = payload-from-writer && ls /data && echo read-ok'


@pytest.fixture
def docker(make_engine, docker_client):
    return make_engine(DockerBackend(docker_client), max_parallel=2)


def test_kubernetes_features_in_docker(make_engine, events, base_image, docker_client, tmp_path, data_dir,
                                       memory_keyring):
    from kfp import dsl, kubernetes

    store.set_secret("db", {"password": SECRET, "key": "\n".join(KEY_LINES) + "\n"})
    store.set_config_map("settings", {"color": "blue"})
    check = shell_component(base_image, CHECKS, "writer")
    read = shell_component(base_image, READ, "reader")

    @dsl.pipeline(name="k8s-local")
    def pipeline(secret_name: str = "db"):
        pvc = kubernetes.CreatePVC(pvc_name_suffix="-handoff", access_modes=["ReadWriteOnce"], size="1Gi")
        writer = check().set_caching_options(False)
        kubernetes.mount_pvc(writer, pvc_name=pvc.outputs["name"], mount_path="/data")
        kubernetes.use_secret_as_env(writer, secret_name=secret_name, secret_key_to_env={"password": "DB_PASSWORD",
                                                                                         "key": "DB_KEY"})
        kubernetes.use_secret_as_volume(writer, secret_name="db", mount_path="/sec")
        kubernetes.use_config_map_as_env(writer, config_map_name="settings", config_map_key_to_env={"color": "COLOR"})
        kubernetes.use_config_map_as_volume(writer, config_map_name="settings", mount_path="/cfg")
        kubernetes.empty_dir_mount(writer, volume_name="scratch", mount_path="/scratch", medium="Memory",
                                   size_limit="1Mi")
        kubernetes.add_ephemeral_volume(writer, volume_name="eph", mount_path="/ephemeral",
                                        access_modes=["ReadWriteOnce"], size="1Gi")
        kubernetes.use_field_path_as_env(writer, env_name="POD_NAME", field_path="metadata.name")
        kubernetes.use_field_path_as_env(writer, env_name="POD_NAMESPACE", field_path="metadata.namespace")
        kubernetes.use_field_path_as_env(writer, env_name="TEAM", field_path="metadata.labels['team']")
        kubernetes.add_pod_label(writer, "team", "ml")
        kubernetes.set_security_context(writer, run_as_user=4321, run_as_group=4322)
        kubernetes.add_node_selector(writer, label_key="gpu", label_value="a100")
        kubernetes.add_toleration(writer, key="gpu", operator="Exists", effect="NoSchedule")
        kubernetes.set_image_pull_secrets(writer, ["registry"])
        reader = read().set_caching_options(False).after(writer)
        kubernetes.mount_pvc(reader, pvc_name=pvc.outputs["name"], mount_path="/data")
        kubernetes.DeletePVC(pvc_name=pvc.outputs["name"]).after(reader)

    ir = compile_pipeline(pipeline, tmp_path)
    history = RunStore(data_dir / "runs.sqlite")
    history.create_run("k8s-run", "k8s-local", ir, {}, "docker")
    engine = make_engine(DockerBackend(docker_client), max_parallel=2)
    engine.sinks.append(history.on_event)
    handle = engine.start(ir, {}, run_id="k8s-run")
    assert handle.wait(TIMEOUT) == "succeeded", (handle.message, [e.line for e in events.of(LogLine)])
    history.flush()
    stored = [record.line for record in history.logs("k8s-run")]
    assert "my password is ***" in stored
    assert stored.count("***") == len(KEY_LINES)  # each line of the key, printed alone
    assert not any(secret in line for line in stored for secret in KEY_LINES[1:3])
    history.close()
    assert SECRET.encode() not in b"".join(path.read_bytes() for path in data_dir.glob("runs.sqlite*"))
    lines = {e.task_id: [] for e in events.of(LogLine)}
    for event in events.of(LogLine):
        lines[event.task_id].append(event.line)
    assert "all-checks-passed" in lines["writer"] and "read-ok" in lines["reader"]
    assert "my password is ***" in lines["writer"]
    for warning in ("node selector", "tolerations", "image pull secrets"):
        assert any(f"warning: ignoring {warning}" in line for line in lines["writer"])
    everything = json.dumps([repr(e) for e in events.events], default=str)
    assert SECRET not in everything and KEY_LINES[1] not in everything
    volume = next(line for line in lines["createpvc"] if "Docker volume" in line).split("'")[1]
    assert volume.endswith("-handoff")
    assert docker_client.volumes.list(filters={"name": volume}) == []  # DeletePVC removed it
    assert not docker_client.volumes.list(filters={"label": f"{RUN_LABEL}={handle.run_id}"})
    states = {e.task_id: e.state for e in events.of(TaskStateChanged)}
    assert states == {"createpvc": "succeeded", "writer": "succeeded", "reader": "succeeded", "deletepvc": "succeeded"}


def test_active_deadline_stops_a_sleeping_task(docker, events, base_image, tmp_path):
    from kfp import dsl, kubernetes

    sleeper = shell_component(base_image, "echo started; sleep 60")

    @dsl.pipeline(name="deadline")
    def pipeline():
        kubernetes.set_timeout(sleeper().set_caching_options(False), 2)

    handle = docker.start(compile_pipeline(pipeline, tmp_path), {})
    assert handle.wait(30) == "failed"
    assert "activeDeadlineSeconds of 2 s" in handle.message and "'shell'" in handle.message
