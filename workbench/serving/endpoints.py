"""Local endpoints: what they are, where their files live, and the checks every backend shares.

An endpoint serves one model snapshot (see model_folder.py) with server.py, on 127.0.0.1 only.
Each has a folder `data_dir/endpoints/NAME` (model copy, server copy, and for a local process its
record and log). A Docker endpoint is a container labelled with its name and this data dir, so a
fresh process finds it again from the labels alone; a process endpoint is found from its record.
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import json
import re
import shutil
import socket
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator

from workbench.errors import RunError
from workbench.runs import paths

NAME_PATTERN = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
HEALTH_ROUTE = "/health"
PREDICT_ROUTE = "/predict"
CONTAINER_PORT = 8080
HEALTHY_TIMEOUT_S = 60.0
SERVER_SOURCE = Path(__file__).with_name("server.py")


@dataclass(frozen=True)
class Endpoint:
    name: str
    backend: str  # "docker" | "process"
    state: str  # "running" | "exited" | ... (Docker's words), "stopped" for a dead process
    url: str
    framework: str
    source: str
    run_id: str
    started: float
    pipeline: str = ""  # the pipeline whose Serve step started it ("" when a user did)

    @property
    def predict_url(self) -> str:
        return self.url + PREDICT_ROUTE

    @property
    def health_url(self) -> str:
        return self.url + HEALTH_ROUTE

    def to_json(self) -> dict:
        return {**asdict(self), "predict_url": self.predict_url, "health_url": self.health_url}


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise RunError(f"endpoint name {name!r} is not valid: use 1-63 lowercase letters, digits and '-', "
                       "starting and ending with a letter or digit")
    return name


def no_such_endpoint(name: str) -> RunError:
    return RunError(f"no endpoint named {name!r}; `workbench endpoints list` shows them")


def default_name(text: str) -> str:
    """A valid endpoint name made from a pipeline, run or folder name."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63].strip("-")
    return slug or "model"


def endpoints_dir() -> Path:
    return paths.data_dir() / "endpoints"


def endpoint_dir(name: str) -> Path:
    return endpoints_dir() / check_name(name)


@contextlib.contextmanager
def name_lock(name: str, timeout: float = 2 * HEALTHY_TIMEOUT_S) -> Iterator[None]:
    """Held while an endpoint of that name starts, across threads and processes: two runs of one
    pipeline serving at once take turns (the second replaces the first) instead of colliding."""
    endpoints_dir().mkdir(parents=True, exist_ok=True)
    with open(endpoints_dir() / f".{check_name(name)}.lock", "w") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RunError(f"endpoint {name} is being started by another process; try again") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fresh_endpoint_dir(name: str) -> Path:
    """An empty folder for a new endpoint (left-overs of a stopped one with that name removed)."""
    folder = endpoint_dir(name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copyfile(SERVER_SOURCE, folder / "server.py")
    return folder


def check_port_free(port: int) -> None:
    if not 0 < port < 65536:
        raise RunError(f"port {port} is not a TCP port (1-65535)")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise RunError(f"port {port} on 127.0.0.1 is in use; choose another --port or leave it out") from None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    host, _, port = url.removeprefix("http://").partition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("GET", HEALTH_ROUTE)
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def send_request(endpoint: Endpoint, body: bytes, timeout: float = 30.0) -> tuple[int, str, float]:
    """POST `body` as it is to the predict route: (HTTP status, response text, seconds taken)."""
    host, _, port = endpoint.url.removeprefix("http://").partition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        started = time.perf_counter()
        connection.request("POST", PREDICT_ROUTE, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        return response.status, text, time.perf_counter() - started
    except (OSError, http.client.HTTPException) as exc:
        raise RunError(f"endpoint {endpoint.name} did not answer {endpoint.predict_url}: {exc}") from None
    finally:
        connection.close()


def wait_healthy(url: str, still_starting: Callable[[], str | None], what: str,
                 timeout: float = HEALTHY_TIMEOUT_S) -> None:
    """Poll the health route until it answers 200. `still_starting` returns why the server cannot
    come up any more (it exited, with its last log lines), or None while it may still."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_healthy(url, timeout=1.0):
            return
        failure = still_starting()
        if failure is not None:
            raise RunError(f"{what} did not start: {failure}")
        time.sleep(0.05)
    raise RunError(f"{what} did not answer {url}{HEALTH_ROUTE} within {timeout:.0f} s; "
                   f"see `workbench endpoints logs`")


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
