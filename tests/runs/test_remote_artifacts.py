"""gs:// artifacts in local runs: read from a mirror folder or from Cloud Storage (a fake server
reached through STORAGE_EMULATOR_HOST), else the consuming task fails by name before it starts;
links in a mirror are not followed and URIs with `..` segments are refused."""

# no `from __future__ import annotations`: kfp reads the component annotations as types

import os
import subprocess
import sys
from pathlib import Path

import pytest
from engine_support import compile_pipeline
from fake_storage import FakeStorage
from kfp import dsl
from kfp.dsl import Artifact, Input

from workbench.errors import RunError
from workbench.runs.engine.remote_artifacts import GcsAccess, RemoteArtifactError, parse_mirror, split_gs_uri

REPO = Path(__file__).resolve().parents[2]
NO_CREDENTIALS = {"CLOUDSDK_CONFIG": "/nonexistent-gcloud-config"}


@dsl.container_component
def read_model(model: Input[Artifact], seen: dsl.OutputPath(str)):
    """Prints the artifact: the file's text, or for a folder its listing and each file's text."""
    return dsl.ContainerSpec(image="alpine", command=[
        "sh", "-c", 'mkdir -p "$(dirname "$1")"; if [ -d "$0" ]; then cd "$0" && for f in $(find . -type f | sort); '
                    'do printf "%s=%s;" "$f" "$(cat "$f")"; done > "$1"; else cat "$0" > "$1"; fi'],
        args=[model.path, seen])


def _pipeline(uri: str):
    @dsl.pipeline(name="gs-import")
    def gs_import():
        imported = dsl.importer(artifact_uri=uri, artifact_class=Artifact)
        read_model(model=imported.output)
    return gs_import


def _run(make_engine, fake_backend, tmp_path, uri: str, access: GcsAccess):
    engine = make_engine(fake_backend, use_cache=False, gcs=access)
    handle = engine.start(compile_pipeline(_pipeline(uri), tmp_path), {})
    handle.wait(60)
    return handle


@pytest.mark.parametrize("uri", ["gs://bucket/a/../etc/passwd", "gs://bucket/a//b", "gs://bucket/./x",
                                 "gs://../x", "gs://Bad_Bucket/x", "gs://b/x\x00y", "s3://bucket/x"])
def test_unsafe_uris_are_refused(uri):
    with pytest.raises(RemoteArtifactError):
        split_gs_uri(uri)


def test_a_folder_uri_keeps_its_parts():
    assert split_gs_uri("gs://my-bucket/models/m1/") == ("my-bucket", ("models", "m1"))


def test_without_credentials_or_mirror_the_task_fails_by_name_before_it_starts(make_engine, fake_backend,
                                                                                tmp_path):
    handle = _run(make_engine, fake_backend, tmp_path, "gs://bucket/models/m1.txt",
                  GcsAccess(environ=NO_CREDENTIALS))
    assert handle.wait(0) == "failed"
    assert "'read-model'" in handle.message
    assert "gs://bucket/models/m1.txt needs Google Cloud credentials or --gcs-mirror" in handle.message
    assert fake_backend.launches == []


def test_a_mirror_folder_stands_in_for_the_bucket(make_engine, fake_backend, tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "m1").mkdir(parents=True)
    (mirror / "m1" / "weights.txt").write_text("w=3")
    (mirror / "m1" / "etc").symlink_to("/etc")
    (mirror / "other.txt").write_text("not asked for")
    access = GcsAccess(environ=NO_CREDENTIALS).with_mirrors([f"gs://bucket/models={mirror}"])
    handle = _run(make_engine, fake_backend, tmp_path, "gs://bucket/models/m1", access)
    assert handle.wait(0) == "succeeded", handle.message
    assert handle.outputs("read-model")["seen"] == "./weights.txt=w=3;"
    copied = next((tmp_path / "runs").glob("*/inputs/gcs/bucket/models/m1"))
    assert (copied / "etc").is_symlink() or not (copied / "etc").exists()
    assert not any(p.name == "passwd" for p in copied.rglob("*")), "the link to /etc was followed"
    assert (mirror / "m1" / "weights.txt").read_text() == "w=3"


