"""Every example runs to the end in Docker containers, through the CLI as a user runs it.

The examples name the public python:3.11-slim image; with no registry here, WORKBENCH_IMAGE_MAP
runs those tasks in the locally built base image (the same runtime-image preparation applies).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path


from workbench.runs.events import event_from_json

REPO = Path(__file__).resolve().parents[2]


def run_example(name: str, data_dir: Path, base_image: str, *extra: str) -> list:
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(data_dir),
           "WORKBENCH_IMAGE_MAP": f"python:3.11-slim={base_image}"}
    result = subprocess.run([sys.executable, "-m", "workbench", "run", str(REPO / "pipelines" / f"{name}.wbp"),
                             "--backend", "docker", "--events", "jsonl", *extra],
                            capture_output=True, text=True, env=env, timeout=900)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return [event_from_json(line) for line in result.stdout.splitlines() if line.startswith("{")]


def final_states(events) -> dict[str, str]:
    return {e.task_id: e.state for e in events if type(e).__name__ == "TaskStateChanged"}


def test_train_compare_deploy_in_docker(base_image, tmp_path):
    events = run_example("train_compare_deploy", tmp_path / "data", base_image, "--param", "epochs=20")
    states = final_states(events)
    trainers = ["train-model", "train-model-2", "train-model-3"]
    assert all(states[t] == "succeeded" for t in trainers)
    deployed = states["condition-branches-1/condition-2/deploy-model"]
    reported = states["condition-branches-1/condition-3/write-report"]
    assert {deployed, reported} == {"succeeded", "skipped"}
    assert states["condition-branches-1/condition-2/serve-model"] == deployed
    if deployed == "succeeded":  # the run ends with a live endpoint, its URL in the run's outputs
        check_served_endpoint(events, tmp_path / "data")
    # every trainer's loss curve arrived live, one point an epoch
    losses = [e for e in events if type(e).__name__ == "MetricLogged" and e.name == "loss"]
    assert {e.task_id for e in losses} == set(trainers)
    assert all(sum(e.task_id == t for e in losses) == 20 for t in trainers)
    # and as TensorBoard scalars, written to $TENSORBOARD_LOG_DIR inside the container and read on the host
    scalars = [e for e in events if type(e).__name__ == "MetricLogged" and e.name == "train/loss"]
    assert all(sorted(e.step for e in scalars if e.task_id == t) == list(range(20)) for t in trainers)
    finals = [e for e in events if type(e).__name__ == "ArtifactProduced" and e.type == "system.ClassificationMetrics"]
    assert {e.task_id for e in finals} == set(trainers)


def check_served_endpoint(events, data_dir: Path) -> None:
    (served,) = [e for e in events if type(e).__name__ == "ArtifactProduced" and e.name == "endpoint"]
    example = json.loads(Path(served.uri).read_text())["example_request"]  # from the model card
    request = urllib.request.Request(served.metadata["predict_url"], method="POST", data=json.dumps(example).encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        predictions = json.loads(response.read())["predictions"]
    assert len(predictions) == len(example["instances"]) and all(0.0 <= p <= 1.0 for p in predictions)
    stop = subprocess.run([sys.executable, "-m", "workbench", "endpoints", "stop", served.metadata["endpoint"]],
                          capture_output=True, text=True, env={**os.environ, "WORKBENCH_DATA_DIR": str(data_dir)})
    assert stop.returncode == 0, stop.stderr


def test_sweep_in_docker_collects_every_configuration(base_image, tmp_path):
    grid = [{"learning_rate": 0.05, "epochs": 5}, {"learning_rate": 0.1, "epochs": 5},
            {"learning_rate": 0.2, "epochs": 5}, {"learning_rate": 0.3, "epochs": 5}]
    events = run_example("hyperparameter_sweep", tmp_path / "data", base_image, "--param", f"grid={json.dumps(grid)}")
    states = final_states(events)
    iterations = [t for t, s in states.items() if t.endswith("/train-model") and s == "succeeded"]
    assert len(iterations) == 4
    assert states["pick-best-config"] == "succeeded"


def test_sharded_processing_runs_cleanup_in_docker(base_image, tmp_path):
    events = run_example("sharded_processing", tmp_path / "data", base_image, "--param", "n_shards=3")
    states = final_states(events)
    assert sum(t.endswith("/process-shard") and s == "succeeded" for t, s in states.items()) == 3
    assert states["cleanup"] == "succeeded"
    cleanup_lines = [e.line for e in events if type(e).__name__ == "LogLine" and e.task_id == "cleanup"]
    assert any("finished: SUCCEEDED" in line or "finished: COMPLETE" in line for line in cleanup_lines), cleanup_lines
