"""The component and pipeline library (the successor of AI Hub), searched across three scopes.

Public: the built-in components and any catalog folders (read-only). Team: a shared folder.
Private: the user's own folder in the data dir. Every folder is a `FolderIndex`; published
versions never change, so earlier versions stay available. The GUI and the CLI use `Library`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from workbench.errors import ShareError
from workbench.share import versions as versions_
from workbench.share.assets import COMPONENT, example_usage, prepare, version_meta
from workbench.share.index import FolderIndex
from workbench.share.manifest import sha256

PUBLIC, TEAM, PRIVATE = "public", "team", "private"
SCOPES = (PRIVATE, TEAM, PUBLIC)


@dataclass(frozen=True)
class Asset:
    """A row of a listing or search: the asset as its newest version describes it."""

    scope: str
    asset_id: str
    kind: str
    name: str
    description: str
    latest: str
    versions: tuple[str, ...]


@dataclass(frozen=True)
class AssetVersion:
    """One published version: its page (meta) and its file."""

    scope: str
    meta: dict
    path: Path

    @property
    def asset_id(self) -> str:
        return self.meta["asset_id"]

    @property
    def version(self) -> str:
        return self.meta["version"]

    @property
    def example(self) -> str:
        return self.meta.get("example") or example_usage(self.meta["kind"], self.asset_id, self.version, self.scope)

    def load(self):
        """The ComponentSpec or PipelineGraph (raises a WorkbenchError naming the file if damaged)."""
        from workbench.components.loading import load_component_file
        from workbench.model.serialize import load

        return load_component_file(self.path) if self.meta["kind"] == COMPONENT else load(self.path)


class FolderStore:
    """A library folder in one scope."""

    def __init__(self, scope: str, root: str | Path, *, writable: bool):
        self.scope, self.root, self.writable = scope, Path(root), writable
        self.index = FolderIndex(root)

    def assets(self) -> dict[str, dict]:
        return self.index.assets()

    def meta(self, asset_id: str, version: str) -> dict:
        return self.index.meta(asset_id, version)

    def path_of(self, meta: dict) -> Path:
        return self.index.version_dir(meta["asset_id"], meta["version"]) / meta["file"]


class BuiltinStore:
    """The components shipped in resources/components, at the application's version."""

    scope = PUBLIC
    writable = False

    def __init__(self):
        self._assets: dict[str, dict] | None = None
        self._paths: dict[str, Path] = {}

    def assets(self) -> dict[str, dict]:
        if self._assets is None:
            from workbench import __version__
            from workbench.components.library import builtin_components
            from workbench.share.index import record

            assets: dict[str, dict] = {}
            for entry in builtin_components():
                prepared = prepare(entry.spec)
                meta = version_meta(prepared, scope=PUBLIC, version=__version__, example=None,
                                    sha256=sha256(entry.path.read_bytes()), published_by="Pipeline Workbench",
                                    published_at="(built in)")
                record(assets, meta)
                self._paths[prepared.asset_id] = entry.path
            self._assets = assets
        return self._assets

    def meta(self, asset_id: str, version: str) -> dict:
        return self.assets()[asset_id]["meta"]

    def path_of(self, meta: dict) -> Path:
        return self._paths[meta["asset_id"]]


def _haystack(asset_id: str, entry: dict) -> str:
    latest = entry["meta"]
    ports = " ".join(f"{p.get('name')} {p.get('type')}" for p in latest.get("inputs", []) + latest.get("outputs", []))
    return " ".join((asset_id, entry["name"], entry.get("description", ""), ports,
                     str(latest.get("published_by", "")))).lower()


