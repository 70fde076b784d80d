"""Removing the endpoints tests left running: containers labelled with a data dir under a folder,
and process endpoints recorded under it."""

from __future__ import annotations

import sys
from pathlib import Path


def stop_endpoints_under(root: Path) -> int:
    from workbench.serving.docker_endpoints import HOME_LABEL
    from workbench.serving.process_endpoints import RECORD, ProcessEndpoints
    from workbench.serving.endpoints import read_json

    stopped = 0
    for path in root.glob(f"**/endpoints/*/{RECORD}"):
        record = read_json(path)
        if isinstance(record, dict) and "pid" in record:
            ProcessEndpoints.terminate(record)
            stopped += 1
    if "docker" not in sys.modules:  # no test used Docker in this session
        return stopped
    import docker

    try:
        client = docker.from_env(timeout=30)
        containers = client.containers.list(all=True, filters={"label": HOME_LABEL})
        for container in containers:
            if container.labels.get(HOME_LABEL, "").startswith(str(root)):
                container.remove(force=True)
                stopped += 1
    except docker.errors.DockerException:
        pass
    return stopped
