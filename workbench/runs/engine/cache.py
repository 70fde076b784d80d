"""The execution cache, keyed as KFP keys it: component interface, container, resolved inputs.

An entry keeps output parameters, (hard-linked where possible) copies of output artifacts, and
the story of the run that produced it (task_story.py: its run, task and live metric series).
A hit materialises the artifacts at the new task's own output URIs, inside the run workspace,
so backends that mount only the workspace still see them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.runs import safe_fs
from workbench.runs.engine.executor_io import Values, runtime_artifact
from workbench.runs.engine.task_story import TaskStory

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


@dataclass(frozen=True)
class CacheHit:
    outputs: Values
    story: TaskStory


class TaskCache:
    """A directory of entries `<key>/outputs.json` plus `<key>/artifacts/<name>/<index>`.

    Artifacts move between a run's workspace and the cache only through `safe_fs`: a task that
    left a link where its artifact should be fails by name instead of having the engine copy
    (or, on a later hit, write) through that link."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def lookup(self, key: str, executor_input: dict[str, Any], run_dir: Path,
               task_parts: tuple[str, ...]) -> CacheHit | None:
        """The cached outputs, artifacts restored into the (empty) task folder `run_dir/task_parts`,
        and the producer's story (empty for entries written before it was kept); None on a miss
        or an unreadable entry."""
        try:
            entry = json.loads((self.root / key / _ENTRY_FILE).read_text(encoding="utf-8"))
            outputs = self._restore(key, entry, executor_input, run_dir, task_parts)
            return None if outputs is None else CacheHit(outputs, TaskStory.from_entry(entry))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _restore(self, key: str, entry: dict[str, Any], executor_input: dict[str, Any], run_dir: Path,
                 task_parts: tuple[str, ...]) -> Values | None:
        declared = executor_input["outputs"]["artifacts"]
        outputs = Values(parameters=dict(entry.get("parameters", {})))
        for name, items in entry.get("artifacts", {}).items():
            if name not in declared:
                return None
            base_uri = declared[name]["artifacts"][0]["uri"]
            restored = []
            for index, item in enumerate(items):
                uri = item["uri"]
                if item.get("stored"):
                    file_name = name if index == 0 else f"{name}[{index}]"  # '[' is never in a name
                    uri = base_uri if index == 0 else f"{base_uri}[{index}]"
                    safe_fs.copy_tree(self.root, (key, *item["stored"].split("/")),
                                      run_dir, (*task_parts, file_name))
                restored.append(runtime_artifact(name, item["type"], uri, item.get("metadata")))
            outputs.artifacts[name] = restored
        return outputs

    def store(self, key: str, outputs: Values, run_dir: Path, task_parts: tuple[str, ...],
              story: TaskStory) -> None:
        """Write atomically (temp dir then rename) so concurrent runs never see half an entry.
        Artifacts inside the task folder are copied (hard links); others are kept as URIs."""
        self.root.mkdir(parents=True, exist_ok=True)
        staging = f".tmp-{key}-{uuid.uuid4().hex[:8]}"
        task_root = run_dir.joinpath(*task_parts)
        entry: dict[str, Any] = {"parameters": outputs.parameters, "artifacts": {}, **story.to_entry()}
        try:
            for name, items in outputs.artifacts.items():
                stored_items = []
                for index, item in enumerate(items):
                    below = safe_fs.inside(item["uri"], task_root)
                    stored = None
                    if below and safe_fs.kind_of(run_dir, (*task_parts, *below)) != "missing":
                        stored = f"artifacts/{name}/{index}"
                        safe_fs.copy_tree(run_dir, (*task_parts, *below), self.root,
                                          (staging, "artifacts", name, str(index)))
                    stored_items.append({"type": item["type"], "metadata": item.get("metadata", {}),
                                         "uri": item["uri"], "stored": stored})
                entry["artifacts"][name] = stored_items
            (self.root / staging).mkdir(parents=True, exist_ok=True)
            (self.root / staging / _ENTRY_FILE).write_text(json.dumps(entry, default=str), encoding="utf-8")
            try:
                os.replace(self.root / staging, self.root / key)
            except OSError:
                pass  # another run stored the same key first; its entry is equivalent
        finally:
            shutil.rmtree(self.root / staging, ignore_errors=True)
