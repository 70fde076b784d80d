"""The "Google Cloud" category: Google Cloud Pipeline Components (the optional `[gcp]` extra).

Importing google_cloud_pipeline_components and compiling its ~100 components costs seconds, so
nothing here runs at start-up: the first caller (palette expand or search, `workbench components
list`) builds the list, which is then cached per package version as compiled component IR in
the user cache dir (`component-index/`). Each entry keeps the component's docstring as its
description (shown in the inspector).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import warnings
from functools import lru_cache
from pathlib import Path

from workbench.components.loading import spec_from_ir
from workbench.components.spec import ComponentSpec
from workbench.errors import ComponentError

CATEGORY = "Google Cloud"
PACKAGE = "google_cloud_pipeline_components"
_PUBLIC_TREE = f"{PACKAGE}.v1"
_SKIPPED_MODULES = (".container", "._implementation", ".types")


def available() -> bool:
    """Whether the `[gcp]` extra is installed: a path lookup, cheap enough for start-up."""
    from importlib.util import find_spec

    return find_spec(PACKAGE) is not None


def installed_version() -> str | None:
    """The installed package version (read from its metadata, no import), or None without the extra."""
    from importlib import metadata

    try:
        return metadata.version("google-cloud-pipeline-components")
    except metadata.PackageNotFoundError:
        return None


def google_cloud_components(cache_dir: Path | None = None) -> tuple[tuple[str, ComponentSpec], ...]:
    """(key, spec) of every public component; empty without the `[gcp]` extra."""
    version = installed_version()
    if version is None:
        return ()
    return _load(version, str(cache_dir or _default_cache_dir()))


def _default_cache_dir() -> Path:
    """The user cache dir, shared by every data dir: the index depends only on the package version."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("pipeline-workbench", appauthor=False)) / "component-index"


@lru_cache(maxsize=4)
def _load(version: str, cache_dir: str) -> tuple[tuple[str, ComponentSpec], ...]:
    index = Path(cache_dir) / f"google-cloud-components-{version}.json"
    documents = _read_index(index)
    if documents is None:
        documents = _compile_all()
        _write_index(index, documents)
    entries = []
    for key, document in sorted(documents.items()):
        spec = spec_from_ir(document, where=key)
        spec.category = CATEGORY
        entries.append((key, spec))
    return tuple(entries)


def _read_index(index: Path) -> dict | None:
    try:
        documents = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return documents if isinstance(documents, dict) else None


def _write_index(index: Path, documents: dict) -> None:
    from workbench.atomic import write_atomic

    try:
        index.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(index, json.dumps(documents, sort_keys=True))
    except OSError:
        pass  # a read-only cache only costs the next start its compile


def _compile_all() -> dict[str, dict]:
    """key ("gcp_<component_name>") -> compiled component IR of each public component."""
    from workbench.compiler.kfp_lock import KFP_LOCK

    with KFP_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kfp's notes about default base images, not the user's concern
        from kfp.dsl.base_component import BaseComponent

        found: dict[str, dict] = {}
        package = importlib.import_module(_PUBLIC_TREE)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{_PUBLIC_TREE}."):
            if any(part in info.name for part in _SKIPPED_MODULES):
                continue
            try:
                module = importlib.import_module(info.name)
            except Exception:  # noqa: BLE001 - one broken module never hides the others
                continue
            for name in getattr(module, "__all__", dir(module)):
                component = getattr(module, name, None)
                if isinstance(component, BaseComponent) and name[0].isupper():
                    key = "gcp_" + component.name.replace("-", "_")
                    if key not in found:
                        found[key] = _component_ir(component)
        return found


def _component_ir(component) -> dict:
    """The component's pipeline spec as kfp compiles it, with its full docstring as the description."""
    from google.protobuf import json_format

    document = json_format.MessageToDict(component.pipeline_spec)
    description = (component.description or "").strip()
    if description:
        document.setdefault("pipelineInfo", {})["description"] = description
    return document


def google_cloud_spec(key: str) -> ComponentSpec:
    """A fresh copy of one component by key; ComponentError naming the key if it is not there."""
    import copy

    for entry_key, spec in google_cloud_components():
        if entry_key == key:
            return copy.deepcopy(spec)
    hint = "" if installed_version() else " (install the [gcp] extra: pip install 'pipeline-workbench[gcp]')"
    raise ComponentError(f"no Google Cloud component {key!r}{hint}")
