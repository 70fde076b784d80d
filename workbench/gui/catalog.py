"""The components the palette offers: built-ins plus the user's own library folder.

User components live in `<user data dir>/components/*.yaml` (platformdirs
`pipeline-workbench`, or `$WORKBENCH_DATA_DIR`), stored as compiled component IR so any KFP tool
can read them back.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from workbench.atomic import write_atomic
from workbench.components.library import builtin_components, scan_folder
from workbench.components.spec import ComponentSpec, k8s_name
from workbench.errors import ComponentError

USER_CATEGORY = "My components"


def data_dir() -> Path:
    override = os.environ.get("WORKBENCH_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("pipeline-workbench", appauthor=False))


def user_components_dir() -> Path:
    return data_dir() / "components"


@dataclass(frozen=True)
class CatalogEntry:
    key: str  # the key nodes use in a document: the file stem
    category: str
    spec: ComponentSpec


class ComponentCatalog:
    """Built-in and user components by category; reload after the user adds one."""

    def __init__(self):
        self.entries: list[CatalogEntry] = []
        self.problems: list[str] = []
        self.loaded_later: list[CatalogEntry] = []  # the Google Cloud category, once loaded
        self.reload()

    def reload(self) -> None:
        self.problems = []
        try:
            builtins = [CatalogEntry(e.path.stem, e.category, e.spec) for e in builtin_components()]
        except ComponentError as exc:
            builtins, self.problems = [], [str(exc)]
        folder = user_components_dir()
        user: list[CatalogEntry] = []
        if folder.is_dir():
            found, problems = scan_folder(folder, USER_CATEGORY)
            user = [CatalogEntry(e.path.stem, USER_CATEGORY, e.spec) for e in found]
            self.problems += problems
        self.entries = builtins + self.loaded_later + user

    def add_loaded_later(self, entries: list[CatalogEntry]) -> None:
        """Add a category built after start-up (Google Cloud components), kept across reloads."""
        self.loaded_later = list(entries)
        self.reload()

    def find(self, key: str) -> CatalogEntry | None:
        return next((e for e in reversed(self.entries) if e.key == key), None)

    def categories(self) -> list[str]:
        return list(dict.fromkeys(e.category for e in self.entries))

    def save_user_component(self, spec: ComponentSpec) -> CatalogEntry:
        """Write the component to the user folder (atomic) and list it."""
        folder = user_components_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stem = k8s_name(spec.name) or "component"
        write_atomic(folder / f"{stem}.yaml", spec.to_ir_text())
        self.reload()
        return self.find(stem)


def google_cloud_entries() -> list[CatalogEntry]:
    """The "Google Cloud" category (slow the first time: run it off the GUI thread)."""
    from workbench.components.google_cloud import google_cloud_components

    return [CatalogEntry(key, spec.category, spec) for key, spec in google_cloud_components()]
