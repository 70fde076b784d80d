"""Differential tests: our engine and kfp.local (2.17, SubprocessRunner) run the same IR file and
must reach the same output parameters and the same artifact contents, task by task.

kfp.local runs in a child process (it keeps global state) without a venv of its own, so only
pipelines compiled by the kfp in this environment are used: its pip prologue then installs nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.compiler.compile import compile_graph
from workbench.model.serialize import load
from workbench.runs.engine import Engine

REPO = Path(__file__).resolve().parents[2]
KFP_LOCAL = """
import json, sys
import kfp.components, kfp.local
kfp.local.init(runner=kfp.local.SubprocessRunner(use_venv=False), pipeline_root=sys.argv[2])
kfp.components.load_component_from_file(sys.argv[1])(**json.loads(sys.argv[3]))
"""


def run_kfp_local(ir_path: Path, root: Path, arguments: dict) -> dict[str, dict]:
    """Each root-level task's executor output, as kfp.local left it on disk."""
    result = subprocess.run([sys.executable, "-c", KFP_LOCAL, str(ir_path), str(root), json.dumps(arguments)],
                            timeout=600, capture_output=True, text=True)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    (run_dir,) = [p for p in root.iterdir() if p.is_dir()]
    outputs = {}
    for task_dir in run_dir.iterdir():
        executor_output = task_dir / "executor_output.json"
        if executor_output.exists():
            outputs[task_dir.name] = json.loads(executor_output.read_text())
    return outputs


def artifact_bytes(uri: str) -> bytes | None:
    path = Path(uri)
    return path.read_bytes() if path.is_file() else None


def compare(ir_text: str, tmp_path: Path, backend, arguments: dict, deterministic_artifacts: set[str]) -> list[str]:
    ir_path = tmp_path / "pipeline.yaml"
    ir_path.write_text(ir_text)
    theirs = run_kfp_local(ir_path, tmp_path / "kfp-local", arguments)
    engine = Engine(backend, sinks=[], max_parallel=4, use_cache=False, cache_dir=tmp_path / "cache",
                    workspace_root=tmp_path / "ours")
    handle = engine.start(ir_text, arguments)
    assert handle.wait(600) == "succeeded", handle.message
    # kfp.local keeps one folder per task name; compare the tasks outside loops by name
    ours_by_name = {task_id.rsplit("/", 1)[-1]: task_id for task_id, state in handle.task_states().items()
                    if "[" not in task_id and state == "succeeded"}
    differences = []
    compared = 0
    for task in sorted(set(theirs) & set(ours_by_name)):
        try:
            ours = handle.outputs(ours_by_name[task])
        except KeyError:  # a DAG task (group) has no outputs of its own
            continue
        for name, value in theirs[task].get("parameterValues", {}).items():
            compared += 1
            if ours.get(name) != value:
                differences.append(f"{task}.{name}: ours {ours.get(name)!r}, kfp.local {value!r}")
        for name, artifacts in theirs[task].get("artifacts", {}).items():
            if f"{task}.{name}" not in deterministic_artifacts:
                continue
            compared += 1
            their_uri = artifacts["artifacts"][0]["uri"]
            if artifact_bytes(ours[name]) != artifact_bytes(their_uri):
                differences.append(f"{task}.{name}: artifact contents differ")
    assert compared, "nothing was compared"
    return differences


def test_train_compare_deploy_matches_kfp_local(subprocess_backend, tmp_path):
    ir_text = compile_graph(load(REPO / "pipelines" / "train_compare_deploy.wbp"))
    deterministic = {"load-tabular-data.dataset", "validate-and-preprocess.train", "validate-and-preprocess.test",
                     "engineer-features.train_features", "train-model.model", "train-model-2.model"}
    assert compare(ir_text, tmp_path, subprocess_backend, {"epochs": 10}, deterministic) == []


def test_sweep_matches_kfp_local(subprocess_backend, tmp_path):
    ir_text = compile_graph(load(REPO / "pipelines" / "hyperparameter_sweep.wbp"))
    grid = [{"learning_rate": 0.05, "epochs": 5}, {"learning_rate": 0.1, "epochs": 8}]
    assert compare(ir_text, tmp_path, subprocess_backend, {"grid": grid}, {"load-tabular-data.dataset"}) == []


@pytest.mark.parametrize("example, arguments", [("sharded_processing", {"n_shards": 3})])
def test_loop_in_exit_handler_matches_kfp_local(subprocess_backend, tmp_path, example, arguments):
    ir_text = compile_graph(load(REPO / "pipelines" / f"{example}.wbp"))
    assert compare(ir_text, tmp_path, subprocess_backend, arguments, set()) == []
