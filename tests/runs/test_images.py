"""Derived runtime images: kfp and packages preinstalled from host wheels, so tasks run offline."""
# No `from __future__ import annotations`: kfp reads the component's annotations as real types.

import json
import threading

import pytest
import yaml

from workbench.runs import images
from workbench.runs.backend import TaskLaunch
from workbench.runs.docker_backend import DockerBackend
from workbench.runs.engine.lightweight import pip_package_set

NO_PIP_IMAGE = "workbench-test-nopip:latest"


def compiled_component_argv(tmp_path, base: str, packages: list[str]) -> list[str]:
    """command + args of a real KFP lightweight component, compiled by kfp."""
    from kfp import compiler, dsl

    @dsl.component(base_image=base, packages_to_install=packages)
    def add(a: int, b: int) -> int:
        return a + b

    path = tmp_path / "component.yaml"
    compiler.Compiler().compile(add, str(path))
    container = yaml.safe_load(path.read_text())["deploymentSpec"]["executors"]["exec-add"]["container"]
    return container["command"] + container["args"]


def executor_argv(argv: list[str], outputs) -> list[str]:
    """Fill `{{$}}` the way an engine would, with the output paths under `outputs`."""
    executor_input = {"inputs": {"parameterValues": {"a": 1, "b": 2}},
                      "outputs": {"parameters": {"Output": {"outputFile": f"{outputs}/Output"}},
                                  "outputFile": f"{outputs}/executor_output.json"}}
    return [arg.replace("{{$}}", json.dumps(executor_input)) for arg in argv]


def output_value(outputs):
    return json.loads((outputs / "executor_output.json").read_text())["parameterValues"]["Output"]


def test_requirements_are_read_from_a_compiled_components_package_set(tmp_path):
    argv = compiled_component_argv(tmp_path, "python:3.11", ["six==1.16.0", "numpy<3"])
    found = images.requirements(pip_package_set(argv))
    assert found[:3] == ("six==1.16.0", "numpy<3", f"kfp=={images.host_kfp_version()}")
    assert images.requirements(["--index-url https://example.org/simple 'a>=1' -q", "b"]) == ("a>=1", "b")


def test_runtime_tag_depends_on_base_and_package_set_only():
    tag = images.runtime_tag("sha256:abc", ("six", "kfp==2.17.3"))
    assert tag == images.runtime_tag("sha256:abc", ("kfp==2.17.3", "six", "six"))
    assert tag != images.runtime_tag("sha256:abd", ("six", "kfp==2.17.3"))
    assert tag != images.runtime_tag("sha256:abc", ("six==1.16.0", "kfp==2.17.3"))
    assert images.runtime_tag("x", ()) == images.runtime_tag("x", (f"kfp=={images.host_kfp_version()}",))


def test_platform_tags_cover_old_and_new_manylinux():
    runtime = images.PythonRuntime("3.11", "x86_64", "glibc", "2.36", has_pip=True)
    tags = runtime.platforms()
    assert tags[0] == "manylinux_2_36_x86_64" and "manylinux2014_x86_64" in tags and "manylinux1_x86_64" in tags
    assert runtime.abi == "cp311"


@pytest.fixture(scope="session")
def image_without_pip(docker_client, base_image):
    """The Debian base with pip removed, as in images that ship python3 alone."""
    container = docker_client.containers.run(
        base_image, ["sh", "-c", "rm -rf /usr/lib/python3/dist-packages/pip* /usr/bin/pip*"], detach=True)
    try:
        assert container.wait(timeout=60)["StatusCode"] == 0
        repository, tag = NO_PIP_IMAGE.split(":")
        container.commit(repository, tag, changes=['CMD ["python3"]'])
    finally:
        container.remove(force=True)
    yield NO_PIP_IMAGE
    for row in images.list_runtimes(docker_client):  # built on this throwaway base: never reused
        if row["base"] == NO_PIP_IMAGE:
            docker_client.images.remove(row["tag"], force=True)
    docker_client.images.remove(NO_PIP_IMAGE, force=True)


@pytest.mark.docker
@pytest.mark.parametrize("base", ["debian-pep668", "without-pip"])
def test_component_prologue_succeeds_offline_in_the_prepared_image(base, request, tmp_path, data_dir,
                                                                   docker_client, base_image):
    image = base_image if base == "debian-pep668" else request.getfixturevalue("image_without_pip")
    argv = compiled_component_argv(tmp_path, image, ["six"])
    tag = images.prepare_runtime(docker_client, image, images.requirements(pip_package_set(argv)), print)
    assert tag.startswith("workbench-runtime:")
    again = []  # prepared once: the second time reuses the image without a word
    assert images.prepare_runtime(docker_client, image, images.requirements(pip_package_set(argv)), again.append) == tag
    assert again == []

    outputs = tmp_path / "outputs"
    outputs.mkdir(mode=0o777)
    outputs.chmod(0o777)
    container = docker_client.containers.run(
        tag, entrypoint=executor_argv(argv, outputs), network_disabled=True, user="1000:1000",
        environment={"HOME": "/tmp"}, volumes={str(outputs): {"bind": str(outputs), "mode": "rw"}}, detach=True)
    try:
        status = container.wait(timeout=120)
        log = container.logs().decode()
    finally:
        container.remove(force=True)
    assert status["StatusCode"] == 0, log
    assert output_value(outputs) == 3
    listed = {row["tag"]: row for row in images.list_runtimes(docker_client)}
    assert listed[tag]["base"] == image and "six" in listed[tag]["packages"]


@pytest.mark.docker
def test_backend_runs_a_lightweight_component_in_its_runtime_image(tmp_path, data_dir, docker_client,
                                                                    base_image):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    argv = compiled_component_argv(tmp_path, base_image, [])
    lines = []
    launch = TaskLaunch(run_id="images-test", task_id="add", image=base_image,
                        argv=tuple(executor_argv(argv, workspace)), env={}, workspace=workspace,
                        packages=pip_package_set(argv))
    outcome = DockerBackend(docker_client).run_task(launch, lambda line, stream: lines.append(line),
                                                    threading.Event())
    assert outcome.exit_code == 0, lines
    assert output_value(workspace) == 3
