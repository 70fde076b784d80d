"""What the library records about a component or pipeline: its stored file, interface and usage.

Components are stored as KFP component IR YAML (loadable by `kfp.components.load_component_from_file`),
pipelines as `.wbp` documents; both are parsed (never run) before they are published.
"""

from __future__ import annotations

import getpass
import time
from dataclasses import dataclass
from pathlib import Path

from workbench.components.spec import ComponentSpec, k8s_name
from workbench.errors import ShareError
from workbench.model.document import PipelineGraph

COMPONENT, PIPELINE = "component", "pipeline"
FILES = {COMPONENT: "component.yaml", PIPELINE: "pipeline.wbp"}


@dataclass(frozen=True)
class Prepared:
    kind: str
    name: str
    description: str
    inputs: list[dict]
    outputs: list[dict]
    content: bytes

    @property
    def asset_id(self) -> str:
        return f"{self.kind}/{k8s_name(self.name)}"

    @property
    def filename(self) -> str:
        return FILES[self.kind]


def _default(port) -> object:
    """The IR keeps integer defaults as doubles (60.0); show them as the Integer they are."""
    value = port.default
    return int(value) if port.type == "Integer" and isinstance(value, float) and value.is_integer() else value


def _ports(ports) -> list[dict]:
    """Component ports and pipeline parameters share these attributes."""
    return [{"default": _default(p), "description": p.description, "name": p.name, "optional": p.optional,
             "type": p.type} for p in ports]


def _load(path: Path) -> ComponentSpec | PipelineGraph:
    from workbench.components.loading import load_component_file
    from workbench.model.serialize import EXTENSION, load

    if path.suffix.lower() == EXTENSION:
        return load(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return load_component_file(path)
    raise ShareError("publish a component (.yaml) or a pipeline (.wbp)", path=str(path))


def prepare(source: str | Path | ComponentSpec | PipelineGraph, *, name: str | None = None,
            description: str | None = None) -> Prepared:
    """Normalise what is published; raises a WorkbenchError naming the file when it is not valid."""
    from workbench.model.serialize import to_json

    item = _load(Path(source)) if isinstance(source, (str, Path)) else source
    if isinstance(item, ComponentSpec):
        name = name or item.name
        return Prepared(COMPONENT, name, description if description is not None else item.description,
                        _ports(item.inputs), _ports(item.outputs), item.to_ir_text().encode("utf-8"))
    if isinstance(item, PipelineGraph):
        parameters = sorted(item.parameters.values(), key=lambda p: p.name)
        return Prepared(PIPELINE, name or item.name, description if description is not None else item.description,
                        _ports(parameters), [], to_json(item).encode("utf-8"))
    raise ShareError(f"cannot publish a {type(item).__name__}; publish a component or a pipeline")


def example_usage(kind: str, asset_id: str, version: str, scope: str) -> str:
    """Generated when shown (not stored), so it always names the version on the page."""
    stem = asset_id.split("/", 1)[1]
    get = f"workbench library get {asset_id} --version {version} --scope {scope}"
    if kind == COMPONENT:
        return (f"{get} -o {stem}.yaml\n\n# in a kfp pipeline:\nfrom kfp import components\n"
                f"{stem.replace('-', '_')} = components.load_component_from_file('{stem}.yaml')")
    return f"{get} -o {stem}.wbp\nworkbench run {stem}.wbp"


def version_meta(prepared: Prepared, *, scope: str, version: str | None, example: str | None,
                 sha256: str, published_by: str | None = None, published_at: str | None = None) -> dict:
    """The `meta.json` of one version (`version` None: the library picks the next one)."""
    return {
        "asset_id": prepared.asset_id,
        "description": prepared.description,
        "example": example,
        "file": prepared.filename,
        "inputs": prepared.inputs,
        "kind": prepared.kind,
        "name": prepared.name,
        "outputs": prepared.outputs,
        "published_at": published_at or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "published_by": published_by or getpass.getuser(),
        "scope": scope,
        "sha256": sha256,
        "version": version,
    }
