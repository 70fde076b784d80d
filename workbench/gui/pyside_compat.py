"""Work around a PySide6 6.12 reference-count bug on CPython < 3.12.

PySide6 6.12.0 returns `None` from every void C++ method without taking a reference to it
(measured here: 1,000 calls of `QPainter.setPen` lower `sys.getrefcount(None)` by 1,000). From
Python 3.12 `None` is immortal and this is harmless; on 3.11 a few thousand paint calls bring its
count to zero and the interpreter aborts with "none_dealloc: deallocating None". Raising the count
by 2**40 makes `None` as good as immortal, which is exactly what 3.12 does. Remove this module when
PySide6 is fixed or Python 3.11 is no longer supported.
"""

from __future__ import annotations

import ctypes
import sys

HEADROOM = 1 << 40
_applied = False


def _pyside_version() -> tuple[int, ...]:
    import PySide6

    return tuple(PySide6.__version_info__[:2])


def needs_fix() -> bool:
    return sys.version_info < (3, 12) and sys.implementation.name == "cpython" and _pyside_version() >= (6, 12)


def make_none_immortal() -> None:
    global _applied
    if _applied or not needs_fix():
        return
    refcount = ctypes.c_ssize_t.from_address(id(None))
    refcount.value += HEADROOM
    _applied = True
