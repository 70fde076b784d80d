"""`manifest.json`: what a bundle holds and the sha256 of every file, so an import can prove that
nothing was added, removed or changed since export. The manifest's own hash identifies the bundle
(see trust.py)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from workbench.errors import ShareError

NAME = "manifest.json"
FORMAT = "pipeline-workbench-bundle"
SCHEMA_VERSION = 1
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Manifest:
    document: str
    pipeline: str
    files: dict[str, str]  # name -> sha256


def build(files: list[tuple[str, bytes]], *, document: str, pipeline: str) -> bytes:
    data = {
        "document": document,
        "files": {name: {"sha256": sha256(content), "size": len(content)} for name, content in files},
        "format": FORMAT,
        "pipeline": pipeline,
        "schema_version": SCHEMA_VERSION,
    }
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _fail(message: str) -> ShareError:
    return ShareError(message, element=NAME)


def parse(raw: bytes) -> Manifest:
    """The manifest, or ShareError saying what is wrong with it."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(f"not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _fail(f"not a Pipeline Workbench bundle manifest (format must be {FORMAT!r})")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise _fail(f"unknown schema_version {version!r}; this Workbench reads version {SCHEMA_VERSION}")
    files = data.get("files")
    if not isinstance(files, dict) or not files:
        raise _fail("`files` must list every file with its sha256")
    hashes = {}
    for name, entry in files.items():
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        if not isinstance(digest, str) or not _SHA256.match(digest):
            raise _fail(f"file {name!r} has no valid sha256")
        hashes[name] = digest
    for key in ("document", "pipeline"):
        if data.get(key) not in hashes:
            raise _fail(f"`{key}` must name a file listed in `files`")
    return Manifest(document=data["document"], pipeline=data["pipeline"], files=hashes)


def verify(manifest: Manifest, files: dict[str, bytes]) -> None:
    """Every listed file present with its hash, and nothing else in the bundle."""
    for name in sorted(files):
        if name == NAME:
            continue
        if name not in manifest.files:
            raise ShareError("file not listed in the manifest", element=name)
        if sha256(files[name]) != manifest.files[name]:
            raise ShareError("sha256 does not match the manifest (the file was changed)", element=name)
    for name in sorted(manifest.files):
        if name not in files:
            raise ShareError("listed in the manifest but missing from the bundle", element=name)
