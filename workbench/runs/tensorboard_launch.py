"""Start TensorBoard on a run's logs: the run's task folders, on 127.0.0.1 and a free port.

TensorBoard is an optional extra; without it the user is told how to install it. The server is a
child process (`python -m tensorboard.main`) that the caller stops; this returns once it answers.
Its output goes to an unnamed temporary file, never to a pipe: nobody reads a pipe once it runs,
and its data loader stops (and the server never answers) once a pipe holds 64 KiB of warnings,
e.g. about 300 damaged event files.
"""

from __future__ import annotations

import http.client
import importlib.util
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from workbench.errors import RunError
from workbench.runs.tensorboard_watch import INSTALL_HINT, has_event_files

START_TIMEOUT_S = 60.0


@dataclass
class TensorBoardServer:
    process: subprocess.Popen
    url: str
    logdir: Path
    output: IO[bytes]  # its stdout and stderr

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.output.close()

    def output_tail(self, size: int = 500) -> str:
        self.output.seek(0)
        return self.output.read().decode(errors="replace").strip()[-size:]


def installed() -> bool:
    try:
        return importlib.util.find_spec("tensorboard.main") is not None
    except ImportError:
        return False


def require_installed() -> None:
    if not installed():
        raise RunError(f"TensorBoard is not installed: {INSTALL_HINT}")


def run_logdir(workspace_root: Path, run_id: str) -> Path:
    """Where a run's TensorBoard logs are: its task folders ($TENSORBOARD_LOG_DIR and output artifacts)."""
    logdir = workspace_root / run_id / "tasks"
    if not has_event_files(logdir):
        raise RunError(f"run {run_id} wrote no TensorBoard event files (a task writes them to "
                       "$TENSORBOARD_LOG_DIR or into an output artifact)", path=str(logdir))
    return logdir


def start(logdir: Path, port: int | None = None) -> TensorBoardServer:
    require_installed()
    from workbench.serving.endpoints import check_port_free, free_port

    if port is None:
        port = free_port()
    else:
        check_port_free(port)
    output = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir), "--host", "127.0.0.1",
         "--port", str(port), "--reload_interval", "2"],
        stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
    server = TensorBoardServer(process, f"http://127.0.0.1:{port}/", logdir, output)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            message = f"TensorBoard exited with code {process.returncode}: {server.output_tail()}"
            server.stop()
            raise RunError(message)
        if _answers(port):
            return server
        time.sleep(0.2)
    server.stop()
    raise RunError(f"TensorBoard did not answer on {server.url} within {START_TIMEOUT_S:.0f} s")


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1.0)
    try:
        connection.request("GET", "/")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
