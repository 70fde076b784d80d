"""Tiny models trained on the host (the test venv's scikit-learn and XGBoost), saved as the example
trainer saves them: the model file Vertex AI loads and a model_card.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

FEATURES = ["age", "income", "score"]


def _data(rows: int = 200, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, len(FEATURES)))
    return x, (x[:, 0] + 0.5 * x[:, 1] > 0).astype(float)


def _card(folder: Path, framework: str, version: str, model_file: str, x: np.ndarray) -> None:
    card = {"name": folder.name, "framework": framework, "framework_version": version, "model_file": model_file,
            "input_schema": {"features": [{"name": name, "type": "float"} for name in FEATURES]},
            "example_request": {"instances": x[:2].round(4).tolist()}}
    (folder / "model_card.json").write_text(json.dumps(card))


def sklearn_model(folder: Path) -> Path:
    import joblib
    import sklearn
    from sklearn.linear_model import LogisticRegression

    x, y = _data()
    folder.mkdir(parents=True)
    joblib.dump(LogisticRegression().fit(x, y), folder / "model.joblib")
    _card(folder, "sklearn", sklearn.__version__, "model.joblib", x)
    return folder


def xgboost_model(folder: Path) -> Path:
    import xgboost

    x, y = _data()
    folder.mkdir(parents=True)
    booster = xgboost.train({"objective": "binary:logistic", "max_depth": 2, "nthread": 1},
                            xgboost.DMatrix(x, label=y), num_boost_round=5)
    booster.save_model(str(folder / "model.bst"))
    _card(folder, "xgboost", xgboost.__version__, "model.bst", x)
    return folder


def expected_sklearn(folder: Path, rows: list) -> list:
    import joblib

    return joblib.load(folder / "model.joblib").predict(np.asarray(rows, dtype=float)).tolist()
