"""The execution cache, keyed as KFP keys it: component interface, container, resolved inputs.

An entry keeps output parameters and (hard-linked where possible) copies of output artifacts.
A hit materialises the artifacts at the new task's own output URIs, inside the run workspace,
so backends that mount only the workspace still see them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from workbench.runs.engine.executor_io import Values, runtime_artifact

_ENTRY_FILE = "outputs.json"


def cache_key(component: dict[str, Any], container: dict[str, Any], parameters: dict[str, Any],
              artifact_fingerprints: dict[str, list[str]]) -> str:
    """sha256 over what decides a task's outputs; artifacts enter by fingerprint, not run path."""
    material = {
        "inputDefinitions": component.get("inputDefinitions", {}),
        "outputDefinitions": component.get("outputDefinitions", {}),
        "image": container.get("image", ""),
        "command": container.get("command", []),
        "args": container.get("args", []),
        "env": container.get("env", []),
        "parameters": parameters,
        "artifacts": artifact_fingerprints,
    }
    encoded = json.dumps(material, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


class TaskCache:
    """A directory of entries `<key>/outputs.json` plus `<key>/artifacts/<name>/<index>`."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def lookup(self, key: str, executor_input: dict[str, Any]) -> Values | None:
        entry_dir = self.root / key
        try:
            entry = json.loads((entry_dir / _ENTRY_FILE).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None
        declared = executor_input["outputs"]["artifacts"]
        outputs = Values(parameters=entry.get("parameters", {}))
        for name, items in entry.get("artifacts", {}).items():
            if name not in declared:
                return None
            base_uri = declared[name]["artifacts"][0]["uri"]
            restored = []
            for index, item in enumerate(items):
                uri = item["uri"]
                if item.get("stored"):
                    uri = base_uri if index == 0 else f"{base_uri}-{index}"
                    _link_tree(entry_dir / item["stored"], Path(uri))
                restored.append(runtime_artifact(name, item["type"], uri, item.get("metadata")))
            outputs.artifacts[name] = restored
        return outputs

    def store(self, key: str, outputs: Values, task_root: Path) -> None:
        """Write atomically (temp dir then rename) so concurrent runs never see half an entry."""
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f".tmp-{key}-{uuid.uuid4().hex[:8]}"
        entry: dict[str, Any] = {"parameters": outputs.parameters, "artifacts": {}}
        try:
            for name, items in outputs.artifacts.items():
                stored_items = []
                for index, item in enumerate(items):
                    source = Path(item["uri"])
                    stored = None
                    if source.exists() and _is_inside(source, task_root):
                        stored = f"artifacts/{name}/{index}"
                        _link_tree(source, staging / stored)
                    stored_items.append({"type": item["type"], "metadata": item.get("metadata", {}),
                                         "uri": item["uri"], "stored": stored})
                entry["artifacts"][name] = stored_items
            staging.mkdir(parents=True, exist_ok=True)
            (staging / _ENTRY_FILE).write_text(json.dumps(entry, default=str), encoding="utf-8")
            try:
                os.replace(staging, self.root / key)
            except OSError:
                pass  # another run stored the same key first; its entry is equivalent
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _is_inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _link_tree(source: Path, destination: Path) -> None:
    """Hard-link files (copy across file systems); artifacts are never modified after a task."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, destination, copy_function=_link_or_copy, dirs_exist_ok=True)
    else:
        _link_or_copy(str(source), str(destination))


def _link_or_copy(source: str, destination: str) -> None:
    try:
        if os.path.lexists(destination):
            os.unlink(destination)
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
