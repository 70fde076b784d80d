"""Crash safety: each modified document is written to a recovery file (atomically) within a
second of an edit. A recovery file lives until its document is saved or discarded on purpose:
a document recovered after a crash keeps (and goes on updating) the same file, so however many
crashes follow, the work is offered again. At start the app offers what a crash left behind."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.atomic import write_atomic
from workbench.gui.catalog import data_dir
from workbench.processes import process_alive
from workbench.gui.editor_document import EditorDocument
from workbench.model import serialize
from workbench.model.document import PipelineGraph

DELAY_MS = 1000
log = logging.getLogger(__name__)


def recovery_dir() -> Path:
    return data_dir() / "recovery"


@dataclass
class Recovery:
    document_file: Path
    meta_file: Path
    original_path: str | None
    saved_at: float

    @property
    def title(self) -> str:
        return self.original_path or "(never saved)"

    def load(self) -> PipelineGraph:
        return serialize.load(self.document_file)

    def discard(self) -> None:
        self.document_file.unlink(missing_ok=True)
        self.meta_file.unlink(missing_ok=True)

    def set_aside(self) -> Path:
        """Move a recovery file that cannot be read to recovery/damaged (kept for a person to look
        at, no longer offered); returns where it went."""
        damaged = self.document_file.parent / "damaged"
        damaged.mkdir(exist_ok=True)
        target = damaged / self.document_file.name
        self.document_file.replace(target)
        self.meta_file.unlink(missing_ok=True)
        return target


def pending_recoveries() -> list[Recovery]:
    """Recovery files left by sessions that are gone (a running app's own files are not offered to
    another one), oldest first."""
    found = []
    folder = recovery_dir()
    for meta_file in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        document_file = meta_file.with_suffix(".wbp")
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            meta = meta if isinstance(meta, dict) else {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            meta = {}
        owner = meta.get("pid")
        if isinstance(owner, int) and owner != os.getpid() and process_alive(owner):
            continue
        if document_file.exists():
            path = meta.get("path")
            saved_at = meta.get("saved_at")
            found.append(Recovery(document_file, meta_file, path if isinstance(path, str) else None,
                                  saved_at if isinstance(saved_at, (int, float)) else 0.0))
        else:
            meta_file.unlink(missing_ok=True)
    return sorted(found, key=lambda r: r.saved_at)


class Autosaver(QObject):
    """Watches one document. The timer starts at the first edit and is not pushed back by later
    ones, so a recovery file is never more than DELAY_MS behind. A failed write is reported, never
    raised: the user's work in memory is unaffected. Given the `recovery` a document was restored
    from, it takes that file over (claims it for this session) instead of starting a new one."""

    failed = Signal(str)

    def __init__(self, document: EditorDocument, parent: QObject | None = None, recovery: Recovery | None = None):
        super().__init__(parent)
        self.document = document
        if recovery is None:
            token = uuid.uuid4().hex
            self.document_file = recovery_dir() / f"{token}.wbp"
            self.meta_file = recovery_dir() / f"{token}.json"
        else:
            self.document_file, self.meta_file = recovery.document_file, recovery.meta_file
        self.timer = QTimer(self, singleShot=True, interval=DELAY_MS)
        self.timer.timeout.connect(self.write)
        document.graph_changed.connect(self._edited)
        document.status_changed.connect(self._status_changed)
        if recovery is not None:
            self._write_meta()

    def _edited(self, *_args) -> None:
        if not self.timer.isActive():
            self.timer.start()

    def _status_changed(self) -> None:
        if not self.document.modified:
            self.timer.stop()
            self.discard()

    def write(self) -> None:
        if not self.document.modified:
            return
        try:
            recovery_dir().mkdir(parents=True, exist_ok=True)
            write_atomic(self.document_file, serialize.to_json(self.document.graph))
        except OSError as exc:
            self.failed.emit(f"autosave failed: cannot write {self.document_file} ({exc.strerror})")
            return
        self._write_meta()

    def _write_meta(self) -> None:
        try:
            write_atomic(self.meta_file, json.dumps({"path": self.document.path, "saved_at": time.time(),
                                                     "pid": os.getpid()}))
        except OSError as exc:
            log.warning("cannot write recovery metadata %s: %s", self.meta_file, exc)
            self.failed.emit(f"autosave failed: cannot write {self.meta_file} ({exc.strerror})")

    def discard(self) -> None:
        self.timer.stop()
        self.document_file.unlink(missing_ok=True)
        self.meta_file.unlink(missing_ok=True)
