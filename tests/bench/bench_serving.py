"""Endpoint benchmark (`make bench`): cold start, latency and throughput of a local endpoint.

Serves a logistic regression shaped like the example's (18 features, model.joblib + model card) as
a Docker endpoint and as a local process endpoint (the alternative, measured in the same run):
  cold start   `workbench serve` command to healthy, the serving image already built (goal < 3 s)
  latency      one instance a request on one keep-alive connection, p50 / p99 (goals < 10 / < 50 ms)
  throughput   8 concurrent keep-alive clients for a few seconds (goal >= 500 requests/s)
Where python:3.11-slim cannot be pulled, it runs as workbench-base:bookworm (as `make run` does).
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
LATENCY_REQUESTS = 2000
THROUGHPUT_SECONDS = 5.0
CLIENTS = 8
FEATURES = 18


def make_model(folder: Path) -> dict:
    import joblib
    import sklearn
    from sklearn.linear_model import SGDClassifier

    rng = np.random.default_rng(7)
    x = rng.normal(size=(1400, FEATURES))
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype(float)
    folder.mkdir(parents=True)
    joblib.dump(SGDClassifier(loss="log_loss", random_state=7).fit(x, y), folder / "model.joblib")
    example = {"instances": [x[0].round(5).tolist()]}
    card = {"framework": "sklearn", "framework_version": sklearn.__version__, "model_file": "model.joblib",
            "input_schema": {"features": [{"name": f"f{i}", "type": "float"} for i in range(FEATURES)]},
            "example_request": example}
    (folder / "model_card.json").write_text(json.dumps(card))
    return example


def workbench(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True, env=env,
                          timeout=900, check=False)


def serve(env: dict, model: Path, name: str, backend: str) -> tuple[str, float]:
    started = time.perf_counter()
    result = workbench(env, "serve", str(model), "--name", name, "--backend", backend)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"serve failed: {result.stderr}")
    return result.stdout.strip(), elapsed


def _connection(url: str) -> http.client.HTTPConnection:
    host, port = url.removeprefix("http://").split("/")[0].split(":")
    return http.client.HTTPConnection(host, int(port), timeout=30)


def _post(connection: http.client.HTTPConnection, body: bytes) -> None:
    connection.request("POST", "/predict", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"prediction failed: {response.status}")


def latency(url: str, body: bytes) -> tuple[float, float]:
    connection = _connection(url)
    for _ in range(100):  # warm up
        _post(connection, body)
    times = []
    for _ in range(LATENCY_REQUESTS):
        started = time.perf_counter()
        _post(connection, body)
        times.append(time.perf_counter() - started)
    connection.close()
    cuts = statistics.quantiles(times, n=100)
    return cuts[49] * 1000, cuts[98] * 1000


def throughput(url: str, body: bytes) -> float:
    counts = [0] * CLIENTS
    stop = time.perf_counter() + THROUGHPUT_SECONDS

    def client(index: int) -> None:
        connection = _connection(url)
        while time.perf_counter() < stop:
            _post(connection, body)
            counts[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / THROUGHPUT_SECONDS


def measure(env: dict, model: Path, body: bytes, backend: str) -> dict:
    name = f"bench-{backend}"
    url, cold = serve(env, model, name, backend)
    try:
        p50, p99 = latency(url, body)
        rate = throughput(url, body)
    finally:
        workbench(env, "endpoints", "stop", name)
    return {"cold_start_s": cold, "p50_ms": p50, "p99_ms": p99, "requests_per_s": rate}


def docker_base_map() -> str:
    import docker

    client = docker.from_env()
    try:
        client.images.get("python:3.11-slim")
        return ""
    except docker.errors.ImageNotFound:
        return "python:3.11-slim=workbench-base:bookworm"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-serving-") as tmp:
        body = json.dumps(make_model(Path(tmp) / "model")).encode()
        env = {**os.environ, "WORKBENCH_DATA_DIR": str(Path(tmp) / "data"),
               "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               "WORKBENCH_SERVING_PYTHON": os.environ.get("WORKBENCH_SERVING_PYTHON", sys.executable)}
        if not env.get("WORKBENCH_IMAGE_MAP"):
            env["WORKBENCH_IMAGE_MAP"] = docker_base_map()
        serve(env, Path(tmp) / "model", "bench-warmup", "docker")  # builds the serving image once
        workbench(env, "endpoints", "stop", "bench-warmup")
        results = {backend: measure(env, Path(tmp) / "model", body, backend) for backend in ("docker", "subprocess")}
    goals = {"cold_start_s": ("<", 3.0), "p50_ms": ("<", 10.0), "p99_ms": ("<", 50.0), "requests_per_s": (">=", 500.0)}
    print(f"{'metric':<16} {'docker':>10} {'process':>10} {'docker/process':>15}  goal (docker)")
    for metric, (relation, goal) in goals.items():
        docker_value, process_value = results["docker"][metric], results["subprocess"][metric]
        met = docker_value < goal if relation == "<" else docker_value >= goal
        print(f"{metric:<16} {docker_value:>10.2f} {process_value:>10.2f} {docker_value / process_value:>15.2f}  "
              f"{relation} {goal:g} {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
