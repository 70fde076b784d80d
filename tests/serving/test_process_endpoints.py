"""Process endpoints (no Docker): `workbench serve --backend subprocess` and the endpoints commands,
each in a fresh process as a user runs them; the contract and hostile requests against the real
uvicorn server; bad input with one-line messages."""

from __future__ import annotations

import json
import os
import signal
import socket

import pytest
from serving_cli import predict, workbench
from serving_contract import check_hostile_requests, check_oversized_requests, check_predictions
from serving_models import expected_sklearn

pytestmark = pytest.mark.usefixtures("serving_env")


@pytest.fixture(scope="module")
def endpoint(sklearn_folder):
    result = workbench("serve", str(sklearn_folder), "--name", "sk", "--backend", "subprocess")
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    yield url
    workbench("endpoints", "stop", "sk")


def _listed() -> dict:
    result = workbench("endpoints", "list", "--json")
    assert result.returncode == 0, result.stderr
    return {entry["name"]: entry for entry in json.loads(result.stdout)}


def test_serve_prints_the_predict_url_and_the_endpoint_answers(endpoint, sklearn_folder):
    assert endpoint.startswith("http://127.0.0.1:") and endpoint.endswith("/predict")
    rows = [[0.5, -1.0, 2.0], [-2.0, 0.1, 0.0]]
    check_predictions(endpoint, rows, expected_sklearn(sklearn_folder, rows))


def test_fresh_processes_find_show_and_sample_it(endpoint):
    entry = _listed()["sk"]
    assert (entry["backend"], entry["state"], entry["framework"], entry["predict_url"]) == \
        ("process", "running", "sklearn", endpoint)
    shown = json.loads(workbench("endpoints", "show", "sk").stdout)
    assert shown["healthy"] is True
    sample = json.loads(workbench("endpoints", "sample", "sk").stdout)
    code, answer = predict(endpoint, sample["instances"])
    assert code == 200 and len(answer["predictions"]) == len(sample["instances"])
    assert "Uvicorn running on http://127.0.0.1" in workbench("endpoints", "logs", "sk").stdout


def test_hostile_requests_get_400_with_the_problem_named(endpoint):
    check_hostile_requests(endpoint)


def test_oversized_requests_get_413_and_the_endpoint_stays_healthy(endpoint):
    check_oversized_requests(endpoint.removesuffix("/predict"))
    assert json.loads(workbench("endpoints", "show", "sk").stdout)["healthy"] is True


def test_a_taken_name_a_port_in_use_and_bad_sources_are_one_line_errors(endpoint, sklearn_folder, module_dir):
    port = int(endpoint.rsplit(":", 1)[1].split("/")[0])
    cases = [
        (("serve", str(sklearn_folder), "--name", "sk"), "endpoint name 'sk' is taken"),
        (("serve", str(sklearn_folder), "--name", "other", "--backend", "subprocess", "--port", str(port)),
         f"port {port} on 127.0.0.1 is in use"),
        (("serve", str(module_dir), "--name", "other"), "no model file here"),
        (("serve", str(module_dir / "missing"), "--name", "other"), "no such model folder"),
        (("serve", "20990101-000000-nosuch", "--name", "other"), "no run with id"),
        (("serve", str(sklearn_folder), "--name", "../etc"), "endpoint name '../etc' is not valid"),
        (("endpoints", "stop", "nosuch"), "no endpoint named 'nosuch'"),
        (("endpoints", "show", "Bad Name"), "is not valid"),
    ]
    for args, words in cases:
        result = workbench(*args)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "other" not in _listed()


def test_a_model_the_server_cannot_load_fails_the_start_with_its_message(sklearn_folder, module_dir):
    broken = module_dir / "broken"
    broken.mkdir()
    (broken / "model.joblib").write_bytes(b"not a pickle")
    result = workbench("serve", str(broken), "--name", "broken", "--backend", "subprocess")
    assert result.returncode == 1 and "endpoint broken did not start" in result.stderr
    assert "broken" not in {name for name, entry in _listed().items() if entry["state"] == "running"}


def test_an_endpoint_whose_process_died_shows_stopped_and_can_be_removed(xgboost_folder):
    result = workbench("serve", str(xgboost_folder), "--name", "xgb", "--backend", "subprocess")
    assert result.returncode == 0, result.stderr
    record = json.loads((_data_dir() / "endpoints" / "xgb" / "endpoint.json").read_text())
    os.killpg(record["pid"], signal.SIGKILL)
    _wait_gone(record["pid"])
    assert _listed()["xgb"]["state"] == "stopped"
    assert workbench("endpoints", "stop", "xgb").returncode == 0
    assert "xgb" not in _listed()
    with socket.socket() as probe:  # its port is free again
        probe.bind(("127.0.0.1", record["port"]))


def _data_dir():
    from pathlib import Path

    return Path(os.environ["WORKBENCH_DATA_DIR"])


def _wait_gone(pid: int) -> None:
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def test_a_failed_start_leaves_nothing_behind_and_its_name_free(sklearn_folder, module_dir, monkeypatch):
    """A start that failed left a 'stopped' record (so the next try said the name was taken), and a
    missing interpreter was an internal error."""
    broken = module_dir / "broken-again"
    broken.mkdir()
    (broken / "model.joblib").write_bytes(b"not a pickle")
    for _ in range(2):
        result = workbench("serve", str(broken), "--name", "broken-again", "--backend", "subprocess")
        assert result.returncode == 1 and "endpoint broken-again did not start" in result.stderr, result.stderr
        assert "model.joblib: cannot load it as a sklearn model (" in result.stderr  # one line, no traceback
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "broken-again" not in _listed() and not (_data_dir() / "endpoints" / "broken-again").exists()

    monkeypatch.setenv("WORKBENCH_SERVING_PYTHON", str(module_dir / "no-such-python"))
    result = workbench("serve", str(sklearn_folder), "--name", "no-python", "--backend", "subprocess")
    assert result.returncode == 1 and result.stderr.strip() == (
        f"error: cannot start the server's Python {module_dir / 'no-such-python'} (No such file or directory); "
        "check WORKBENCH_SERVING_PYTHON, or unset it")
    assert "no-python" not in _listed() and not (_data_dir() / "endpoints" / "no-python").exists()
