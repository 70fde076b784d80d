"""Whether a process still runs, for files that name their owner's pid (crash logs, recovery files,
process endpoints): one answer for the app and the CLI."""

from __future__ import annotations

import os
from pathlib import Path


def process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def process_token(pid: int) -> str:
    """The process start time where the OS tells it (Linux), so a reused pid is not taken as alive."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]  # field 22 (starttime), counted after the command name


def same_process(pid: int, token: str) -> bool:
    """Whether the process that recorded `pid` and `token` still runs (no token: any process)."""
    return process_alive(pid) and (not token or process_token(pid) == token)
