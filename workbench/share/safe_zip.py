"""Zip files written byte-for-byte reproducibly, and read defensively.

Writing: fixed timestamps, permissions and order, so the same entries give the same bytes.
Reading: every entry is checked before a byte is used (names that escape a folder, links,
duplicates, sizes, compression ratio, nested archives, entry count); contents are read into
memory with a hard cap, never extracted by `zipfile`, so nothing can land outside a folder.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import ShareError

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_UNIX = 3
_ARCHIVE_SUFFIXES = (".zip", ".jar", ".whl", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".zst", ".7z", ".rar")
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c",
                  b"Rar!\x1a\x07", b"\x28\xb5\x2f\xfd")
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Limits:
    """What a bundle may hold; generous for pipelines, far below what would hurt the machine."""

    max_entries: int = 1000
    max_file_bytes: int = 16 * 1024 * 1024
    max_total_bytes: int = 64 * 1024 * 1024
    max_ratio: int = 100  # uncompressed / compressed, checked for entries above `ratio_floor`
    ratio_floor: int = 64 * 1024


def write_zip(path: str | Path | io.BytesIO, entries: list[tuple[str, bytes]]) -> None:
    """Write `entries` in the given order with fixed metadata (a reproducible archive)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = _UNIX
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def check_name(name: str) -> None:
    """Refuse a name that could point outside the folder it is extracted into."""
    if not name or "\x00" in name:
        raise ShareError("empty or NUL in the entry name", element=repr(name))
    if "\\" in name:
        raise ShareError("backslash in the entry name (a Windows path could escape the folder)", element=name)
    if name.startswith("/"):
        raise ShareError("absolute path in the bundle", element=name)
    if _DRIVE.match(name):
        raise ShareError("drive letter in the entry name", element=name)
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ShareError("path escapes the folder ('..', '.' or an empty part)", element=name)


def _check_info(info: zipfile.ZipInfo, limits: Limits) -> None:
    name = info.filename
    check_name(name)
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ShareError("symbolic link in the bundle", element=name)
    if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise ShareError("special file (device, pipe or socket) in the bundle", element=name)
    if info.flag_bits & 0x1:
        raise ShareError("encrypted entry", element=name)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ShareError(f"unsupported compression method {info.compress_type}", element=name)
    if info.file_size > limits.max_file_bytes:
        raise ShareError(f"entry of {info.file_size} bytes is over the {limits.max_file_bytes}-byte limit",
                         element=name)
    if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        raise ShareError(f"suspicious compression ratio ({info.file_size} bytes from {info.compress_size}): "
                         "refused as a possible zip bomb", element=name)
    if name.lower().endswith(_ARCHIVE_SUFFIXES):
        raise ShareError("nested archive in the bundle", element=name)


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """Read at most the declared size (a lying header cannot make us inflate more)."""
    cap = min(info.file_size, limits.max_file_bytes)
    with archive.open(info) as handle:
        data = handle.read(cap + 1)
    if len(data) > cap:
        raise ShareError("entry is larger than its header says", element=info.filename)
    if data.startswith(_ARCHIVE_MAGIC):
        raise ShareError("nested archive in the bundle", element=info.filename)
    return data


def read_zip(path: str | Path, limits: Limits = Limits()) -> dict[str, bytes]:
    """The files of a zip (directories skipped), after every safety check; raise ShareError naming
    the first entry refused."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise ShareError(f"not a readable zip file ({exc})", path=str(path)) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise ShareError(f"{len(infos)} entries, over the limit of {limits.max_entries}", path=str(path))
        seen: set[str] = set()
        total = 0
        for info in infos:
            _check_info(info, limits)
            key = info.filename.rstrip("/").casefold()
            if key in seen:
                raise ShareError("duplicate entry name", element=info.filename)
            seen.add(key)
            total += info.file_size
            if total > limits.max_total_bytes:
                raise ShareError(f"the bundle unpacks to more than {limits.max_total_bytes} bytes",
                                 element=info.filename)
        files: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir():
                continue
            try:
                files[info.filename] = _read_capped(archive, info, limits)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:  # bad CRC, truncated, ...
                raise ShareError(f"damaged entry ({exc})", element=info.filename) from None
    return files
