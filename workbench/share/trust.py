"""Trust of imported bundles: which bundles the user has approved, and whether a file may run.

A bundle is identified by the sha256 of its manifest (which holds the sha256 of every file), so an
approval covers exactly the reviewed content; changing one byte makes it a new, untrusted bundle.
Approvals, and the folders bundles were imported into, live in the user data dir
(`WORKBENCH_DATA_DIR` overrides it).

A file belongs to a bundle when its real path (links and `..` resolved) lies in a folder holding a
bundle manifest, or in a folder a bundle was imported into, or when it is a hard link to a file of
one. Such a file may run, be submitted, exported or published only when that bundle verifies
against its manifest, is approved, and the file's content is one of the files the manifest lists:
a copy renamed inside the folder is the same content; an edited or added file is not. Every command
that runs, sends or republishes a pipeline calls `check_trusted` once; the app asks `trust_problem`.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import shlex
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from workbench.atomic import write_atomic
from workbench.errors import ShareError
from workbench.share import manifest as manifest_

STORE_NAME = "trusted_bundles.json"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass
class TrustStore:
    """Approved bundle fingerprints and imported folders in one JSON file, written atomically."""

    path: Path = field(default_factory=lambda: _default_store_path())

    def _load(self) -> dict:
        """{"approved": {...}, "imported": {...}}, empty when the file is missing or unreadable."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            data = {}
        data = data if isinstance(data, dict) else {}
        return {key: data[key] if isinstance(data.get(key), dict) else {} for key in ("approved", "imported")}

    @contextmanager
    def _changing(self) -> Iterator[dict]:
        """The data to change in place, written back after; other processes wait meanwhile, so an import
        in the app and a `workbench trust` at the same time do not drop each other's change."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = self._load()
            yield data
            write_atomic(self.path, json.dumps({**data, "schema_version": 1}, indent=2, sort_keys=True) + "\n")

    def is_trusted(self, fingerprint: str) -> bool:
        return fingerprint in self._load()["approved"]

    def approve(self, fingerprint: str, name: str) -> None:
        with self._changing() as data:
            data["approved"][fingerprint] = {"approved_at": _now(), "approved_by": getpass.getuser(), "name": name}

    def revoke(self, fingerprint: str) -> bool:
        """Forget an approval; False when there was none."""
        with self._changing() as data:
            return data["approved"].pop(fingerprint, None) is not None

    def record_import(self, folder: Path, fingerprint: str) -> None:
        with self._changing() as data:
            data["imported"][str(_real(folder))] = {"fingerprint": fingerprint, "imported_at": _now()}

    def imported_folders(self) -> list[Path]:
        return [Path(folder) for folder in self._load()["imported"]]


def _default_store_path() -> Path:
    from workbench.runs.paths import data_dir

    return data_dir() / STORE_NAME


def _real(path: str | Path) -> Path:
    """The absolute path with every link and `..` resolved (as far as it exists)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):  # a link loop: nothing can be read through it either
        return Path(os.path.abspath(path))


def is_bundle_folder(folder: Path) -> bool:
    """Whether `folder` holds a bundle manifest (imported by Workbench or unzipped by hand). A FIFO or
    device named like one counts, so the files beside it are refused rather than run; it is never read."""
    from workbench.share.bundle import read_unpacked

    path = folder / manifest_.NAME
    try:
        return manifest_.FORMAT.encode() in read_unpacked(path, manifest_.NAME, 1 << 20, head=True)
    except ShareError:
        return path.exists() and not path.is_file()


def _listed(folder: Path) -> dict[str, str]:
    """The files `folder`'s manifest lists (name -> sha256); ShareError when it cannot be read."""
    from workbench.share.bundle import read_unpacked

    return manifest_.parse(read_unpacked(folder / manifest_.NAME, manifest_.NAME)).files


def _hard_linked(real: Path, stat: os.stat_result, folder: Path) -> bool:
    """Whether the file is one of the files listed in `folder`'s manifest under another name."""
    try:
        listed = _listed(folder)
    except ShareError:
        return False
    for name in listed:
        try:
            other = os.stat(folder / name, follow_symlinks=False)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (stat.st_dev, stat.st_ino):
            return True
    return False


def bundle_folders_of(path: str | Path, store: TrustStore | None = None) -> list[Path]:
    """The bundle folders a file belongs to, innermost first ([] for the user's own files)."""
    real = _real(path)
    store = store or TrustStore()
    imported = {_real(folder) for folder in store.imported_folders()}
    folders = [parent for parent in real.parents if parent in imported or is_bundle_folder(parent)]
    try:
        stat = os.stat(real)
    except OSError:
        return folders
    if stat.st_nlink > 1:
        folders += [f for f in sorted(imported) if f not in folders and _hard_linked(real, stat, f)]
    return folders


@dataclass(frozen=True)
class TrustProblem:
    """Why a file may not run: `folder` is the bundle to review, `fingerprint` its approvable identity
    (None when the folder no longer matches its manifest or the file is not one of its files)."""

    path: Path
    folder: Path
    reason: str
    fingerprint: str | None

    def message(self) -> str:
        return f"{self.reason}; review it with: workbench trust {shlex.quote(str(self.folder))}"


def _problem_in(real: Path, content: bytes | None, folder: Path, store: TrustStore) -> TrustProblem | None:
    from workbench.share.bundle import verify_folder

    fingerprint = verify_folder(folder)
    if fingerprint is None:
        return TrustProblem(real, folder, f"from the bundle {folder}, which changed since it was imported "
                                          "(its files no longer match its manifest)", None)
    if not store.is_trusted(fingerprint):
        return TrustProblem(real, folder, f"from the bundle {folder}, which you have not trusted", fingerprint)
    listed = _listed(folder).values()
    if content is None or manifest_.sha256(content) not in listed:
        return TrustProblem(real, folder, f"not one of the files of the trusted bundle {folder} (added or "
                                          "edited in its folder after it was trusted)", None)
    return None


def trust_problem(path: str | Path, store: TrustStore | None = None) -> TrustProblem | None:
    """None when the file may run: the user's own, or unchanged content of an approved bundle."""
    store = store or TrustStore()
    folders = bundle_folders_of(path, store)
    if not folders:
        return None
    from workbench.share.bundle import read_unpacked

    real = _real(path)
    try:
        content = read_unpacked(real, str(real))
    except ShareError:  # not a regular file, or larger than a bundle file can be: not one of them
        content = None
    for folder in folders:
        problem = _problem_in(real, content, folder, store)
        if problem is not None:
            return problem
    return None


def check_trusted(path: str | Path, store: TrustStore | None = None) -> None:
    """Refuse, with one line naming the file and the command that reviews its bundle, a file from an
    imported bundle that has not been trusted as it is. Every command that runs, submits, exports or
    publishes a pipeline calls this first."""
    problem = trust_problem(path, store)
    if problem is not None:
        raise ShareError(problem.message(), path=str(path))
