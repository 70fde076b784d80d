"""Where components come from: the built-ins shipped in `resources/components/<category>/*.yaml`
and the user's own folder. Files are compiled component IR, read without importing kfp."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workbench.components.loading import load_component_file
from workbench.components.spec import ComponentSpec
from workbench.errors import ComponentError

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
BUILTIN_DIR = RESOURCES / "components"


@dataclass(frozen=True)
class LibraryEntry:
    key: str  # stable key: "<category>/<file stem>"
    category: str
    path: Path
    spec: ComponentSpec


def scan_folder(folder: Path, default_category: str) -> tuple[list[LibraryEntry], list[str]]:
    """Entries of every component YAML under `folder` (sub-folders are categories), and the
    problems of files that could not be read (a bad file never hides the others)."""
    entries, problems = [], []
    for path in sorted(folder.rglob("*.yaml")):
        category = path.parent.name if path.parent != folder else default_category
        try:
            spec = load_component_file(path)
        except ComponentError as exc:
            problems.append(str(exc))
            continue
        spec.category = spec.category or category.replace("_", " ").title()
        entries.append(LibraryEntry(key=f"{category}/{path.stem}", category=spec.category, path=path, spec=spec))
    return entries, problems


@lru_cache(maxsize=1)
def builtin_components() -> tuple[LibraryEntry, ...]:
    entries, problems = scan_folder(BUILTIN_DIR, "General")
    if problems:
        raise ComponentError("built-in component library is damaged: " + "; ".join(problems))
    return tuple(entries)


def builtin(key: str) -> ComponentSpec:
    """A fresh copy, safe to add to a document."""
    for entry in builtin_components():
        if entry.key == key:
            return copy.deepcopy(entry.spec)
    raise ComponentError(f"no built-in component {key!r}")
