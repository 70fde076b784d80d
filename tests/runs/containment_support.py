"""Hostile pipelines for the containment tests, written as IR by hand (names kfp would never emit)
and a host folder / file that must come out of every run untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

DATASET = {"schemaTitle": "system.Dataset", "schemaVersion": "0.0.1"}


def task(command: list[str], *, parameters: tuple[str, ...] = (), artifacts: tuple[str, ...] = (),
         after: tuple[str, ...] = (), inputs: dict[str, str] | None = None,
         artifact_inputs: dict[str, tuple[str, str]] | None = None, cache: bool = False,
         image: str = "alpine", env: dict[str, str] | None = None) -> dict[str, Any]:
    """One executor task: `inputs` maps an input parameter to a pipeline parameter, `artifact_inputs`
    an input artifact to (producer task, output name)."""
    return {"command": command, "parameters": parameters, "artifacts": artifacts, "after": after,
            "inputs": inputs or {}, "artifact_inputs": artifact_inputs or {}, "cache": cache, "image": image,
            "env": env or {}}


def pipeline_ir(tasks: dict[str, dict[str, Any]], parameters: tuple[str, ...] = (), name: str = "hostile") -> str:
    components, executors, dag = {}, {}, {}
    for index, (key, spec) in enumerate(tasks.items()):
        component: dict[str, Any] = {"executorLabel": f"exec-{index}"}
        for section, parameters_, artifacts in (("outputDefinitions", spec["parameters"], spec["artifacts"]),
                                                ("inputDefinitions", spec["inputs"], spec["artifact_inputs"])):
            definitions = {"parameters": {p: {"parameterType": "STRING"} for p in parameters_},
                           "artifacts": {a: {"artifactType": DATASET} for a in artifacts}}
            if parameters_ or artifacts:
                component[section] = {kind: names for kind, names in definitions.items() if names}
        components[f"comp-{index}"] = component
        container = {"image": spec["image"], "command": spec["command"]}
        if spec["env"]:
            container["env"] = [{"name": k, "value": v} for k, v in spec["env"].items()]
        executors[f"exec-{index}"] = {"container": container}
        entry: dict[str, Any] = {"componentRef": {"name": f"comp-{index}"}, "taskInfo": {"name": key},
                                 "cachingOptions": {"enableCache": spec["cache"]}}
        if spec["after"]:
            entry["dependentTasks"] = list(spec["after"])
        task_inputs: dict[str, Any] = {}
        if spec["inputs"]:
            task_inputs["parameters"] = {p: {"componentInputParameter": source}
                                         for p, source in spec["inputs"].items()}
        if spec["artifact_inputs"]:
            task_inputs["artifacts"] = {a: {"taskOutputArtifact": {"producerTask": producer,
                                                                   "outputArtifactKey": output}}
                                        for a, (producer, output) in spec["artifact_inputs"].items()}
        if task_inputs:
            entry["inputs"] = task_inputs
        dag[key] = entry
    root: dict[str, Any] = {"dag": {"tasks": dag}}
    if parameters:
        root["inputDefinitions"] = {"parameters": {p: {"parameterType": "STRING", "defaultValue": ""}
                                                   for p in parameters}}
    spec = {"pipelineInfo": {"name": name}, "components": components,
            "deploymentSpec": {"executors": executors}, "root": root, "schemaVersion": "2.1.0"}
    return yaml.safe_dump(spec, sort_keys=False)


def output_file(name: str) -> str:
    return f"{{{{$.outputs.parameters['{name}'].output_file}}}}"


def artifact_path(name: str, direction: str = "outputs") -> str:
    return f"{{{{$.{direction}.artifacts['{name}'].path}}}}"


PIPELINE_ROOT = "{{$.pipeline_root}}"


class HostFolder:
    """A folder standing for the user's files (say ~/.ssh): a fingerprint of every entry, to show
    a run changed nothing in it."""

    SECRET = "host-secret-7f3a9c"

    def __init__(self, path: Path):
        self.path = path
        path.mkdir(parents=True)
        (path / "authorized_keys").write_text(f"ssh-ed25519 AAAA {self.SECRET}\n")
        (path / "notes").mkdir()
        (path / "notes" / "todo.txt").write_text("keep me\n")
        self.before = self.snapshot()

    def snapshot(self) -> dict[str, str]:
        return {str(p.relative_to(self.path)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
                for p in sorted(self.path.rglob("*"))}

    def untouched(self) -> bool:
        return self.snapshot() == self.before
