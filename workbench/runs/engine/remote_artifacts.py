"""gs:// input artifacts in local runs (an importer's URI, a pipeline input artifact given as a URI).

Before a task starts, each gs:// input artifact becomes a local copy under the run's
`inputs/gcs/BUCKET/OBJECT...` (mounted read-only like any input; `inputs/gcs-2/...` and so on when a
URI inside it or around it was copied there first, so each copy is whole): copied from a mirror folder
(`--gcs-mirror gs://BUCKET/PREFIX=DIR`, `WORKBENCH_GCS_MIRROR`, the `gcs_mirrors` setting; links in
it are not followed), or else downloaded with google-cloud-storage when Google Cloud credentials
exist (`STORAGE_EMULATOR_HOST` counts: a local emulator). Otherwise the task fails by name. A URI
with empty, `.` or `..` segments is refused: names from the IR are data, never paths.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from workbench.errors import RunError
from workbench.runs import safe_fs

ENV_MIRROR = "WORKBENCH_GCS_MIRROR"  # one or more gs://BUCKET/PREFIX=DIR, separated by ';'
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$")
_LOCAL_ROOT = ("inputs", "gcs")


class RemoteArtifactError(Exception):
    """A gs:// artifact that cannot be made local; the message names the URI and what to do."""


@dataclass(frozen=True)
class GcsMirror:
    bucket: str
    prefix: tuple[str, ...]
    folder: Path

    def local_parts(self, object_parts: tuple[str, ...]) -> tuple[str, ...] | None:
        """The object's parts below the mirror folder, or None when the mirror does not cover it."""
        if object_parts[:len(self.prefix)] != self.prefix:
            return None
        return object_parts[len(self.prefix):]


@dataclass(frozen=True)
class GcsAccess:
    """How a local run reads gs://: mirror folders first, then Google Cloud Storage."""

    mirrors: tuple[GcsMirror, ...] = ()
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ), compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)
    _copies: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    """(run folder, URI) -> where its whole copy is, below the run folder."""

    @classmethod
    def from_environment(cls, extra_mirrors: Iterable[str] = (), environ: Mapping[str, str] = os.environ
                         ) -> "GcsAccess":
        """`extra_mirrors` (flags, settings) come first; then `WORKBENCH_GCS_MIRROR`."""
        texts = list(extra_mirrors) + [t for t in environ.get(ENV_MIRROR, "").split(";") if t.strip()]
        return cls(tuple(parse_mirror(text) for text in texts), dict(environ))

    def with_mirrors(self, texts: Iterable[str]) -> "GcsAccess":
        return dataclasses.replace(self, mirrors=tuple(parse_mirror(t) for t in texts) + self.mirrors,
                                   _lock=threading.Lock(), _copies={})


def parse_mirror(text: str) -> GcsMirror:
    """`gs://BUCKET/PREFIX=DIR` (DIR an existing folder); RunError naming --gcs-mirror otherwise."""
    uri, sep, folder = text.partition("=")
    if not sep or not folder.strip():
        raise RunError(f"expected gs://BUCKET/PREFIX=DIR, got {text!r}", element="--gcs-mirror")
    try:
        bucket, parts = split_gs_uri(uri.strip())
    except RemoteArtifactError as exc:
        raise RunError(str(exc), element="--gcs-mirror") from None
    path = Path(folder.strip()).expanduser()
    if not path.is_dir():
        raise RunError(f"the mirror folder {str(path)!r} is not a folder", element="--gcs-mirror")
    return GcsMirror(bucket, parts, Path(os.path.abspath(path)))


def split_gs_uri(uri: str) -> tuple[str, tuple[str, ...]]:
    """(bucket, object parts) of `gs://BUCKET/a/b`; a trailing slash is allowed (a folder)."""
    if not uri.startswith("gs://"):
        raise RemoteArtifactError(f"{uri!r} is not a gs:// URI")
    bucket, _, path = uri[len("gs://"):].partition("/")
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise RemoteArtifactError(f"{uri!r}: {bucket!r} is not a Cloud Storage bucket name")
    parts = tuple(path.rstrip("/").split("/")) if path.rstrip("/") else ()
    if any(part in ("", ".", "..") or "\x00" in part for part in parts):
        raise RemoteArtifactError(f"{uri!r} has an empty, '.' or '..' segment; refused")
    return bucket, parts


def localize_inputs(access: GcsAccess, run_dir: Path, artifacts: dict[str, list[dict[str, Any]]]
                    ) -> dict[str, list[dict[str, Any]]]:
    """The input artifacts with every gs:// URI replaced by its local copy (the rest unchanged);
    RemoteArtifactError for the first one that cannot be made local."""
    if not any(str(item.get("uri", "")).startswith("gs://") for items in artifacts.values() for item in items):
        return artifacts
    localized = {}
    for name, items in artifacts.items():
        localized[name] = [dict(item, uri=_local_copy(access, run_dir, item["uri"]))
                           if str(item.get("uri", "")).startswith("gs://") else item for item in items]
    return localized


