"""How much of a task's output the engine takes in, so one task cannot exhaust memory or history.

An output parameter above `parameter_bytes` fails its task (the file is read with a bounded read,
never whole); a task's log keeps at most `log_lines` lines / `log_bytes` bytes, then one note says
where it was cut. Defaults can be changed per process with environment variables
(`WORKBENCH_MAX_PARAMETER_SIZE=4MiB`, `WORKBENCH_MAX_LOG_SIZE=64MiB`, `WORKBENCH_MAX_LOG_LINES=500000`)
and per run with `workbench run --max-parameter-size`.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from typing import Mapping

from workbench.errors import RunError
from workbench.runs.safe_fs import format_size

TASK_STREAMS = ("stdout", "stderr")
"""What a task prints; lines the engine or a backend writes about a task are not capped."""
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?i?B?)?\s*", re.I)
_FACTORS = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
            "KI": 2**10, "MI": 2**20, "GI": 2**30, "TI": 2**40}


def parse_size(text: str, what: str) -> int:
    """Bytes from `1048576`, `512KiB`, `1MiB`, `2M`, `1.5GB`; RunError naming `what` otherwise."""
    match = _SIZE.fullmatch(str(text))
    unit = (match.group(2) or "").upper().removesuffix("B") if match else ""
    if not match or unit not in _FACTORS:
        raise RunError(f"{text!r} is not a size (e.g. 1048576, 512KiB, 4MiB)", element=what)
    size = int(float(match.group(1)) * _FACTORS[unit])
    if size < 1:
        raise RunError(f"{text!r} must be at least one byte", element=what)
    return size


@dataclass(frozen=True)
class RunLimits:
    parameter_bytes: int = 2**20
    log_bytes: int = 16 * 2**20
    log_lines: int = 100_000

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> "RunLimits":
        defaults = cls()
        lines = environ.get("WORKBENCH_MAX_LOG_LINES")
        if lines is not None and not lines.strip().isdigit():
            raise RunError(f"{lines!r} is not a number of lines", element="WORKBENCH_MAX_LOG_LINES")
        return cls(
            parameter_bytes=_size(environ, "WORKBENCH_MAX_PARAMETER_SIZE", defaults.parameter_bytes),
            log_bytes=_size(environ, "WORKBENCH_MAX_LOG_SIZE", defaults.log_bytes),
            log_lines=max(1, int(lines)) if lines is not None else defaults.log_lines)


def _size(environ: Mapping[str, str], name: str, default: int) -> int:
    return parse_size(environ[name], name) if environ.get(name) else default


class LogBudget:
    """Counts each task's log against the limits; thread-safe (both pipes of a task log at once)."""

    def __init__(self, limits: RunLimits):
        self.limits = limits
        self._lock = threading.Lock()
        self._used: dict[str, list[int]] = {}  # task id -> [lines, bytes, cut]

    def admit(self, task_id: str, line: str) -> bool | str | None:
        """True to keep the line, None to drop it, or (once, at the cut) the note to log instead."""
        size = len(line.encode("utf-8", errors="replace")) + 1
        with self._lock:
            used = self._used.setdefault(task_id, [0, 0, 0])
            if used[2]:
                return None
            if used[0] + 1 <= self.limits.log_lines and used[1] + size <= self.limits.log_bytes:
                used[0] += 1
                used[1] += size
                return True
            used[2] = 1
            return (f"workbench: log truncated after {used[0]:,} lines ({used[1]:,} bytes): a task keeps "
                    f"at most {self.limits.log_lines:,} lines / {format_size(self.limits.log_bytes)} of log "
                    "(WORKBENCH_MAX_LOG_LINES, WORKBENCH_MAX_LOG_SIZE); the rest of its output is not kept")