class Library:
    """Search, show, publish and fetch assets across stores (in precedence order: first wins on `get`)."""

    def __init__(self, stores: Iterable[FolderStore | BuiltinStore]):
        self.stores = list(stores)
        self._search_cache: dict[int, tuple[dict, list[tuple[str, Asset]]]] = {}

    @classmethod
    def from_environment(cls, *, private_dir: str | Path | None = None, team_dir: str | Path | None = None,
                         catalog_dirs: Iterable[str | Path] | None = None) -> "Library":
        """Private (data dir), Team (`WORKBENCH_TEAM_DIR`), Public (built-ins + `WORKBENCH_CATALOG_DIRS`,
        os.pathsep-separated); arguments (e.g. from the GUI settings) override the environment."""
        from workbench.runs.paths import data_dir

        stores: list[FolderStore | BuiltinStore] = [
            FolderStore(PRIVATE, private_dir or data_dir() / "library", writable=True)]
        team_dir = team_dir or os.environ.get("WORKBENCH_TEAM_DIR")
        if team_dir:
            stores.append(FolderStore(TEAM, team_dir, writable=True))
        stores.append(BuiltinStore())
        if catalog_dirs is None:
            catalog_dirs = [d for d in os.environ.get("WORKBENCH_CATALOG_DIRS", "").split(os.pathsep) if d]
        stores += [FolderStore(PUBLIC, d, writable=False) for d in catalog_dirs]
        return cls(stores)

    def _stores(self, scope: str | None):
        if scope is not None and scope not in SCOPES:
            raise ShareError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
        return [s for s in self.stores if scope is None or s.scope == scope]

    def _rows(self, store) -> list[tuple[str, Asset]]:
        assets = store.assets()
        cached = self._search_cache.get(id(store))
        if cached is None or cached[0] is not assets:
            rows = []
            for asset_id in sorted(assets):
                entry = assets[asset_id]
                asset = Asset(store.scope, asset_id, entry["kind"], entry["name"], entry.get("description", ""),
                              entry["latest"], tuple(entry["order"]))
                rows.append((_haystack(asset_id, entry), asset))
            cached = self._search_cache[id(store)] = (assets, rows)
        return cached[1]

    def search(self, text: str = "", kind: str | None = None, scope: str | None = None) -> list[Asset]:
        """Assets whose name, description, ports or publisher contain every word of `text`;
        name matches first. An empty text lists everything."""
        words = text.lower().split()
        hits = []
        for store in self._stores(scope):
            for haystack, asset in self._rows(store):
                if (kind is None or asset.kind == kind) and all(w in haystack for w in words):
                    in_name = sum(w in asset.name.lower() for w in words)
                    hits.append((-in_name, asset.name.lower(), SCOPES.index(asset.scope), asset))
        hits.sort(key=lambda hit: hit[:3])
        return [hit[3] for hit in hits]

    def _find(self, asset_id: str, scope: str | None):
        for store in self._stores(scope):
            entry = store.assets().get(asset_id)
            if entry is not None:
                return store, entry
        where = f" in the {scope} scope" if scope else ""
        raise ShareError(f"no asset {asset_id!r}{where}; `workbench library search` lists them", element=asset_id)

    def versions(self, asset_id: str, scope: str | None = None) -> list[str]:
        """Oldest first."""
        return list(self._find(asset_id, scope)[1]["order"])

    def get(self, asset_id: str, version: str | None = None, scope: str | None = None) -> AssetVersion:
        store, entry = self._find(asset_id, scope)
        version = version or entry["latest"]
        if version not in entry["versions"]:
            raise ShareError(f"no version {version}; available: {', '.join(entry['order'])}",
                             element=asset_id)
        meta = store.meta(asset_id, version)
        return AssetVersion(store.scope, meta, store.path_of(meta))

    def publish(self, source, scope: str, version: str | None = None, *, name: str | None = None,
                description: str | None = None, example: str | None = None) -> AssetVersion:
        """Publish a component (.yaml / ComponentSpec) or pipeline (.wbp / PipelineGraph) as a new version
        (`version` None: the newest + 1, or 1.0.0)."""
        store = next((s for s in self._stores(scope) if s.writable), None)
        if store is None:
            configured = "" if scope != TEAM else " (set WORKBENCH_TEAM_DIR or the team folder in settings)"
            raise ShareError(f"cannot publish to the {scope} scope{configured}", element=scope)
        prepared = prepare(source, name=name, description=description)
        if not prepared.asset_id.split("/", 1)[1]:
            raise ShareError("the asset needs a name made of letters or digits", element=prepared.name)
        meta = version_meta(prepared, scope=scope, version=version and versions_.check(version), example=example,
                            sha256=sha256(prepared.content))
        meta = store.index.add(meta, prepared.filename, prepared.content)
        return AssetVersion(store.scope, meta, store.path_of(meta))
