"""A KServe InferenceService (serving.kserve.io/v1beta1) for a model folder.

KServe's sklearn and xgboost runtimes load the same files Vertex AI's prebuilt containers do
(`model.joblib`, `model.bst`) from `storageUri`, and answer the same `{"instances": [...]}`
request on `/v1/models/NAME:predict`.
"""

from __future__ import annotations

import re

import yaml

from workbench.errors import RunError
from workbench.serving.endpoints import check_name
from workbench.serving.model_folder import ModelFolder

STORAGE_SCHEMES = ("gs://", "s3://", "pvc://", "https://", "hdfs://", "webhdfs://", "oci://")


def inference_service(model: ModelFolder, name: str, storage_uri: str, namespace: str | None = None) -> dict:
    check_name(name)
    if not storage_uri.startswith(STORAGE_SCHEMES):
        raise RunError(f"storageUri {storage_uri!r} is not one KServe can read: start it with one of "
                       f"{', '.join(STORAGE_SCHEMES)}")
    if namespace is not None:
        check_name(namespace)
    version = str(model.card.get("framework_version") or "")
    model_format = {"name": model.framework}
    if re.match(r"\d+", version):
        model_format["version"] = version.split(".")[0]
    metadata = {"name": name,
                "annotations": {"workbench/source": model.source, "workbench/model-file": model.model_file}}
    if namespace:
        metadata["namespace"] = namespace
    return {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": metadata,
        "spec": {"predictor": {"model": {
            "modelFormat": model_format,
            "protocolVersion": "v1",
            "storageUri": storage_uri.rstrip("/"),
            "resources": {"requests": {"cpu": "100m", "memory": "256Mi"},
                          "limits": {"cpu": "1", "memory": "1Gi"}},
        }}},
    }


def inference_service_yaml(model: ModelFolder, name: str, storage_uri: str, namespace: str | None = None) -> str:
    return yaml.safe_dump(inference_service(model, name, storage_uri, namespace), sort_keys=False)
