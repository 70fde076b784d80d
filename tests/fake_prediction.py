"""A fake of Vertex AI's model and endpoint services and of the GCS upload API, on 127.0.0.1.

Extends FakeVertex (token endpoint, bucket lookup) with: objects uploaded through the JSON API
(multipart), `models:upload`, `endpoints` create, `:deployModel` (long-running operations that
finish on the first read) and `:predict`, which loads the uploaded model file with the real
scikit-learn / XGBoost and answers with its predictions, so a deployment is checked end to end.
"""

from __future__ import annotations

import email
import io
import json
import tempfile
from pathlib import Path
from typing import Any, Callable

from fake_services import FakeVertex

LOCATION = r"/v1/(?P<parent>projects/[^/]+/locations/[^/]+)"


class FakeVertexPrediction(FakeVertex):
    def __init__(self) -> None:
        super().__init__()
        self.objects: dict[str, bytes] = {}  # "bucket/key" -> content
        self.models: dict[str, dict[str, Any]] = {}
        self.endpoints: dict[str, dict[str, Any]] = {}
        self.operations: dict[str, dict[str, Any]] = {}

    @staticmethod
    def _body(request: Any) -> Any:
        if request.headers.get("Content-Type", "").startswith("multipart/related"):
            length = int(request.headers.get("Content-Length") or 0)
            return {"content_type": request.headers["Content-Type"], "raw": request.rfile.read(length)}
        return FakeVertex._body(request)

    def routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        return [
            ("POST", r"/upload/storage/v1/b/(?P<bucket>[^/]+)/o", self.upload_object),
            ("POST", LOCATION + r"/models:upload", self.upload_model),
            ("GET", LOCATION + r"/models/(?P<model>[^/:]+)", self.get_model),
            ("POST", LOCATION + r"/endpoints", self.create_endpoint),
            ("GET", LOCATION + r"/endpoints/(?P<endpoint>[^/:]+)", self.get_endpoint),
            ("POST", LOCATION + r"/endpoints/(?P<endpoint>[^/:]+):deployModel", self.deploy_model),
            ("POST", LOCATION + r"/endpoints/(?P<endpoint>[^/:]+):predict", self.predict),
            ("GET", r"/(?:v1|ui)/(?P<operation>projects/.+/operations/[^/]+)", self.get_operation),
        ] + super().routes()

    def upload_object(self, bucket: str, body: Any, query: dict[str, list[str]], **_: Any) -> tuple[int, Any]:
        message = email.message_from_bytes(b"Content-Type: " + body["content_type"].encode() + b"\r\n\r\n"
                                           + body["raw"])
        metadata_part, content_part = message.get_payload()
        name = json.loads(metadata_part.get_payload(decode=True))["name"]
        content = content_part.get_payload(decode=True)
        self.objects[f"{bucket}/{name}"] = content
        return 200, {"kind": "storage#object", "bucket": bucket, "name": name, "size": str(len(content)),
                     "generation": "1", "id": f"{bucket}/{name}/1"}

    def _operation(self, resource: str, response_type: str, response: dict[str, Any]) -> dict[str, Any]:
        name = f"{resource}/operations/{len(self.operations) + 1}"
        kind = f"type.googleapis.com/google.cloud.aiplatform.v1.{response_type}"
        self.operations[name] = {"name": name, "done": True, "response": {"@type": kind, **response}}
        return {"name": name, "done": False}

    def get_operation(self, operation: str, **_: Any) -> tuple[int, Any]:
        if operation not in self.operations:
            return 404, {"error": {"code": 404, "message": f"no operation {operation}", "status": "NOT_FOUND"}}
        return 200, self.operations[operation]

    def upload_model(self, parent: str, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        model_id = str(1000 + len(self.models))
        name = f"{parent}/models/{model_id}"
        self.models[model_id] = {**body["model"], "name": name, "createTime": "2026-01-01T00:00:00Z",
                                 "supportedDeploymentResourcesTypes": ["DEDICATED_RESOURCES"]}
        return 200, self._operation(name, "UploadModelResponse", {"model": name})

    def get_model(self, model: str, **_: Any) -> tuple[int, Any]:
        if model not in self.models:
            return 404, {"error": {"code": 404, "message": f"model {model} not found", "status": "NOT_FOUND"}}
        return 200, self.models[model]

    def create_endpoint(self, parent: str, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        endpoint_id = str(2000 + len(self.endpoints))
        name = f"{parent}/endpoints/{endpoint_id}"
        self.endpoints[endpoint_id] = {**body, "name": name, "deployedModels": []}
        return 200, self._operation(name, "Endpoint", self.endpoints[endpoint_id])

    def get_endpoint(self, endpoint: str, **_: Any) -> tuple[int, Any]:
        if endpoint not in self.endpoints:
            return 404, {"error": {"code": 404, "message": f"endpoint {endpoint} not found", "status": "NOT_FOUND"}}
        return 200, self.endpoints[endpoint]

    def deploy_model(self, endpoint: str, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        deployed = {**body["deployedModel"], "id": str(3000 + len(self.endpoints[endpoint]["deployedModels"]))}
        model_id = deployed["model"].rsplit("/", 1)[-1]
        if model_id not in self.models:
            return 400, {"error": {"code": 400, "message": f"model {deployed['model']} does not exist",
                                   "status": "INVALID_ARGUMENT"}}
        self.endpoints[endpoint]["deployedModels"].append(deployed)
        self.endpoints[endpoint]["trafficSplit"] = {deployed["id"]: 100}
        return 200, self._operation(self.endpoints[endpoint]["name"], "DeployModelResponse",
                                    {"deployedModel": deployed})

    def predict(self, endpoint: str, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        deployed = self.endpoints.get(endpoint, {}).get("deployedModels")
        if not deployed:
            return 400, {"error": {"code": 400, "message": "no model deployed", "status": "FAILED_PRECONDITION"}}
        model = self.models[deployed[-1]["model"].rsplit("/", 1)[-1]]
        return 200, {"predictions": self._load(model["artifactUri"])(body["instances"]),
                     "deployedModelId": deployed[-1]["id"]}

    def _load(self, artifact_uri: str) -> Callable[[list], list]:
        """The uploaded model, loaded as the prebuilt container would (real libraries)."""
        import numpy as np

        prefix = artifact_uri.removeprefix("gs://").rstrip("/") + "/"
        files = {key[len(prefix):]: content for key, content in self.objects.items() if key.startswith(prefix)}
        if "model.joblib" in files:
            import joblib

            model = joblib.load(io.BytesIO(files["model.joblib"]))
            return lambda rows: model.predict(np.asarray(rows, dtype=float)).tolist()
        import xgboost

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "model.bst"
            path.write_bytes(files["model.bst"])
            booster = xgboost.Booster(model_file=str(path))
        return lambda rows: booster.inplace_predict(np.asarray(rows, dtype=float)).tolist()