def test_a_uri_outside_the_mirror_or_missing_in_it_fails_by_name(make_engine, fake_backend, tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    access = GcsAccess(environ=NO_CREDENTIALS).with_mirrors([f"gs://bucket/models={mirror}"])
    handle = _run(make_engine, fake_backend, tmp_path, "gs://bucket/models/absent.txt", access)
    assert handle.wait(0) == "failed"
    assert "gs://bucket/models/absent.txt is not in the mirror folder" in handle.message
    assert fake_backend.launches == []


def test_a_uri_with_dot_dot_segments_fails_by_name_and_writes_nothing(make_engine, fake_backend, tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (tmp_path / "secret.txt").write_text("outside the mirror")
    access = GcsAccess(environ=NO_CREDENTIALS).with_mirrors([f"gs://bucket/models={mirror}"])
    handle = _run(make_engine, fake_backend, tmp_path, "gs://bucket/models/../../secret.txt", access)
    assert handle.wait(0) == "failed"
    assert "'..' segment; refused" in handle.message and "'read-model'" in handle.message
    assert fake_backend.launches == []
    assert not list((tmp_path / "runs").glob("*/inputs"))


def test_objects_are_downloaded_from_cloud_storage(make_engine, fake_backend, tmp_path):
    objects = {"bucket/models/m1/a.txt": "A", "bucket/models/m1/sub/b.txt": "B", "bucket/models/m2/c.txt": "C"}
    with FakeStorage(objects) as storage:
        access = GcsAccess(environ={"STORAGE_EMULATOR_HOST": storage.url})
        handle = _run(make_engine, fake_backend, tmp_path, "gs://bucket/models/m1", access)
        assert handle.wait(0) == "succeeded", handle.message
        assert handle.outputs("read-model")["seen"] == "./a.txt=A;./sub/b.txt=B;"
        (tmp_path / "second").mkdir()
        single = _run(make_engine, fake_backend, tmp_path / "second", "gs://bucket/models/m2/c.txt", access)
        assert single.wait(0) == "succeeded", single.message
        assert single.outputs("read-model")["seen"] == "C"


def test_a_hostile_object_name_in_the_bucket_is_refused(make_engine, fake_backend, tmp_path):
    objects = {"bucket/models/m1/ok.txt": "fine", "bucket/models/m1/../../../escape.txt": "bad"}
    with FakeStorage(objects) as storage:
        handle = _run(make_engine, fake_backend, tmp_path, "gs://bucket/models/m1",
                      GcsAccess(environ={"STORAGE_EMULATOR_HOST": storage.url}))
    assert handle.wait(0) == "failed"
    assert "unsafe" in handle.message and "'read-model'" in handle.message
    assert not list(tmp_path.rglob("escape.txt"))
    assert not list(tmp_path.rglob("ok.txt")), "a partial copy is discarded"


def test_a_missing_object_fails_by_name(make_engine, fake_backend, tmp_path):
    with FakeStorage({}) as storage:
        handle = _run(make_engine, fake_backend, tmp_path, "gs://bucket/nothing",
                      GcsAccess(environ={"STORAGE_EMULATOR_HOST": storage.url}))
    assert handle.wait(0) == "failed"
    assert "gs://bucket/nothing: no such object or folder" in handle.message


@pytest.mark.parametrize("text, fragment", [("gs://bucket/p", "expected gs://BUCKET/PREFIX=DIR"),
                                            ("gs://bucket/../p=/tmp", "'..' segment"),
                                            ("gs://bucket/p=/nonexistent-folder", "is not a folder")])
def test_bad_mirror_flags_are_refused_by_name(text, fragment):
    with pytest.raises(RunError, match=fragment) as raised:
        parse_mirror(text)
    assert raised.value.element == "--gcs-mirror"


def test_cli_gcs_mirror_flag_and_environment(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "data.txt").write_text("from the mirror")
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(compile_pipeline(_pipeline("gs://bucket/prefix/data.txt"), tmp_path))
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(tmp_path / "data"), "WORKBENCH_CONFIG_DIR": str(tmp_path / "cfg"),
           "PYTHONPATH": str(REPO), **NO_CREDENTIALS}
    env.pop("WORKBENCH_GCS_MIRROR", None)
    command = [sys.executable, "-m", "workbench", "run", str(pipeline), "--backend", "subprocess"]
    refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
    assert "gs://bucket/prefix/data.txt needs Google Cloud credentials or --gcs-mirror" in refused.stdout + refused.stderr
    flagged = subprocess.run(command + ["--gcs-mirror", f"gs://bucket/prefix={mirror}"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert flagged.returncode == 0, flagged.stdout + flagged.stderr
    from_env = subprocess.run(command, env={**env, "WORKBENCH_GCS_MIRROR": f"gs://bucket/prefix={mirror}"},
                              capture_output=True, text=True, timeout=120)
    assert from_env.returncode == 0, from_env.stdout + from_env.stderr


def test_a_download_that_fails_half_way_leaves_no_partial_copy(make_engine, fake_backend, tmp_path):
    """Cloud Storage is flat: `m1/a.txt` and `m1/a.txt/b.txt` both exist, and the second cannot be
    written once the first is a file. The copy made so far must not stay for a later reader to take
    for the whole folder."""
    objects = {"bucket/models/m1/a.txt": "A", "bucket/models/m1/a.txt/b.txt": "B"}
    with FakeStorage(objects) as storage:
        handle = _run(make_engine, fake_backend, tmp_path, "gs://bucket/models/m1",
                      GcsAccess(environ={"STORAGE_EMULATOR_HOST": storage.url}))
    assert handle.wait(0) == "failed"
    assert "gs://bucket/models/m1: the download failed" in handle.message and "'read-model'" in handle.message
    assert fake_backend.launches == []
    assert not list(tmp_path.rglob("a.txt")), "a partial copy is discarded"


def test_credentials_that_cannot_be_used_fail_the_task_by_name(make_engine, fake_backend, tmp_path):
    broken = tmp_path / "key.json"
    broken.write_text("{not a key")
    handle = _run(make_engine, fake_backend, tmp_path, "gs://bucket/models/m1",
                  GcsAccess(environ={"GOOGLE_APPLICATION_CREDENTIALS": str(broken)}))
    assert handle.wait(0) == "failed"
    assert "gs://bucket/models/m1: the Google Cloud credentials cannot be used" in handle.message
    assert "internal error" not in handle.message


def test_a_folder_uri_read_after_an_object_inside_it_gets_the_whole_folder(tmp_path):
    """The copy of gs://b/models/m1/a.txt was taken for the copy of gs://b/models/m1: a task reading the
    folder saw a.txt alone, silently."""
    from workbench.runs.engine.remote_artifacts import localize_inputs

    mirror = tmp_path / "mirror"
    (mirror / "m1").mkdir(parents=True)
    (mirror / "m1" / "a.txt").write_text("A")
    (mirror / "m1" / "b.txt").write_text("B")
    access = GcsAccess(environ=NO_CREDENTIALS).with_mirrors([f"gs://bucket/models={mirror}"])
    run = tmp_path / "run"
    run.mkdir()

    def local(uri: str) -> Path:
        return Path(localize_inputs(access, run, {"x": [{"uri": uri}]})["x"][0]["uri"])
    single = local("gs://bucket/models/m1/a.txt")
    assert single == run / "inputs" / "gcs" / "bucket" / "models" / "m1" / "a.txt" and single.read_text() == "A"
    folder = local("gs://bucket/models/m1")
    assert sorted(os.listdir(folder)) == ["a.txt", "b.txt"]
    assert local("gs://bucket/models/m1") == folder and local("gs://bucket/models/m1/a.txt") == single
    assert local("gs://bucket/models/m1/b.txt").read_text() == "B"
