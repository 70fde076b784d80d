"""Why a task failed, in one line: the exception at the end of a Python traceback in its log.

A failed task's log holds the cause (`ValueError: n_shards must be at least 1`) among hundreds of
lines; the app's status bar, the node on the canvas and the CLI show that one line, the Step tab
the whole traceback. `CauseCollector` is fed every log line as the task prints it and keeps only
what it needs (per stream: the last traceback, bounded, and the last non-empty line), so a task
that prints 16 MiB costs a substring test a line. The log is the task's: lines may be huge, hold
ANSI escapes or binary junk, or fake a traceback; everything kept is cut to size and made plain.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from typing import Iterable

HEADER = "Traceback (most recent call last):"
CHAIN_SEPARATORS = ("During handling of the above exception, another exception occurred:",
                    "The above exception was the direct cause of the following exception:")
MAX_LINE_CHARS = 1000       # a traceback line kept (the rest is cut with an ellipsis)
MAX_SUMMARY_CHARS = 300     # the one-line cause shown in status bars and node tooltips
HEAD_LINES, TAIL_LINES = 20, 180  # a longer traceback keeps its start and its end
MAX_MESSAGE_LINES = 20     # lines of an exception message (or notes) after its first line
_STREAMS = ("stderr", "stdout")  # where a traceback is looked for, in this order
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(:\s.*|:)?$")  # `ValueError: ...`, `KeyboardInterrupt`
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufffd]+")


@dataclass(frozen=True)
class FailureCause:
    """`summary`: the exception line (or the last stderr line); `traceback`: the traceback text, or ""."""

    summary: str
    traceback: str = ""


def plain(line: str, limit: int = MAX_LINE_CHARS) -> str:
    """A log line as readable text: escape sequences removed, control characters and undecodable
    bytes shown as one space, tabs expanded, cut to `limit` characters."""
    text = _CONTROL.sub(" ", _ESCAPES.sub("", line[:limit * 4]).expandtabs(4)).rstrip()
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


class _Traceback:
    """One traceback with its chained causes: its lines (start and end kept when long), its
    exception line, and where the reading is: in the frames, in the exception's message, or past it."""

    def __init__(self) -> None:
        self.head: list[str] = []
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)
        self.dropped = 0
        self.exception = ""
        self.phase = "frames"
        self.message_lines = 0

    def add(self, line: str) -> None:
        line = line[:MAX_LINE_CHARS * 4]
        if len(self.head) < HEAD_LINES:
            self.head.append(line)
            return
        if len(self.tail) == self.tail.maxlen:
            self.dropped += 1
        self.tail.append(line)

    def feed(self, line: str) -> None:
        stripped = line.strip()
        separator = any(sep in line for sep in CHAIN_SEPARATORS)
        if self.phase == "frames":
            self.add(line)
            if stripped and not line[:1].isspace() and _EXCEPTION_LINE.match(plain(line)):
                self.exception, self.phase, self.message_lines = line, "message", 0
        elif separator:
            self.add(line)
            self.phase = "closed"
        elif self.phase == "message":
            self.message_lines += 1
            if not stripped or self.message_lines > MAX_MESSAGE_LINES:
                self.phase = "closed"  # past the exception's message: other output
            else:
                self.add(line)

    def text(self) -> str:
        lines = [plain(line) for line in self.head]
        if self.dropped:
            lines.append(f"\u2026 {self.dropped} line(s) left out \u2026")
        lines += [plain(line) for line in self.tail]
        return "\n".join(lines)


class _StreamState:
    def __init__(self) -> None:
        self.current: _Traceback | None = None
        self.last_line = ""
        self.recent: deque[str] = deque(maxlen=3)  # to see a chain separator just before a header

    def feed(self, line: str) -> None:
        if line.strip():
            self.last_line = line[:MAX_LINE_CHARS * 4]
        if HEADER in line:
            chained = (self.current is not None and self.current.phase != "frames"
                       and any(sep in seen for seen in self.recent for sep in CHAIN_SEPARATORS))
            if not chained:
                self.current = _Traceback()
            self.current.add(line)
            self.current.phase = "frames"
        elif self.current is not None:
            self.current.feed(line)
        self.recent.append(line[:200])


class CauseCollector:
    """Fed (line, stream) as a task prints; `cause()` at its end. Bounded whatever the log."""

    def __init__(self) -> None:
        self._streams = {name: _StreamState() for name in _STREAMS}

    def feed(self, line: str, stream: str) -> None:
        state = self._streams.get(stream)
        if state is not None:
            state.feed(line)

    def cause(self) -> FailureCause | None:
        """The last traceback's exception (stderr first, then stdout), else the last non-empty
        stderr line, else None."""
        for name in _STREAMS:
            block = self._streams[name].current
            if block is not None and block.exception:
                return FailureCause(plain(block.exception, MAX_SUMMARY_CHARS), block.text())
        last = plain(self._streams["stderr"].last_line, MAX_SUMMARY_CHARS).strip()
        return FailureCause(last) if last else None


def failure_cause(lines: Iterable[tuple[str, str]]) -> FailureCause | None:
    """The cause in a finished log given as (line, stream) pairs (e.g. read from the history)."""
    collector = CauseCollector()
    for line, stream in lines:
        collector.feed(line, stream)
    return collector.cause()
