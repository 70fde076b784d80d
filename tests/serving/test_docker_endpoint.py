"""One real Docker endpoint for the module, started and handled through the CLI in fresh processes:
published on 127.0.0.1 only, read-only, found again from its labels; the same contract and hostile
requests as the process endpoint; name and port clashes; stop removes it."""

from __future__ import annotations

import json
import socket

import pytest
from serving_cli import predict, workbench
from serving_contract import check_hostile_requests, check_oversized_requests, check_predictions
from serving_models import expected_sklearn

pytestmark = pytest.mark.usefixtures("serving_env")


@pytest.fixture(scope="module")
def endpoint(base_image, sklearn_folder, docker_client):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_IMAGE_MAP", f"python:3.11-slim={base_image}")
        result = workbench("serve", str(sklearn_folder), "--name", "sk-docker", "--backend", "docker", timeout=900)
        assert result.returncode == 0, result.stderr
        yield result.stdout.strip()
        workbench("endpoints", "stop", "sk-docker")


def test_the_container_is_labelled_local_only_and_read_only(endpoint, docker_client):
    (container,) = docker_client.containers.list(filters={"label": "workbench.endpoint=sk-docker"})
    bindings = container.attrs["NetworkSettings"]["Ports"]["8080/tcp"]
    assert {b["HostIp"] for b in bindings} == {"127.0.0.1"}
    assert endpoint == f"http://127.0.0.1:{bindings[0]['HostPort']}/predict"
    host = container.attrs["HostConfig"]
    assert host["ReadonlyRootfs"] is True and host["CapDrop"] == ["ALL"] and not host["Privileged"]
    assert {m["Destination"]: m["RW"] for m in container.attrs["Mounts"]} == \
        {"/model": False, "/workbench/server.py": False}


def test_it_answers_like_the_model_and_a_fresh_process_finds_it(endpoint, sklearn_folder):
    rows = [[0.5, -1.0, 2.0], [-2.0, 0.1, 0.0], [0.0, 0.0, 0.0]]
    check_predictions(endpoint, rows, expected_sklearn(sklearn_folder, rows))
    (entry,) = [e for e in json.loads(workbench("endpoints", "list", "--json").stdout) if e["name"] == "sk-docker"]
    assert (entry["backend"], entry["state"], entry["predict_url"]) == ("docker", "running", endpoint)
    assert json.loads(workbench("endpoints", "show", "sk-docker").stdout)["healthy"] is True
    sample = json.loads(workbench("endpoints", "sample", "sk-docker").stdout)
    assert predict(endpoint, sample["instances"])[0] == 200
    assert "serving sklearn model model.joblib (3 features)" in workbench("endpoints", "logs", "sk-docker").stdout


def test_hostile_and_oversized_requests(endpoint):
    check_hostile_requests(endpoint)
    check_oversized_requests(endpoint.removesuffix("/predict"))


def test_name_and_port_clashes_are_refused_without_touching_the_endpoint(endpoint, sklearn_folder):
    port = int(endpoint.rsplit(":", 1)[1].split("/")[0])
    taken = workbench("serve", str(sklearn_folder), "--name", "sk-docker", "--backend", "docker")
    assert taken.returncode == 1 and "endpoint name 'sk-docker' is taken" in taken.stderr
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        clash = workbench("serve", str(sklearn_folder), "--name", "other", "--backend", "docker", "--port", str(busy))
    assert clash.returncode == 1 and f"port {busy} on 127.0.0.1 is in use" in clash.stderr
    assert json.loads(workbench("endpoints", "show", "sk-docker").stdout)["healthy"] is True
    assert port != busy


def test_stop_removes_the_container(endpoint, docker_client, sklearn_folder):
    assert workbench("endpoints", "stop", "sk-docker").returncode == 0
    assert docker_client.containers.list(all=True, filters={"label": "workbench.endpoint=sk-docker"}) == []
    gone = workbench("endpoints", "show", "sk-docker")
    assert gone.returncode == 1 and "no endpoint named 'sk-docker'" in gone.stderr