def _local_copy(access: GcsAccess, run_dir: Path, uri: str) -> str:
    bucket, parts = split_gs_uri(uri)
    with access._lock:  # two tasks reading the same object copy it once
        target = access._copies.get((str(run_dir), uri))
        if target is None:
            mirror = next((m for m in access.mirrors if m.bucket == bucket and m.local_parts(parts) is not None),
                          None)
            if mirror is None and not has_credentials(access.environ):
                raise RemoteArtifactError(f"{uri} needs Google Cloud credentials or --gcs-mirror "
                                          "gs://BUCKET/PREFIX=DIR (a local copy of that bucket)")
            target = _free_target(run_dir, bucket, parts)
            try:
                if mirror is not None:
                    _copy_from_mirror(mirror, mirror.local_parts(parts), run_dir, target, uri)
                else:
                    _download(access.environ, bucket, parts, run_dir, target, uri)
            except BaseException:
                _discard(run_dir, target)  # a later reader must not take a partial copy for the whole
                raise
            access._copies[(str(run_dir), uri)] = target
    return str(run_dir.joinpath(*target))


def _free_target(run_dir: Path, bucket: str, parts: tuple[str, ...]) -> tuple[str, ...]:
    """`inputs/gcs/BUCKET/OBJECT...`, or `inputs/gcs-2/...` (and so on) when that is taken: by a copy of
    a URI inside this one (gs://b/m/a.txt before gs://b/m would leave gs://b/m holding a.txt alone) or
    around it. Copies a running task may be reading are never changed."""
    target, number = (*_LOCAL_ROOT, bucket, *(parts or ("_bucket",))), 1
    while safe_fs.kind_of(run_dir, target) != "missing":
        number += 1
        target = (_LOCAL_ROOT[0], f"{_LOCAL_ROOT[1]}-{number}", *target[2:])
    return target


def _discard(run_dir: Path, target: tuple[str, ...]) -> None:
    kind = safe_fs.kind_of(run_dir, target)
    if kind == "missing":
        return
    with safe_fs.opened_dir(run_dir, target[:-1]) as folder:
        if kind == "dir":
            shutil.rmtree(target[-1], dir_fd=folder)  # descriptor-based: never leaves the tree
        else:
            os.unlink(target[-1], dir_fd=folder)


def _copy_from_mirror(mirror: GcsMirror, below: tuple[str, ...], run_dir: Path, target: tuple[str, ...],
                      uri: str) -> None:
    source_root, source = (mirror.folder, below) if below else (mirror.folder.parent, (mirror.folder.name,))
    try:
        safe_fs.copy_tree(source_root, source, run_dir, target)
    except FileNotFoundError:
        raise RemoteArtifactError(f"{uri} is not in the mirror folder {mirror.folder}") from None
    except OSError as exc:  # UnsafePathError above all: a link on the way
        raise RemoteArtifactError(f"{uri}: cannot copy from the mirror folder {mirror.folder}: {exc}") from None


def has_credentials(environ: Mapping[str, str]) -> bool:
    """A storage emulator, a key file, or gcloud's application default credentials (no network)."""
    if environ.get("STORAGE_EMULATOR_HOST") or environ.get("GOOGLE_APPLICATION_CREDENTIALS"):
        return True
    config = environ.get("CLOUDSDK_CONFIG") or os.path.join(os.path.expanduser("~"), ".config", "gcloud")
    return os.path.isfile(os.path.join(config, "application_default_credentials.json"))


def _download(environ: Mapping[str, str], bucket_name: str, parts: tuple[str, ...], run_dir: Path,
              target: tuple[str, ...], uri: str) -> None:
    """One object, or every object below the URI taken as a folder."""
    from google.api_core import exceptions as google_errors
    from google.auth.exceptions import GoogleAuthError
    from google.cloud import storage

    name = "/".join(parts)
    try:
        client = _client(storage, environ)
        bucket = client.bucket(bucket_name)
        blob = bucket.blob(name) if name else None
        if blob is not None and blob.exists():
            _write_blob(blob, run_dir, target)
            return
        prefix = f"{name}/" if name else ""
        found = 0
        for item in client.list_blobs(bucket_name, prefix=prefix):
            relative = item.name[len(prefix):]
            if not relative or relative.endswith("/"):
                continue  # a "folder" placeholder object
            _, child = split_gs_uri(f"gs://{bucket_name}/{relative}")
            _write_blob(item, run_dir, (*target, *child))
            found += 1
    except RemoteArtifactError as exc:
        raise RemoteArtifactError(f"{uri}: an object name inside is unsafe ({exc}); refused") from None
    except google_errors.GoogleAPIError as exc:
        raise RemoteArtifactError(f"{uri}: Cloud Storage refused the read ({exc})") from None
    except GoogleAuthError as exc:
        raise RemoteArtifactError(f"{uri}: the Google Cloud credentials cannot be used ({exc})") from None
    except OSError as exc:  # the network, or two objects `a` and `a/b` (a file where a folder must go)
        raise RemoteArtifactError(f"{uri}: the download failed ({exc})") from None
    if not found:
        raise RemoteArtifactError(f"{uri}: no such object or folder in Cloud Storage")


def _client(storage, environ: Mapping[str, str]):
    if environ.get("STORAGE_EMULATOR_HOST"):
        from google.auth.credentials import AnonymousCredentials

        return storage.Client(project="local", credentials=AnonymousCredentials(),
                              client_options={"api_endpoint": environ["STORAGE_EMULATOR_HOST"]})
    return storage.Client()


def _write_blob(blob, run_dir: Path, target: tuple[str, ...]) -> None:
    """Stream the object into `target` under the run folder, never through a link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    with safe_fs.opened_dir(run_dir, target[:-1], create=True) as folder:
        with os.fdopen(os.open(target[-1], flags, 0o644, dir_fd=folder), "wb") as writer:
            blob.download_to_file(writer)
