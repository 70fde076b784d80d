"""Running the `workbench` command in a fresh process, as a user does, with the test's environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

REPO_ROOT = __file__.rsplit("/tests/", 1)[0]


def workbench(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": REPO_ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def post(url: str, body: bytes, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def predict(url: str, instances) -> tuple[int, dict]:
    return post(url, json.dumps({"instances": instances}).encode())
