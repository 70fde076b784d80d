"""Each running app writes a session file in the user data dir and points `faulthandler` at it, so
a segmentation fault or an abort leaves its trace there. A clean exit removes the file; a session
file whose process is gone is the sign of a crash (with a trace, or none when the process was
killed), reported at the next start and then archived."""

from __future__ import annotations

import faulthandler
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from workbench.gui.catalog import data_dir
from workbench.processes import process_alive

log = logging.getLogger(__name__)
KEEP_REPORTS = 20
HEADER = "Pipeline Workbench session"


def crash_dir() -> Path:
    return data_dir() / "crashes"


@dataclass(frozen=True)
class CrashReport:
    """A session that ended without a clean exit."""

    session_file: Path
    started: str
    trace: str  # what faulthandler wrote; empty when the process was killed outright

    @property
    def summary(self) -> str:
        if self.trace:
            first = next((line for line in self.trace.splitlines() if line.startswith("Fatal Python error")),
                         "a fatal error")
            return f"The session started {self.started} ended with {first.removeprefix('Fatal Python error: ')}."
        return (f"The session started {self.started} was stopped without a chance to save "
                "(killed, or the computer shut down): there is no trace.")


class FaultLog:
    """This session's fault log. `start()` returns a message when it cannot be written (the app then
    goes on with the trace on stderr only)."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder or crash_dir()
        self.path = self.folder / f"session-{os.getpid()}.log"
        self._file: TextIO | None = None

    def start(self) -> str | None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 - held open for faulthandler
            self._file.write(f"{HEADER} pid {os.getpid()} started {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
            self._file.flush()
            faulthandler.enable(self._file, all_threads=True)
        except OSError as exc:
            self._file = None
            try:
                faulthandler.enable(all_threads=True)
            except (AttributeError, OSError, ValueError):
                pass  # no usable stderr either (a windowed app): the message below is all there is
            message = f"The crash log cannot be written to {self.path} ({exc.strerror or exc}); crashes go to stderr."
            log.warning(message)
            return message
        return None

    def stop(self) -> None:
        """A clean exit: nothing to report next time."""
        if self._file is None:
            return
        faulthandler.disable()
        self._file.close()
        self._file = None
        self.path.unlink(missing_ok=True)


def _pid_of(session_file: Path) -> int:
    try:
        return int(session_file.stem.removeprefix("session-"))
    except ValueError:
        return -1


def previous_crashes(folder: Path | None = None) -> list[CrashReport]:
    """Sessions of processes that are gone without removing their file, oldest first."""
    folder = folder or crash_dir()
    reports = []
    for session_file in sorted(folder.glob("session-*.log")) if folder.is_dir() else []:
        pid = _pid_of(session_file)
        if pid == os.getpid() or process_alive(pid):
            continue
        try:
            text = session_file.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            log.warning("cannot read crash log %s: %s", session_file, exc)
            continue
        header, _, trace = text.partition("\n")
        started = header.rpartition(" started ")[2] if HEADER in header else "earlier"
        reports.append(CrashReport(session_file, started, trace.strip()))
    return reports


def archive(report: CrashReport) -> None:
    """Keep the report under crashes/reported (the newest KEEP_REPORTS), out of the next start's way."""
    reported = report.session_file.parent / "reported"
    try:
        reported.mkdir(exist_ok=True)
        report.session_file.replace(reported / f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{report.session_file.name}")
        for old in sorted(reported.glob("crash-*.log"))[:-KEEP_REPORTS]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("cannot archive crash log %s: %s", report.session_file, exc)
        try:
            report.session_file.unlink(missing_ok=True)
        except OSError:
            pass  # reported again next time: better than losing it
