"""Asset version strings: dotted numbers with an optional suffix ("1.2.0", "2.0.0-rc1"), ordered
numerically, so "1.10" comes after "1.9"."""

from __future__ import annotations

import re
from typing import Iterable

from workbench.errors import ShareError

_VERSION = re.compile(r"^(\d+(?:\.\d+){0,3})([-+][0-9A-Za-z.]+)?$")
FIRST = "1.0.0"


def check(version: str) -> str:
    if not isinstance(version, str) or not _VERSION.match(version):
        raise ShareError(f"invalid version {version!r}; use dotted numbers such as 1.0.0 or 2.1.0-rc1",
                         element="version")
    return version


def key(version: str) -> tuple:
    """Sort key: numbers numerically; a pre-release suffix sorts before the plain release."""
    match = _VERSION.match(version)
    if not match:
        return ((), 0, version)
    numbers = tuple(int(part) for part in match.group(1).split("."))
    numbers += (0,) * (4 - len(numbers))
    suffix = match.group(2) or ""
    return (numbers, 0 if suffix.startswith("-") else 1, suffix)


def ordered(versions: Iterable[str]) -> list[str]:
    return sorted(versions, key=key)


def newest(versions: Iterable[str]) -> str:
    return max(versions, key=key)


def next_after(versions: Iterable[str]) -> str:
    """The version a publish without an explicit one gets: the newest with its last number + 1."""
    valid = [v for v in versions if _VERSION.match(v)]
    if not valid:
        return FIRST
    numbers = _VERSION.match(newest(valid)).group(1).split(".")  # type: ignore[union-attr]
    numbers[-1] = str(int(numbers[-1]) + 1)
    return ".".join(numbers)
