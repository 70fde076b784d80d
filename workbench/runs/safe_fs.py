"""File operations under a run's workspace that never follow a link a task could have left.

Tasks write into the run workspace, so anything below its root may be a symbolic link (or a FIFO,
or a device) planted to make the host engine read, empty or overwrite a file elsewhere. Every
operation here starts from a trusted root directory and walks down one component at a time with
directory file descriptors (`openat` with `O_NOFOLLOW`): a link anywhere on the way, or where a
regular file or folder is expected, raises `UnsafePathError` naming the path, and nothing outside
the root is touched. Links inside an artifact tree are copied as links (never followed).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator, Sequence

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_COPY_CHUNK = 1 << 20

Parts = Sequence[str]


class UnsafePathError(OSError):
    """A link or special file where the engine reads or writes; `relative` names it under the root."""

    def __init__(self, relative: str, problem: str):
        super().__init__(f"{relative} {problem}; the engine does not follow links or read special "
                         "files a task leaves in the workspace")
        self.relative = relative


class TooLargeError(OSError):
    """A file above the size the engine agreed to read."""

    def __init__(self, relative: str, limit: int):
        super().__init__(f"{relative} is larger than {format_size(limit)}")
        self.relative = relative
        self.limit = limit


def format_size(size: int) -> str:
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= factor:
            return f"{size / factor:g} {unit}"
    return f"{size} bytes"


def inside(path: str | Path, root: Path) -> tuple[str, ...] | None:
    """`path`'s components below `root`, judged on the text alone (no file system access): None
    when it is not an absolute path inside `root` once `.` and `..` are applied."""
    text = str(path).removeprefix("file://")
    if not text.startswith("/"):
        return None
    normal = PurePosixPath(os.path.normpath(text))
    try:
        relative = normal.relative_to(PurePosixPath(os.path.normpath(str(root))))
    except ValueError:
        return None
    return relative.parts or None


def _join(parts: Parts) -> str:
    return "/".join(parts) or "."


def _classify(dir_fd: int, name: str) -> str:
    """'missing', 'link', 'dir', 'file' or 'special' for `name` in `dir_fd`, without following."""
    try:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return "missing"
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "special"


def _open_child_dir(dir_fd: int, name: str, relative: str, create: bool) -> int:
    if create:
        try:
            os.mkdir(name, 0o755, dir_fd=dir_fd)
        except FileExistsError:
            pass
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        kind = _classify(dir_fd, name)
        if kind == "link":
            raise UnsafePathError(relative, "is a link") from None
        if kind in ("file", "special"):
            raise UnsafePathError(relative, "is not a folder") from None
        raise exc


@contextmanager
def opened_dir(root: Path, parts: Parts, create: bool = False) -> Iterator[int]:
    """A descriptor of `root/parts...` reached without following links below `root` (the root
    itself is trusted); missing folders are created when `create`."""
    if create:
        Path(root).mkdir(parents=True, exist_ok=True)
    fd = os.open(root, _DIR_FLAGS & ~os.O_NOFOLLOW)
    try:
        for depth, name in enumerate(parts):
            _check_name(name)
            child = _open_child_dir(fd, name, _join(parts[:depth + 1]), create)
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def _check_name(name: str) -> None:
    if name in ("", ".", "..") or "/" in name or "\0" in name:
        raise ValueError(f"not a single path component: {name!r}")


def kind_of(root: Path, parts: Parts) -> str:
    """What `root/parts...` is ('missing', 'dir', 'file'), reached without following links;
    UnsafePathError when a link or special file is on the way or at the end."""
    if not parts:
        return "dir"
    try:
        with opened_dir(root, parts[:-1]) as fd:
            return kind_of_entry(fd, parts[-1], _join(parts))
    except FileNotFoundError:
        return "missing"


def kind_of_entry(dir_fd: int, name: str, relative: str) -> str:
    """`kind_of` for one entry of an open folder."""
    kind = _classify(dir_fd, name)
    if kind == "link":
        raise UnsafePathError(relative, "is a link")
    if kind == "special":
        raise UnsafePathError(relative, "is not a regular file or folder")
    return kind


def reset_dir(root: Path, parts: Parts) -> None:
    """Make `root/parts...` an existing, empty folder (links inside are removed, not followed)."""
    with opened_dir(root, parts, create=True) as fd:
        clear(fd)


def clear(dir_fd: int) -> None:
    """Empty the folder behind `dir_fd`; links are removed, never followed."""
    for name in os.listdir(dir_fd):
        _remove_entry(dir_fd, name)


def read_file(dir_fd: int, name: str, limit: int, relative: str) -> bytes | None:
    """The content of regular file `name` (None if missing), at most `limit` bytes: a bigger file
    raises TooLargeError after reading no more than `limit + 1` bytes."""
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except OSError:
        kind = _classify(dir_fd, name)
        if kind == "missing":
            return None
        raise UnsafePathError(relative, "is a link" if kind == "link" else "cannot be read") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafePathError(relative, "is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLargeError(relative, limit)
    return data


def copy_tree(source_root: Path, source: Parts, target_root: Path, target: Parts) -> None:
    """Copy `source` (a file or folder) to `target`, hard-linking files where the file system
    allows; the target's parent folders are created, an existing target is replaced. Links inside
    a folder are copied as links; a link or special file at `source` itself raises."""
    with opened_dir(source_root, source[:-1]) as source_parent, \
            opened_dir(target_root, target[:-1], create=True) as target_parent:
        kind = _classify(source_parent, source[-1])
        if kind in ("link", "special"):
            raise UnsafePathError(_join(source), "is a link" if kind == "link" else
                                  "is not a regular file or folder")
        if kind == "missing":
            raise FileNotFoundError(errno.ENOENT, "no such file", _join(source))
        _remove_entry(target_parent, target[-1])
        _copy_entry(source_parent, source[-1], target_parent, target[-1], _join(source))


def _remove_entry(dir_fd: int, name: str) -> None:
    kind = _classify(dir_fd, name)
    if kind == "dir":
        shutil.rmtree(name, dir_fd=dir_fd)  # descriptor-based: never leaves the tree
    elif kind != "missing":
        os.unlink(name, dir_fd=dir_fd)


def _copy_entry(source_fd: int, name: str, target_fd: int, target_name: str, relative: str) -> None:
    kind = _classify(source_fd, name)
    if kind == "link":
        os.symlink(os.readlink(name, dir_fd=source_fd), target_name, dir_fd=target_fd)
    elif kind == "file":
        _copy_file(source_fd, name, target_fd, target_name, relative)
    elif kind == "dir":
        os.mkdir(target_name, 0o755, dir_fd=target_fd)
        child_source = _open_child_dir(source_fd, name, relative, create=False)
        try:
            child_target = os.open(target_name, _DIR_FLAGS, dir_fd=target_fd)
            try:
                for child in sorted(os.listdir(child_source)):
                    _copy_entry(child_source, child, child_target, child, f"{relative}/{child}")
            finally:
                os.close(child_target)
        finally:
            os.close(child_source)
    elif kind == "special":
        raise UnsafePathError(relative, "is not a regular file or folder")


def _copy_file(source_fd: int, name: str, target_fd: int, target_name: str, relative: str) -> None:
    try:
        os.link(name, target_name, src_dir_fd=source_fd, dst_dir_fd=target_fd, follow_symlinks=False)
        return
    except OSError:
        pass  # another file system, or links not allowed: copy the bytes
    with os.fdopen(os.open(name, _FILE_FLAGS, dir_fd=source_fd), "rb") as reader:
        if not stat.S_ISREG(os.fstat(reader.fileno()).st_mode):
            raise UnsafePathError(relative, "is not a regular file")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
        with os.fdopen(os.open(target_name, flags, 0o644, dir_fd=target_fd), "wb") as writer:
            shutil.copyfileobj(reader, writer, _COPY_CHUNK)


def read_artifact(root: Path, path: str | Path, limit: int) -> tuple[str, bytes] | None:
    """For showing an artifact: the path below `root` and first `limit` bytes of the file at `path`
    (for a folder, its first regular file in sorted order, depth first), reached without
    following links. None when `path` is outside `root`, missing, or only reached through a link."""
    parts = inside(path, root)
    if parts is None:
        return None
    try:
        with opened_dir(root, parts[:-1]) as fd:
            return _first_file(fd, parts[-1], limit, _join(parts))
    except OSError:  # missing, a link on the way (UnsafePathError), swapped for a link meanwhile
        return None


def _first_file(dir_fd: int, name: str, limit: int, relative: str) -> tuple[str, bytes] | None:
    kind = kind_of_entry(dir_fd, name, relative)
    if kind == "file":
        fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for a FIFO or device since it was looked at
                raise UnsafePathError(relative, "is not a regular file")
            return relative, handle.read(limit)
    if kind != "dir":
        return None
    child_fd = _open_child_dir(dir_fd, name, relative, create=False)
    try:
        for child in sorted(os.listdir(child_fd)):
            found = _first_file(child_fd, child, limit, f"{relative}/{child}")
            if found is not None:
                return found
    finally:
        os.close(child_fd)
    return None
