"""Local fakes of the services remote runs talk to, on 127.0.0.1 only, each in a daemon thread.

`FakeVertex` speaks the Vertex AI PipelineService REST API (pipelineJobs create / get / list /
cancel, with `jobDetail.taskDetails`), the Cloud Storage bucket lookup aiplatform makes before
submitting (reach it with STORAGE_EMULATOR_HOST) and an OAuth token endpoint (an ADC file whose
`token_uri` points here). `FakeKfp` speaks the Kubeflow Pipelines v2beta1 REST API (healthz,
experiments, runs, pipeline upload / versions). `FakeRegistry` takes Artifact Registry KFP
uploads. A run moves one timeline frame per read; `cancel` ends it cancelled. Every server stops
itself after `LIFETIME_S` and answers at most `MAX_REQUESTS` requests.
"""

from __future__ import annotations

import json
import re
import threading
import time
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlparse

LIFETIME_S = 300.0
MAX_REQUESTS = 2000
TOKEN = "fake-access-token"

# A frame: the run's state and each task's state, in the service's own words.
Frame = dict[str, Any]


class FakeServer:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                fake.dispatch(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._timer = threading.Timer(LIFETIME_S, self.stop)
        self._timer.daemon = True

    def __enter__(self) -> FakeServer:
        self._thread.start()
        self._timer.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def stop(self) -> None:
        self._timer.cancel()
        self.server.shutdown()
        self.server.server_close()

    def routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        raise NotImplementedError

    def dispatch(self, request: BaseHTTPRequestHandler) -> None:
        url = urlparse(request.path)
        body = self._body(request)
        with self.lock:
            headers = {key.lower(): value for key, value in request.headers.items()}
            self.requests.append((request.command, url.path, headers, body))
            if len(self.requests) > MAX_REQUESTS:
                return self._reply(request, 429, {"error": "the fake's request budget is spent"})
            for method, pattern, handler in self.routes():
                match = re.fullmatch(pattern, url.path)
                if method == request.command and match:
                    status, payload = handler(body=body, query=parse_qs(url.query), headers=request.headers,
                                              **match.groupdict())
                    return self._reply(request, status, payload)
        self._reply(request, 404, {"error": {"code": 404, "message": f"no route {request.command} {url.path}",
                                             "status": "NOT_FOUND"}})

    @staticmethod
    def _body(request: BaseHTTPRequestHandler) -> Any:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        kind = request.headers.get("Content-Type", "")
        if kind.startswith("multipart/form-data"):
            message = BytesParser().parsebytes(f"Content-Type: {kind}\r\n\r\n".encode() + raw)
            return {part.get_param("name", header="content-disposition"): part.get_payload(decode=True).decode()
                    for part in message.get_payload()}
        if kind.startswith("application/json") and raw:
            return json.loads(raw)
        return raw.decode(errors="replace")

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, payload: Any) -> None:
        data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
        request.send_response(status)
        request.send_header("Content-Type", "text/plain" if isinstance(payload, str) else "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def received(self, method: str, path_pattern: str) -> list[Any]:
        with self.lock:
            return [body for m, path, _h, body in self.requests if m == method and re.fullmatch(path_pattern, path)]


class _Timeline:
    """A run's frames; each read shows the next one and the last one stays."""

    def __init__(self, frames: list[Frame]):
        self.frames = list(frames)
        self.index = -1

    def next(self) -> Frame:
        self.index = min(self.index + 1, len(self.frames) - 1)
        return self.frames[self.index]

    def end_with(self, frames: list[Frame]) -> None:
        self.frames = self.frames[: self.index + 1] + frames


def _cancelled(frame: Frame, running: tuple[str, ...], cancelling: str, cancelled: str, task_cancelled: str
               ) -> list[Frame]:
    tasks = {name: (task_cancelled if state in running else state) for name, state in frame["tasks"].items()}
    return [{**frame, "run": cancelling}, {"run": cancelled, "tasks": tasks}]


class FakeVertex(FakeServer):
    def __init__(self, frames: list[Frame] | None = None):
        super().__init__()
        self.frames = frames or vertex_success()
        self.buckets: dict[str, dict[str, Any]] = {}
        self.bucket_policies: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.timelines: dict[str, _Timeline] = {}

    def routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        jobs = r"/v1(?:beta1)?/(?P<parent>projects/[^/]+/locations/[^/]+)/pipelineJobs"
        return [
            ("POST", r"/token", self.token),
            ("GET", r"/storage/v1/b/(?P<bucket>[^/]+)", self.get_bucket),
            ("POST", r"/storage/v1/b", self.create_bucket),
            ("GET", r"/storage/v1/b/(?P<bucket>[^/]+)/iam", self.get_policy),
            ("PUT", r"/storage/v1/b/(?P<bucket>[^/]+)/iam", self.set_policy),
            ("POST", jobs, self.create),
            ("GET", jobs, self.list),
            ("GET", jobs + r"/(?P<job>[^/:]+)", self.get),
            ("POST", jobs + r"/(?P<job>[^/:]+):cancel", self.cancel),
        ]

    def token(self, **_: Any) -> tuple[int, Any]:
        return 200, {"access_token": TOKEN, "expires_in": 3600, "token_type": "Bearer"}

    def get_bucket(self, bucket: str, **_: Any) -> tuple[int, Any]:
        if bucket not in self.buckets:
            return 404, {"error": {"code": 404, "message": "no such bucket"}}
        return 200, self.buckets[bucket]

    def create_bucket(self, body: Any, **_: Any) -> tuple[int, Any]:
        self.buckets[body["name"]] = {"kind": "storage#bucket", "id": body["name"], **body}
        return 200, self.buckets[body["name"]]

    def get_policy(self, bucket: str, **_: Any) -> tuple[int, Any]:
        return 200, self.bucket_policies.get(bucket, {"kind": "storage#policy", "bindings": [], "etag": "CAE="})

    def set_policy(self, bucket: str, body: Any, **_: Any) -> tuple[int, Any]:
        self.bucket_policies[bucket] = body
        return 200, body

    def create(self, parent: str, body: dict[str, Any], query: dict[str, list[str]], **_: Any) -> tuple[int, Any]:
        job_id = query["pipelineJobId"][0]
        name = f"{parent}/pipelineJobs/{job_id}"
        job = {**body, "name": name, "state": "PIPELINE_STATE_PENDING", "createTime": _now()}
        self.jobs[job_id] = job
        self.timelines[job_id] = _Timeline(self.frames)
        return 200, job

    def get(self, job: str, **_: Any) -> tuple[int, Any]:
        if job not in self.jobs:
            return 404, {"error": {"code": 404, "message": f"pipelineJob {job} not found", "status": "NOT_FOUND"}}
        return 200, self._render(self.jobs[job], self.timelines[job].next())

    def list(self, **_: Any) -> tuple[int, Any]:
        return 200, {"pipelineJobs": list(self.jobs.values())}

    def cancel(self, job: str, **_: Any) -> tuple[int, Any]:
        timeline = self.timelines[job]
        frame = timeline.frames[max(timeline.index, 0)]
        timeline.end_with(_cancelled(frame, ("RUNNING", "PENDING"), "PIPELINE_STATE_CANCELLING",
                                     "PIPELINE_STATE_CANCELLED", "CANCELLED"))
        return 200, {}

    def _render(self, job: dict[str, Any], frame: Frame) -> dict[str, Any]:
        pipeline = job["pipelineSpec"]["pipelineInfo"]["name"]
        details = [{"taskId": "1", "taskName": pipeline, "state": _vertex_task(frame["run"])}]
        for index, (name, state) in enumerate(frame["tasks"].items(), start=2):
            detail: dict[str, Any] = {"taskId": str(index), "parentTaskId": "1", "taskName": name}
            detail["state"], _, execution = state.partition("/")
            if execution:
                detail["execution"] = {"state": execution}
            if detail["state"] == "FAILED":
                detail["error"] = {"code": 2, "message": f"{name} exited with code 1"}
            outputs = frame.get("outputs", {}).get(name)
            if outputs:
                detail["outputs"] = {key: {"artifacts": [artifact]} for key, artifact in outputs.items()}
            details.append(detail)
        rendered = {**job, "state": frame["run"], "jobDetail": {"taskDetails": details}}
        if frame["run"] == "PIPELINE_STATE_FAILED":
            rendered["error"] = {"code": 9, "message": "The DAG failed because some tasks failed."}
        return rendered


def _vertex_task(job_state: str) -> str:
    return {"PIPELINE_STATE_SUCCEEDED": "SUCCEEDED", "PIPELINE_STATE_FAILED": "FAILED",
            "PIPELINE_STATE_CANCELLED": "CANCELLED"}.get(job_state, "RUNNING")


def vertex_success() -> list[Frame]:
    metrics = {"metrics": {"uri": "gs://bucket/root/train/metrics", "schemaTitle": "system.Metrics",
                           "metadata": {"accuracy": 0.9}}}
    return [
        {"run": "PIPELINE_STATE_PENDING", "tasks": {}},
        {"run": "PIPELINE_STATE_RUNNING", "tasks": {"produce": "RUNNING", "train": "PENDING"}},
        {"run": "PIPELINE_STATE_RUNNING", "tasks": {"produce": "SUCCEEDED/CACHED", "train": "RUNNING"}},
        {"run": "PIPELINE_STATE_SUCCEEDED", "tasks": {"produce": "SUCCEEDED/CACHED", "train": "SUCCEEDED"},
         "outputs": {"train": metrics}},
    ]


def vertex_failure() -> list[Frame]:
    return [
        {"run": "PIPELINE_STATE_RUNNING", "tasks": {"produce": "RUNNING", "train": "PENDING"}},
        {"run": "PIPELINE_STATE_FAILED", "tasks": {"produce": "FAILED", "train": "NOT_TRIGGERED"}},
    ]


def vertex_running_forever() -> list[Frame]:
    return [{"run": "PIPELINE_STATE_RUNNING", "tasks": {"produce": "RUNNING", "train": "PENDING"}}]


class FakeKfp(FakeServer):
    def __init__(self, frames: list[Frame] | None = None, *, multi_user: bool = False):
        super().__init__()
        self.frames = frames or kfp_success()
        self.multi_user = multi_user
        self.runs: dict[str, dict[str, Any]] = {}
        self.timelines: dict[str, _Timeline] = {}
        self.experiments: list[dict[str, Any]] = []
        self.pipelines: list[dict[str, Any]] = []
        self.versions: list[dict[str, Any]] = []
        self.fail_reads = 0  # answer this many run reads with 503 first

    def routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        api = "/apis/v2beta1"
        return [
            ("GET", api + "/healthz", lambda **_: (200, {"multi_user": self.multi_user})),
            ("GET", api + "/experiments", self.list_experiments),
            ("POST", api + "/experiments", self.create_experiment),
            ("POST", api + "/runs", self.create_run),
            ("GET", api + "/runs", lambda **_: (200, {"runs": list(self.runs.values())})),
            ("GET", api + r"/runs/(?P<run>[^/:]+)", self.get_run),
            ("POST", api + r"/runs/(?P<run>[^/:]+):terminate", self.terminate),
            ("GET", api + "/pipelines", self.list_pipelines),
            ("POST", api + "/pipelines/upload", self.upload),
            ("POST", api + "/pipelines/upload_version", self.upload_version),
            ("GET", api + r"/pipelines/(?P<pipeline>[^/]+)/versions", self.list_versions),
        ]

    @staticmethod
    def _name_filter(query: dict[str, list[str]]) -> str | None:
        if "filter" not in query:
            return None
        return json.loads(query["filter"][0])["predicates"][0]["string_value" if "string_value" in
                                                                query["filter"][0] else "stringValue"]

    def list_experiments(self, query: dict[str, list[str]], **_: Any) -> tuple[int, Any]:
        name = self._name_filter(query)
        return 200, {"experiments": [e for e in self.experiments if name in (None, e["display_name"])]}

    def create_experiment(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        experiment = {**body, "experiment_id": f"exp-{len(self.experiments) + 1}"}
        self.experiments.append(experiment)
        return 200, experiment

    def create_run(self, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
        run_id = f"run-{len(self.runs) + 1}"
        run = {**body, "run_id": run_id, "state": "PENDING", "created_at": _now()}
        self.runs[run_id] = run
        self.timelines[run_id] = _Timeline(self.frames)
        return 200, run

    def get_run(self, run: str, **_: Any) -> tuple[int, Any]:
        if self.fail_reads > 0:
            self.fail_reads -= 1
            return 503, {"error": "upstream connect error", "code": 14}
        if run not in self.runs:
            return 404, {"error": f"run {run} not found", "code": 5}
        frame = self.timelines[run].next()
        details = [{"task_id": "t-root", "display_name": self.runs[run]["display_name"], "state": frame["run"]}]
        for name, state in frame["tasks"].items():
            task = {"task_id": f"t-{name}", "parent_task_id": "t-root", "display_name": name, "state": state}
            if state == "FAILED":
                task["error"] = {"code": 2, "message": f"{name} exited with code 1"}
            details.append(task)
        rendered = {**self.runs[run], "state": frame["run"], "run_details": {"task_details": details}}
        if frame["run"] == "FAILED":
            rendered["error"] = {"code": 2, "message": "a task failed"}
        return 200, rendered

    def terminate(self, run: str, **_: Any) -> tuple[int, Any]:
        timeline = self.timelines[run]
        frame = timeline.frames[max(timeline.index, 0)]
        timeline.end_with(_cancelled(frame, ("RUNNING", "PENDING"), "CANCELING", "CANCELED", "CANCELED"))
        return 200, {}

    def list_pipelines(self, query: dict[str, list[str]], **_: Any) -> tuple[int, Any]:
        name = self._name_filter(query)
        return 200, {"pipelines": [p for p in self.pipelines if name in (None, p["display_name"])]}

    def upload(self, body: dict[str, Any], query: dict[str, list[str]], **_: Any) -> tuple[int, Any]:
        pipeline_id = f"pipe-{len(self.pipelines) + 1}"
        pipeline = {"pipeline_id": pipeline_id, "display_name": query["name"][0], "created_at": _now()}
        self.pipelines.append(pipeline)
        self.versions.append({"pipeline_id": pipeline_id, "pipeline_version_id": f"{pipeline_id}-v1",
                              "display_name": query["name"][0], "spec": body.get("uploadfile", "")})
        return 200, pipeline

    def upload_version(self, body: dict[str, Any], query: dict[str, list[str]], **_: Any) -> tuple[int, Any]:
        pipeline_id = query["pipelineid"][0]
        count = sum(1 for v in self.versions if v["pipeline_id"] == pipeline_id)
        version = {"pipeline_id": pipeline_id, "pipeline_version_id": f"{pipeline_id}-v{count + 1}",
                   "display_name": query["name"][0], "spec": body.get("uploadfile", "")}
        self.versions.append(version)
        return 200, {key: value for key, value in version.items() if key != "spec"}

    def list_versions(self, pipeline: str, **_: Any) -> tuple[int, Any]:
        return 200, {"pipeline_versions": [{k: v for k, v in version.items() if k != "spec"}
                                           for version in self.versions if version["pipeline_id"] == pipeline]}


def kfp_success() -> list[Frame]:
    return [
        {"run": "PENDING", "tasks": {}},
        {"run": "RUNNING", "tasks": {"produce": "RUNNING", "train": "PENDING"}},
        {"run": "RUNNING", "tasks": {"produce": "SUCCEEDED", "train": "RUNNING"}},
        {"run": "SUCCEEDED", "tasks": {"produce": "SUCCEEDED", "train": "SUCCEEDED"}},
    ]


def kfp_failure() -> list[Frame]:
    return [
        {"run": "RUNNING", "tasks": {"produce": "RUNNING"}},
        {"run": "FAILED", "tasks": {"produce": "FAILED", "train": "SKIPPED"}},
    ]


class FakeRegistry(FakeServer):
    """Artifact Registry's KFP upload: multipart `content` (+ `tags`), answers `PACKAGE/sha256:...`."""

    def __init__(self) -> None:
        super().__init__()
        self.uploads: list[dict[str, Any]] = []

    def routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        return [("POST", r"/(?P<project>[^/]+)/(?P<repo>[^/]+)", self.upload)]

    def upload(self, body: dict[str, Any], headers: Any, **_: Any) -> tuple[int, Any]:
        self.uploads.append({**body, "authorization": headers.get("authorization", "")})
        return 200, "two-steps/sha256:0123abcd"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
