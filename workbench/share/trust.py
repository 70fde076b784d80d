"""Trust of imported bundles: what a bundle would run, and which bundles the user has approved.

A bundle is identified by the sha256 of its manifest (which holds the sha256 of every file), so an
approval covers exactly the reviewed content; changing one byte makes it a new, untrusted bundle.
Approvals live in the user data dir (`WORKBENCH_DATA_DIR` overrides it). Building the review only
reads text: no component code is compiled or run.
"""

from __future__ import annotations

import getpass
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from workbench.atomic import write_atomic
from workbench.components.spec import ComponentSpec
from workbench.model.document import PipelineGraph

STORE_NAME = "trusted_bundles.json"


@dataclass(frozen=True)
class ReviewItem:
    """One thing the bundle would run: a container (image, command, args, Python source) or an importer."""

    component: str
    origin: str
    kind: str
    image: str = ""
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    python: str | None = None
    packages: tuple[str, ...] = ()
    artifact_uri: str = ""


def _item(component: str, origin: str, executor: dict, python: tuple[str, list[str]] | None) -> ReviewItem:
    if "importer" in executor:
        uri = executor["importer"].get("artifactUri", {})
        return ReviewItem(component, origin, "importer", artifact_uri=json.dumps(uri, sort_keys=True))
    container = executor.get("container", {})
    source, packages = python if python else (None, [])
    return ReviewItem(component, origin, "container", image=str(container.get("image", "")),
                      command=tuple(map(str, container.get("command", []))),
                      args=tuple(map(str, container.get("args", []))), python=source, packages=tuple(packages))


def _executor_items(ir: dict, origin: str) -> list[ReviewItem]:
    from workbench.compiler.export_python import python_source_of

    items = []
    executors = (ir.get("deploymentSpec") or {}).get("executors") or {}
    for label in sorted(executors):
        executor = executors[label] if isinstance(executors[label], dict) else {}
        spec = ComponentSpec(name=label, implementation=executor)
        items.append(_item(label.removeprefix("exec-"), f"{origin} executor {label}", executor,
                           python_source_of(spec) if "container" in executor else None))
    return items


def review(graph: PipelineGraph, ir: dict) -> list[ReviewItem]:
    """Everything the bundle could run: the executors of its compiled pipeline and of its document's
    components (the two could differ in a hand-made bundle), each distinct item once."""
    from workbench.compiler.export_python import python_source_of

    items = _executor_items(ir, "pipeline.yaml")
    for key in sorted(graph.components):
        spec = graph.components[key]
        origin = f"pipeline.wbp component {key}"
        if spec.kind == "pipeline":
            items += _executor_items(spec.implementation["graph"], origin)
        else:
            items.append(_item(spec.name, origin, spec.implementation,
                               python_source_of(spec) if spec.kind == "container" else None))
    distinct: dict[tuple, ReviewItem] = {}
    for item in items:
        distinct.setdefault((item.kind, item.image, item.command, item.args, item.python, item.artifact_uri), item)
    return list(distinct.values())


def _indent(text: str, prefix: str = "      | ") -> list[str]:
    return [prefix + line for line in text.rstrip("\n").splitlines()]


def format_review(items: list[ReviewItem]) -> str:
    lines = [f"This bundle can run {len(items)} distinct thing(s). Read each before trusting it:"]
    for number, item in enumerate(items, 1):
        lines.append(f"[{number}] {item.component} ({item.kind}; from {item.origin})")
        if item.kind == "importer":
            lines.append(f"    imports artifact: {item.artifact_uri}")
            continue
        lines.append(f"    image:   {item.image}")
        command = ["(the Python source below)" if item.python and "def " in c and "import kfp" in c else c
                   for c in item.command]
        lines.append("    command:")
        for part in command:
            lines += _indent(part)
        lines.append(f"    args:    {json.dumps(list(item.args))}")
        if item.python is not None:
            packages = f" (pip packages: {', '.join(item.packages)})" if item.packages else ""
            lines.append(f"    Python source{packages}:")
            lines += _indent(item.python)
    return "\n".join(lines)


@dataclass
class TrustStore:
    """Approved bundle fingerprints in one JSON file, written atomically."""

    path: Path = field(default_factory=lambda: _default_store_path())

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return {}
        approved = data.get("approved") if isinstance(data, dict) else None
        return approved if isinstance(approved, dict) else {}

    def is_trusted(self, fingerprint: str) -> bool:
        return fingerprint in self._load()

    def approve(self, fingerprint: str, name: str) -> None:
        approved = self._load()
        approved[fingerprint] = {"approved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                 "approved_by": getpass.getuser(), "name": name}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps({"approved": approved, "schema_version": 1}, indent=2,
                                           sort_keys=True) + "\n")


def _default_store_path() -> Path:
    from workbench.runs.paths import data_dir

    return data_dir() / STORE_NAME


def folder_trusted(folder: str | Path, store: TrustStore | None = None) -> bool:
    """Whether an imported bundle folder is approved and unchanged since (for run and open checks)."""
    from workbench.share.bundle import verify_folder

    fingerprint = verify_folder(folder)
    return fingerprint is not None and (store or TrustStore()).is_trusted(fingerprint)
