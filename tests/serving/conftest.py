"""Fixtures for serving: tiny models trained here, a private data dir, and process endpoints that run
on this interpreter (the test venv has the serving packages) instead of a fresh virtual environment."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from serving_models import sklearn_model, xgboost_model


@pytest.fixture(scope="module")
def module_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("serving")


@pytest.fixture(scope="module")
def sklearn_folder(module_dir: Path) -> Path:
    return sklearn_model(module_dir / "sk-model")


@pytest.fixture(scope="module")
def xgboost_folder(module_dir: Path) -> Path:
    return xgboost_model(module_dir / "xgb-model")


@pytest.fixture(scope="module")
def serving_env(module_dir: Path):
    """Environment variables of a workbench home for the whole module (endpoints outlive one test)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_DATA_DIR", str(module_dir / "data"))
        patch.setenv("WORKBENCH_SERVING_PYTHON", sys.executable)
        yield
