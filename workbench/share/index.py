"""One library folder (a Team share, the Private library or a catalog) and its index file.

Layout: `index.json` plus `assets/<kind>/<slug>/<version>/{<file>, meta.json}`. Each version's
`meta.json` is the truth; `index.json` gathers them so thousands of assets open with one read.
Publishers take a lock file (O_EXCL, works on network shares), re-read the index, add the
version and replace the index atomically: readers always see a whole index, and two publishers
never lose each other's versions. A missing or damaged index is rebuilt from the meta files.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

from workbench.atomic import write_atomic
from workbench.errors import ShareError

INDEX = "index.json"
LOCK = ".index.lock"
META = "meta.json"
ASSETS = "assets"
SCHEMA_VERSION = 1
LOCK_TIMEOUT_S = 30.0
LOCK_STALE_S = 120.0


class _Lock:
    """An exclusive lock file; one left by a crashed publisher is broken after LOCK_STALE_S."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> "_Lock":
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                self._break_if_stale()
                if time.monotonic() > deadline:
                    raise ShareError(f"the library is locked by another publisher; try again (or remove "
                                     f"{self.path.name} if no one is publishing)", path=str(self.path.parent))
                time.sleep(0.01)
                continue
            with os.fdopen(fd, "w") as handle:
                handle.write(f"{socket.gethostname()} {os.getpid()}\n")
            return self

    def _break_if_stale(self) -> None:
        try:
            if time.time() - self.path.stat().st_mtime > LOCK_STALE_S:
                self.path.unlink()
        except FileNotFoundError:
            pass

    def __exit__(self, *exc) -> None:
        self.path.unlink(missing_ok=True)


class FolderIndex:
    """Assets of one folder: `{asset_id: {"kind", "name", "description", "latest", "meta" (of the
    latest), "order", "versions": {v: {"published_at", "published_by"}}}}`."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._cache: tuple[tuple[int, int], dict] | None = None

    def assets(self) -> dict[str, dict]:
        """The index, re-read only when the file changed; rebuilt in memory if missing or damaged."""
        path = self.root / INDEX
        try:
            status = path.stat()
        except OSError:
            return self.rebuild(write=False) if (self.root / ASSETS).is_dir() else {}
        stamp = (status.st_mtime_ns, status.st_size)
        if self._cache and self._cache[0] == stamp:
            return self._cache[1]
        assets = self._read(path)
        if assets is None:
            assets = self.rebuild(write=False)
        self._cache = (stamp, assets)
        return assets

    @staticmethod
    def _read(path: Path) -> dict | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return None
        if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
            return None
        assets = data.get("assets")
        return assets if isinstance(assets, dict) else None

    def rebuild(self, *, write: bool = True) -> dict[str, dict]:
        """The index recomputed from every `meta.json` (a damaged one is skipped)."""
        assets: dict[str, dict] = {}
        for meta_path in sorted((self.root / ASSETS).glob(f"*/*/*/{META}")):
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
                record(assets, meta)
            except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
                continue
        if write:
            self._write(assets)
        return assets

    def _write(self, assets: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        write_atomic(self.root / INDEX, json.dumps({"assets": assets, "schema_version": SCHEMA_VERSION},
                                                   sort_keys=True, separators=(",", ":")))
        self._cache = None

    def version_dir(self, asset_id: str, version: str) -> Path:
        return self.root / ASSETS / asset_id / version

    def meta(self, asset_id: str, version: str) -> dict:
        """The full meta of one version: from the index for the newest, from its folder otherwise."""
        entry = self.assets()[asset_id]
        if version == entry["latest"]:
            return entry["meta"]
        path = self.version_dir(asset_id, version) / META
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ShareError(f"cannot read this version's description ({exc})", path=str(path)) from None

    def add(self, meta: dict, filename: str, content: bytes) -> dict:
        """Store one new version (never replaces an existing one) and record it in the index.
        A `version` of None becomes the next one, decided under the lock. Returns the stored meta."""
        from workbench.share.versions import next_after

        asset_id = meta["asset_id"]
        self.root.mkdir(parents=True, exist_ok=True)
        with _Lock(self.root / LOCK):
            assets = self._read(self.root / INDEX)
            if assets is None:
                assets = self.rebuild(write=False)
            version = meta["version"] or next_after(assets.get(asset_id, {}).get("versions", {}))
            meta = {**meta, "version": version}
            final = self.version_dir(asset_id, version)
            if version in assets.get(asset_id, {}).get("versions", {}) or final.exists():
                raise ShareError(f"version {version} already exists; published versions never change, "
                                 "publish a new version", element=asset_id)
            final.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=final.parent))
            try:
                (staging / filename).write_bytes(content)
                (staging / META).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
                os.chmod(staging, 0o755)
                os.rename(staging, final)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            record(assets, meta)
            self._write(assets)
        return meta


def record(assets: dict, meta: dict) -> None:
    """Record a version. The index keeps the full meta of the newest version only (what listing and
    search show) and who/when of the others, so a big library opens fast; `order` keeps the
    versions sorted once here."""
    from workbench.share.versions import ordered

    entry = assets.setdefault(meta["asset_id"], {"kind": meta["kind"], "versions": {}})
    entry["versions"][meta["version"]] = {"published_at": meta.get("published_at"),
                                          "published_by": meta.get("published_by")}
    entry["order"] = ordered(entry["versions"])
    if entry["order"][-1] == meta["version"]:
        entry.update(meta=meta, name=meta["name"], description=meta.get("description", ""), latest=meta["version"])
