"""Crash safety: each modified document is written to a recovery file (atomically) within a
second of an edit; the file goes away when the document is saved or closed on purpose. At start
the app offers what a crash left behind."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.atomic import write_atomic
from workbench.gui.catalog import data_dir
from workbench.gui.editor_document import EditorDocument
from workbench.model import serialize
from workbench.model.document import PipelineGraph

DELAY_MS = 1000


def recovery_dir() -> Path:
    return data_dir() / "recovery"


@dataclass
class Recovery:
    document_file: Path
    meta_file: Path
    original_path: str | None
    saved_at: float

    def load(self) -> PipelineGraph:
        return serialize.load(self.document_file)

    def discard(self) -> None:
        self.document_file.unlink(missing_ok=True)
        self.meta_file.unlink(missing_ok=True)


def pending_recoveries() -> list[Recovery]:
    found = []
    folder = recovery_dir()
    for meta_file in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        document_file = meta_file.with_suffix(".wbp")
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            meta = {}
        if document_file.exists():
            found.append(Recovery(document_file, meta_file, meta.get("path"), meta.get("saved_at", 0.0)))
        else:
            meta_file.unlink(missing_ok=True)
    return found


class Autosaver(QObject):
    """Watches one document. The timer starts at the first edit and is not pushed back by later
    ones, so a recovery file is never more than DELAY_MS behind. A failed write is reported, never
    raised: the user's work in memory is unaffected."""

    failed = Signal(str)

    def __init__(self, document: EditorDocument, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        token = uuid.uuid4().hex
        self.document_file = recovery_dir() / f"{token}.wbp"
        self.meta_file = recovery_dir() / f"{token}.json"
        self.timer = QTimer(self, singleShot=True, interval=DELAY_MS)
        self.timer.timeout.connect(self.write)
        document.graph_changed.connect(self._edited)
        document.status_changed.connect(self._status_changed)

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
            write_atomic(self.meta_file, json.dumps({"path": self.document.path, "saved_at": time.time()}))
        except OSError as exc:
            self.failed.emit(f"autosave failed: cannot write {self.document_file} ({exc.strerror})")

    def discard(self) -> None:
        self.timer.stop()
        self.document_file.unlink(missing_ok=True)
        self.meta_file.unlink(missing_ok=True)
