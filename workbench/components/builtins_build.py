"""Regenerates the built-in library's compiled YAML from its Python sources (`make components`).

Each `resources/components/<category>/<name>.py` holds one component function; an optional first
line `# workbench: packages=numpy,scipy` lists what it installs. The YAML beside it is what the
palette reads (fast, no kfp import); a test checks it is current. The Kubernetes category holds
kfp-kubernetes' own CreatePVC and DeletePVC, written as kfp compiles them (no Python source).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from workbench.components.authoring import DEFAULT_BASE_IMAGE, python_component
from workbench.components.library import BUILTIN_DIR
from workbench.components.spec import ComponentSpec


def packages_of(source: str) -> list[str]:
    match = re.match(r"#\s*workbench:\s*packages=(\S+)", source)
    return match.group(1).split(",") if match else []


def compile_source(path: Path) -> ComponentSpec:
    source = path.read_text(encoding="utf-8")
    return python_component(source, path.stem, base_image=DEFAULT_BASE_IMAGE, packages=packages_of(source),
                            category=path.parent.name.replace("_", " ").title())


def builtin_yaml(path: Path) -> str:
    """The YAML text stored for one built-in: the component IR plus the editable Python source."""
    spec = compile_source(path)
    document = yaml.safe_load(spec.to_ir_text())
    document["pipelineInfo"]["description"] = spec.description
    return yaml.safe_dump(document, sort_keys=True)


def sources() -> list[Path]:
    return sorted(BUILTIN_DIR.rglob("*.py"))


KUBERNETES_COMPONENTS = {"create_pvc": "CreatePVC", "delete_pvc": "DeletePVC"}
"""File stem in resources/components/kubernetes -> the kfp-kubernetes component it holds."""


def kubernetes_builtins() -> dict[Path, str]:
    """The YAML text of each kfp-kubernetes built-in, by the path it is stored at."""
    from google.protobuf import json_format
    from kfp import kubernetes

    texts = {}
    for stem, attribute in KUBERNETES_COMPONENTS.items():
        component = getattr(kubernetes, attribute)
        document = json_format.MessageToDict(component.pipeline_spec)
        document["pipelineInfo"]["description"] = (component.description or "").strip().splitlines()[0]
        texts[BUILTIN_DIR / "kubernetes" / f"{stem}.yaml"] = yaml.safe_dump(document, sort_keys=True)
    return texts


def main() -> int:
    for path in sources():
        path.with_suffix(".yaml").write_text(builtin_yaml(path), encoding="utf-8")
        print(f"compiled {path.relative_to(BUILTIN_DIR)}")
    for path, text in kubernetes_builtins().items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(BUILTIN_DIR)} from kfp-kubernetes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
