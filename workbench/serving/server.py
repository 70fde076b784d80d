"""A prediction server for one model folder, speaking the Vertex AI prediction contract.

    python3 server.py MODEL_DIR        (or the folder in AIP_STORAGE_URI)

It runs where Workbench is not installed (it is mounted alone into the serving container), so it
imports nothing from Workbench: only starlette, uvicorn, numpy and the model's framework. Like
Vertex AI's prebuilt containers it loads `model.joblib` / `model.pkl` (scikit-learn, answering
`predict`) or `model.bst` (XGBoost, answering the booster's prediction), listens on
AIP_HTTP_PORT and answers AIP_HEALTH_ROUTE and AIP_PREDICT_ROUTE: `{"instances": [[...], ...]}`
-> `{"predictions": [...]}`. Every request the model cannot take gets a 400 (413 when too
large) with a JSON message naming the problem; a traceback only ever reaches the log.
"""

from __future__ import annotations

import json
import math
import os
import sys
import traceback
from dataclasses import dataclass
from typing import Any, Callable

MODEL_FILES = {"model.joblib": "sklearn", "model.pkl": "sklearn", "model.bst": "xgboost"}
CARD_FILE = "model_card.json"
DEFAULT_MAX_BODY_BYTES = 10 * 2**20


class BadRequest(Exception):
    """A request the model cannot answer; its message goes back to the client."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class ModelLoadError(Exception):
    pass


@dataclass
class LoadedModel:
    framework: str
    model_file: str
    feature_names: list[str]
    predict: Callable[[Any], list]

    @property
    def n_features(self) -> int:
        return len(self.feature_names)


def load_model(folder: str) -> LoadedModel:
    """The model in `folder` with its feature names (from the model card, else f0, f1, ...)."""
    found = [name for name in MODEL_FILES if os.path.isfile(os.path.join(folder, name))]
    if not found:
        raise ModelLoadError(f"{folder}: no model file (expected one of {', '.join(MODEL_FILES)})")
    model_file = found[0]
    framework = MODEL_FILES[model_file]
    path = os.path.join(folder, model_file)
    try:
        n_features, predict = _load_framework_model(framework, path)
    except Exception as exc:  # noqa: BLE001 - whatever the file holds: one line, not a traceback
        first_line = (str(exc).splitlines() or [""])[0][:300]
        raise ModelLoadError(f"{path}: cannot load it as a {framework} model ({type(exc).__name__}: "
                             f"{first_line})") from None
    names = _card_features(folder)
    if names is None:
        if n_features is None:
            raise ModelLoadError(f"{folder}: the model does not say how many features it takes and there is "
                                 f"no {CARD_FILE} with an input_schema")
        names = [f"f{i}" for i in range(int(n_features))]
    elif n_features is not None and len(names) != int(n_features):
        raise ModelLoadError(f"{folder}/{CARD_FILE}: the input_schema lists {len(names)} features but the model "
                             f"takes {n_features}")
    return LoadedModel(framework, model_file, names, predict)


def _load_framework_model(framework: str, path: str) -> tuple[int | None, Callable[[Any], list]]:
    """The number of features the model takes (None when it does not say) and its predict function."""
    if framework == "sklearn":
        import joblib
        import sklearn

        sklearn.set_config(assume_finite=True)  # every value is checked finite below
        model = joblib.load(path)
        return getattr(model, "n_features_in_", None), _sklearn_predict(model)
    import xgboost

    booster = xgboost.Booster(model_file=path)
    return booster.num_features(), _xgboost_predict(booster)


def _sklearn_predict(model: Any) -> Callable[[Any], list]:
    return lambda rows: model.predict(rows).tolist()


def _xgboost_predict(booster: Any) -> Callable[[Any], list]:
    return lambda rows: booster.inplace_predict(rows).tolist()


def _card_features(folder: str) -> list[str] | None:
    path = os.path.join(folder, CARD_FILE)
    if not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            features = json.load(handle)["input_schema"]["features"]
        return [str(feature["name"]) for feature in features]
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ModelLoadError(f"{path}: no readable input_schema.features ({type(exc).__name__}: {exc})") from None


def _reject_constant(token: str) -> None:
    raise BadRequest(f"{token} is not a number a model can take; send finite numbers")


def parse_instances(body: bytes, model: LoadedModel) -> Any:
    """The instances of a request as a float matrix, or BadRequest naming what is wrong."""
    import numpy as np

    try:
        payload = json.loads(body, parse_constant=_reject_constant)
    except BadRequest:
        raise
    except RecursionError:
        raise BadRequest("the request body is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the request body is not valid JSON ({exc})") from None
    if not isinstance(payload, dict):
        raise BadRequest('the request body must be a JSON object: {"instances": [[...], ...]}')
    instances = payload.get("instances")
    if not isinstance(instances, list) or not instances:
        raise BadRequest('the request needs "instances": a non-empty list of instances, each a list of '
                         f"{model.n_features} numbers")
    for index, instance in enumerate(instances):
        _check_instance(index, instance, model)
    return np.asarray(instances, dtype=np.float64)


def _check_instance(index: int, instance: Any, model: LoadedModel) -> None:
    if not isinstance(instance, list):
        raise BadRequest(f"instance {index} is {type(instance).__name__}, not a list of "
                         f"{model.n_features} numbers ({', '.join(model.feature_names)})")
    if len(instance) != model.n_features:
        raise BadRequest(f"instance {index} has {len(instance)} values; the model takes {model.n_features} "
                         f"({', '.join(model.feature_names)})")
    for name, value in zip(model.feature_names, instance):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise BadRequest(f"instance {index}, feature {name}: {json.dumps(value)[:60]} is not a number")
        try:
            finite = math.isfinite(float(value))
        except OverflowError:
            finite = False
        if not finite:
            raise BadRequest(f"instance {index}, feature {name}: {str(value)[:60]} is out of range")


def create_app(model: LoadedModel, health_route: str = "/health", predict_route: str = "/predict",
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    def error(status: int, message: str) -> JSONResponse:
        headers = {"Connection": "close"} if status == 413 else None
        return JSONResponse({"error": message}, status_code=status, headers=headers)

    async def read_body(request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_body_bytes:
            raise BadRequest(f"the request body has {int(declared)} bytes; the limit is {max_body_bytes}: "
                             "send fewer instances a request", 413)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body_bytes:
                raise BadRequest(f"the request body is over the limit of {max_body_bytes} bytes: "
                                 "send fewer instances a request", 413)
            chunks.append(chunk)
        return b"".join(chunks)

    async def health(request: Request) -> Response:
        return JSONResponse({})

    async def predict(request: Request) -> Response:
        try:
            rows = parse_instances(await read_body(request), model)
            return JSONResponse({"predictions": model.predict(rows)})
        except BadRequest as exc:
            return error(exc.status, str(exc))
        except ValueError as exc:  # the framework refused the input
            return error(400, f"the model refused the instances: {str(exc).splitlines()[0]}")
        except Exception as exc:  # noqa: BLE001 - the client gets a message, the log the traceback
            traceback.print_exc()
            first_line = (str(exc).splitlines() or [""])[0]
            return error(500, f"prediction failed: {type(exc).__name__}: {first_line}")

    return Starlette(routes=[Route(health_route, health, methods=["GET"]),
                             Route(predict_route, predict, methods=["POST"])])


def main(argv: list[str]) -> int:
    folder = argv[1] if len(argv) > 1 else os.environ.get("AIP_STORAGE_URI", "")
    if not folder or "://" in folder:
        print("error: give the model folder as the first argument or in AIP_STORAGE_URI (a local path)",
              file=sys.stderr)
        return 2
    try:
        model = load_model(folder)
    except ModelLoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    port = int(os.environ.get("AIP_HTTP_PORT", "8080"))
    app = create_app(model, os.environ.get("AIP_HEALTH_ROUTE", "/health"),
                     os.environ.get("AIP_PREDICT_ROUTE", "/predict"),
                     int(os.environ.get("WORKBENCH_MAX_REQUEST_BYTES", DEFAULT_MAX_BODY_BYTES)))
    print(f"serving {model.framework} model {model.model_file} ({model.n_features} features) on port {port}",
          file=sys.stderr, flush=True)
    uvicorn.run(app, host=os.environ.get("WORKBENCH_SERVE_HOST", "0.0.0.0"), port=port, log_level="info",
                access_log=os.environ.get("WORKBENCH_ACCESS_LOG", "") == "1", timeout_graceful_shutdown=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
