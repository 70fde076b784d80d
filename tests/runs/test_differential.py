"""Differential tests on the examples: our engine and kfp.local run the same IR file and must reach
the same output parameters and the same artifact contents, task by task."""

from __future__ import annotations

from pathlib import Path

import pytest
from differential import compare

from workbench.compiler.compile import compile_graph
from workbench.model.serialize import load

REPO = Path(__file__).resolve().parents[2]


def test_train_compare_deploy_matches_kfp_local(subprocess_backend, tmp_path, data_dir):  # its endpoint lands there
    ir_text = compile_graph(load(REPO / "pipelines" / "train_compare_deploy.wbp"))
    deterministic = {"load-tabular-data.dataset", "validate-and-preprocess.train", "validate-and-preprocess.test",
                     "engineer-features.train_features", "train-model.model", "train-model-2.model"}
    compared, differences = compare(ir_text, tmp_path, subprocess_backend, {"epochs": 10},
                                    deterministic_artifacts=deterministic)
    assert compared >= 10 and differences == []


def test_sweep_matches_kfp_local(subprocess_backend, tmp_path):
    ir_text = compile_graph(load(REPO / "pipelines" / "hyperparameter_sweep.wbp"))
    grid = [{"learning_rate": 0.05, "epochs": 5}, {"learning_rate": 0.1, "epochs": 8}]
    compared, differences = compare(ir_text, tmp_path, subprocess_backend, {"grid": grid},
                                    deterministic_artifacts={"load-tabular-data.dataset"})
    assert compared >= 2 and differences == []


@pytest.mark.parametrize("example, arguments", [("sharded_processing", {"n_shards": 3})])
def test_loop_in_exit_handler_matches_kfp_local(subprocess_backend, tmp_path, example, arguments):
    ir_text = compile_graph(load(REPO / "pipelines" / f"{example}.wbp"))
    compared, differences = compare(ir_text, tmp_path, subprocess_backend, arguments)
    assert compared >= 2 and differences == []
