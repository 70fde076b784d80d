"""Pipeline input artifacts in local runs: a file, a folder or a URI given at run time
(`workbench run --input-artifact NAME=PATH`), copied into the run so tasks see it; bad ones refused
by name before anything runs."""

# no `from __future__ import annotations`: kfp reads the component annotations as types

import os
import subprocess
import sys
from pathlib import Path

import pytest
from engine_support import compile_pipeline
from kfp import dsl
from kfp.dsl import Artifact, Dataset, Input

from workbench.errors import RunError

REPO = Path(__file__).resolve().parents[2]


@dsl.container_component
def read_file(data: Input[Dataset], copy: dsl.OutputPath(str)):
    return dsl.ContainerSpec(image="alpine", command=[
        "sh", "-c", 'mkdir -p "$(dirname "$1")"; cat "$0" > "$1"'], args=[data.path, copy])


@dsl.container_component
def list_folder(folder: Input[Artifact], listing: dsl.OutputPath(str)):
    return dsl.ContainerSpec(image="alpine", command=[
        "sh", "-c", 'mkdir -p "$(dirname "$1")"; cat "$0/a.txt" "$0/sub/b.txt" "$0/link.txt" > "$1"'],
        args=[folder.path, listing])


@dsl.container_component
def show_uri(remote: Input[Artifact], uri: dsl.OutputPath(str)):
    return dsl.ContainerSpec(image="alpine", command=[
        "sh", "-c", 'mkdir -p "$(dirname "$1")"; printf "%s" "$0" > "$1"'], args=[remote.uri, uri])


@dsl.pipeline(name="input-artifacts")
def with_input_artifacts(data: Input[Dataset], folder: Input[Artifact], remote: Input[Artifact] = None):
    read_file(data=data)
    list_folder(folder=folder)
    show_uri(remote=remote)


@pytest.fixture
def ir_text(tmp_path):
    return compile_pipeline(with_input_artifacts, tmp_path)


@pytest.fixture
def inputs(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("linked content")
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("A")
    (folder / "sub" / "b.txt").write_text("B")
    (folder / "link.txt").symlink_to(outside)
    data = tmp_path / "data.csv"
    data.write_text("x,y\n1,2\n")
    return {"data": str(data), "folder": str(folder), "remote": "https://example.com/models/m1"}


def test_file_folder_and_uri_reach_the_tasks(make_engine, subprocess_backend, ir_text, inputs, tmp_path):
    engine = make_engine(subprocess_backend, use_cache=False)
    handle = engine.start(ir_text, {}, input_artifacts=inputs)
    assert handle.wait(120) == "succeeded", handle.message
    assert handle.outputs("read-file")["copy"] == "x,y\n1,2\n"
    assert handle.outputs("list-folder")["listing"] == "ABlinked content"
    assert handle.outputs("show-uri")["uri"] == "https://example.com/models/m1"
    copied = [p for p in (tmp_path / "runs").rglob("*") if "inputs" in p.parts]
    assert copied and not any(p.is_symlink() for p in copied), "a user's link is copied as its content"
    Path(inputs["data"]).write_text("changed after the start")
    assert handle.outputs("read-file")["copy"] == "x,y\n1,2\n"


@pytest.mark.parametrize("given, fragment", [
    ({"folder": "/x"}, "pipeline input artifact 'data' is required (--input-artifact data=PATH)"),
    ({"data": "/no/such/file", "folder": "/x"}, "input artifact 'data': /no/such/file does not exist"),
    ({"data": "/etc/hostname", "folder": "/etc/hostname", "model": "/x"}, "unknown pipeline input artifact(s) model"),
])
def test_bad_input_artifacts_are_refused_by_name(make_engine, fake_backend, ir_text, given, fragment):
    with pytest.raises(RunError) as info:
        make_engine(fake_backend).start(ir_text, {}, input_artifacts=given)
    assert fragment in str(info.value)


def test_cli_flag_is_parsed_and_checked(tmp_path, ir_text):
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(ir_text)
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(tmp_path / "data")}

    def run(*extra):
        done = subprocess.run([sys.executable, "-m", "workbench", "run", str(pipeline), "--backend", "subprocess",
                               *extra], cwd=REPO, env=env, text=True, capture_output=True, timeout=120)
        return done.returncode, done.stderr

    code, err = run("--input-artifact", "data")
    assert code == 1 and "expected NAME=PATH" in err and "Traceback" not in err
    code, err = run("--input-artifact", "data=/a", "--input-artifact", "data=/b")
    assert code == 1 and "'data' is given twice" in err
    code, err = run("--input-artifact", f"data={tmp_path / 'missing.csv'}", "--input-artifact", "folder=/tmp")
    assert code == 1 and "missing.csv does not exist" in err and len(err.strip().splitlines()) <= 2
    code, err = run("--help")
    assert "--input-artifact" in subprocess.run([sys.executable, "-m", "workbench", "run", "--help"], cwd=REPO,
                                                env=env, text=True, capture_output=True).stdout


@pytest.mark.docker
def test_docker_tasks_see_the_input_artifacts_read_only(make_engine, docker_client, base_image, ir_text, inputs,
                                                        monkeypatch):
    from workbench.runs.docker_backend import DockerBackend
    from workbench.runs.image_aliases import with_aliases_from_environment

    monkeypatch.setenv("WORKBENCH_IMAGE_MAP", f"alpine={base_image}")
    backend = with_aliases_from_environment(DockerBackend(docker_client))
    handle = make_engine(backend, use_cache=False).start(ir_text, {}, input_artifacts=inputs)
    assert handle.wait(180) == "succeeded", handle.message
    assert handle.outputs("read-file")["copy"] == "x,y\n1,2\n"
    assert handle.outputs("list-folder")["listing"] == "ABlinked content"
