"""Endpoints as local processes, where there is no Docker engine (or `--backend subprocess`).

The server runs on the interpreter of a virtual environment holding the serving packages (made
once, like the subprocess backend's task environments), in its own session so that it outlives
the command that started it, listening on 127.0.0.1 only. Its record (pid and start token, port,
source) is `endpoint.json` in the endpoint's folder and its output `endpoint.log`; a record whose
process is gone shows as stopped.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Callable

from workbench.errors import RunError
from workbench.runs import paths
from workbench.processes import process_token, same_process
from workbench.serving import endpoints
from workbench.serving.docker_endpoints import SERVING_PACKAGES
from workbench.serving.endpoints import Endpoint
from workbench.serving.model_folder import ModelFolder, snapshot

SERVING_PYTHON_VARIABLE = "WORKBENCH_SERVING_PYTHON"  # an interpreter with the serving packages
RECORD = "endpoint.json"
LOG = "endpoint.log"
STOP_GRACE_S = 3.0


def _alive(record: dict) -> bool:
    """Running, and the same process that started (a reused pid has another start token)."""
    return same_process(int(record.get("pid") or 0), str(record.get("token") or "?"))


def _endpoint(record: dict) -> Endpoint:
    return Endpoint(name=record["name"], backend="process", state="running" if _alive(record) else "stopped",
                    url=f"http://127.0.0.1:{record['port']}", framework=record.get("framework", ""),
                    source=record.get("source", ""), run_id=record.get("run_id", ""),
                    started=float(record.get("started") or 0), pipeline=record.get("pipeline", ""))


class ProcessEndpoints:
    backend = "process"

    def _records(self) -> list[dict]:
        root = endpoints.endpoints_dir()
        found = [endpoints.read_json(path) for path in sorted(root.glob(f"*/{RECORD}"))] if root.is_dir() else []
        return [record for record in found if isinstance(record, dict) and "name" in record and "port" in record]

    def list(self) -> list[Endpoint]:
        return [_endpoint(record) for record in self._records()]

    def find(self, name: str) -> dict | None:
        return next((record for record in self._records() if record["name"] == name), None)

    def start(self, model: ModelFolder, name: str, port: int | None, python: Path,
              progress: Callable[[str], None]) -> Endpoint:
        if port:
            endpoints.check_port_free(port)
        port = port or endpoints.free_port()
        folder = endpoints.fresh_endpoint_dir(name)
        try:
            return self._start_in(folder, model, name, port, python)
        except BaseException:  # nothing of a failed start stays: its name is free again (its log tail was shown)
            shutil.rmtree(folder, ignore_errors=True)
            raise

    def _start_in(self, folder: Path, model: ModelFolder, name: str, port: int, python: Path) -> Endpoint:
        model_copy = snapshot(model, folder / "model")
        env = {**os.environ, "AIP_HTTP_PORT": str(port), "AIP_HEALTH_ROUTE": endpoints.HEALTH_ROUTE,
               "AIP_PREDICT_ROUTE": endpoints.PREDICT_ROUTE, "AIP_STORAGE_URI": str(model_copy),
               "WORKBENCH_SERVE_HOST": "127.0.0.1", "PYTHONUNBUFFERED": "1"}
        with open(folder / LOG, "ab") as log:
            try:
                process = subprocess.Popen([str(python), str(folder / "server.py"), str(model_copy)], env=env,
                                           cwd=folder, stdin=subprocess.DEVNULL, stdout=log,
                                           stderr=subprocess.STDOUT, start_new_session=True)
            except OSError as exc:
                configured = os.environ.get(SERVING_PYTHON_VARIABLE)
                hint = f"; check {SERVING_PYTHON_VARIABLE}, or unset it" if configured else ""
                raise RunError(f"cannot start the server's Python {python} ({exc.strerror or exc}){hint}") from None
        record = {"name": name, "pid": process.pid, "token": process_token(process.pid), "port": port,
                  "framework": model.framework, "source": model.source, "run_id": model.run_id,
                  "started": time.time(), "pipeline": model.pipeline}
        (folder / RECORD).write_text(json.dumps(record, indent=2), encoding="utf-8")
        endpoint = _endpoint(record)

        def exited() -> str | None:
            if process.poll() is None:
                return None
            tail = (folder / LOG).read_text(errors="replace").strip()[-1500:]
            return f"the server exited with code {process.returncode}: {tail}"

        try:
            endpoints.wait_healthy(endpoint.url, exited, f"endpoint {name}")
        except BaseException:
            self.terminate(record)
            raise
        return endpoint

    def logs(self, name: str) -> str:
        self._get(name)
        try:
            return (endpoints.endpoint_dir(name) / LOG).read_text(errors="replace")
        except OSError:
            return ""

    def stop(self, name: str) -> None:
        self.terminate(self._get(name))
        (endpoints.endpoint_dir(name) / RECORD).unlink(missing_ok=True)

    def _get(self, name: str) -> dict:
        record = self.find(name)
        if record is None:
            raise endpoints.no_such_endpoint(name)
        return record

    @staticmethod
    def terminate(record: dict) -> None:
        """SIGTERM to the server's session, SIGKILL if it lingers; only when the pid is still ours."""
        if not _alive(record):
            return
        pid = int(record["pid"])
        _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        while time.monotonic() < deadline and _alive(record):
            _reap(pid)
            time.sleep(0.05)
        if _alive(record):
            _signal(pid, signal.SIGKILL)
        _reap(pid)


def _signal(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _reap(pid: int) -> None:
    """Collect the exit status when this process started the server (else it lingers as a zombie)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def serving_python(progress: Callable[[str], None]) -> Path:
    """The interpreter of the virtual environment with the serving packages (created once)."""
    from workbench.runs.subprocess_backend import SubprocessBackend

    return SubprocessBackend(paths.venv_root()).ensure_venv((" ".join(SERVING_PACKAGES),), progress)
