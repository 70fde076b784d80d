"""The selected task of a run: what ran (image, command, resources), why it was or was not a
cache hit (the key) and which run a cached result came from, its resolved inputs and outputs,
artifact URIs, timing, retries, exit code; why it was skipped; and for a failure, the exception
and the whole traceback in a read-only monospace view below."""

from __future__ import annotations

import html
import json
import time
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from workbench.gui.runs.session import RunSession
from workbench.gui.theme import status_color
from workbench.runs.task_names import leaf_name


def _when(timestamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp)) if timestamp else "-"


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, indent=1, default=str)
    return f"<pre style='margin:0; white-space:pre-wrap'>{html.escape(text)}</pre>"


def describe_task(session: RunSession, task_id: str) -> list[tuple[str, str]]:
    """(label, HTML) rows for a task; fields a task does not have (a DAG, a cached task's exit
    code) are left out rather than shown empty."""
    task = session.tasks[task_id]
    details = task.details
    exception = str(details.get("exception") or "") if task.state == "failed" else ""
    source = details.get("cached_from") if task.state == "cached" else None
    reason = "" if exception or source else session.reason(task_id)  # their own rows below say more
    muted, error = status_color("muted"), status_color("error")
    label = session.names.label(task_id, limit=None)
    title = html.escape(label) + ("" if task_id == leaf_name(task_id) else  # the label ends with the leaf
                                  f"<br><span style='color:{muted}'>task id {html.escape(task_id)}</span>")
    rows = [("Task", title), ("State", html.escape(task.state) + (f" \u2014 {html.escape(reason)}" if reason else ""))]
    if exception:
        rows.append(("Error", f"<b style='color:{error}'>{html.escape(exception)}</b>"))
    if isinstance(source, dict) and source.get("run_id"):
        rows.append(("Cached from", f"run {html.escape(str(source['run_id']))}, task "
                                    f"{html.escape(str(source.get('task_id', '')))}: its curves, metrics and "
                                    "artifacts are shown here"))
    duration = f"{task.end - task.start:.1f} s" if task.start and task.end else "-"
    rows += [("Start", _when(task.start)), ("End", _when(task.end)), ("Duration", duration)]
    for key, label in (("image", "Image"), ("command", "Command"), ("resources", "Resources"),
                       ("cache_key", "Cache key"), ("inputs", "Resolved inputs"), ("outputs", "Outputs"),
                       ("attempts", "Attempts"), ("exit_code", "Exit code"), ("iterations", "Iterations")):
        if key in details and details[key] not in (None, {}, []):
            rows.append((label, _value(details[key])))
    if "attempts" in details:
        rows.append(("Retries", str(max(0, int(details["attempts"]) - 1))))
    artifacts = [a for a in session.artifacts if a.task_id == task_id]
    if artifacts:
        rows.append(("Artifacts", "<br>".join(f"<b>{html.escape(a.name)}</b> ({html.escape(a.type)}): "
                                              f"{html.escape(a.uri)}" for a in artifacts)))
    if not details and task.state in ("running", "pending"):
        rows.append(("", "<i>details appear when the task finishes</i>"))
    return rows


class StepInspector(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.traceback = QPlainTextEdit(readOnly=True)
        self.traceback.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.traceback.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.traceback_box = QWidget()
        box = QVBoxLayout(self.traceback_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel("Traceback (from the task's log)"))
        box.addWidget(self.traceback)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.traceback_box)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.splitter)
        self.session: RunSession | None = None
        self.task_id: str | None = None
        self.show_task(None, None)

    def show_task(self, session: RunSession | None, task_id: str | None) -> None:
        self.session, self.task_id = session, task_id
        self.refresh()

    def refresh(self) -> None:
        if self.session is None or self.task_id not in (self.session.tasks if self.session else {}):
            muted = status_color("muted")
            self.view.setHtml(f"<p style='color:{muted}'>Select a task on the canvas of a run to inspect it.</p>")
            self._show_traceback("")
            return
        rows = describe_task(self.session, self.task_id)
        body = "".join(f"<tr><td valign='top' style='padding-right:10px'><b>{label}</b></td><td>{value}</td></tr>"
                       for label, value in rows)
        self.view.setHtml(f"<table cellspacing='2'>{body}</table>")
        task = self.session.tasks[self.task_id]
        self._show_traceback(str(task.details.get("traceback") or "") if task.state == "failed" else "")

    def _show_traceback(self, text: str) -> None:
        """The traceback below the details (scrolled to its end, where the exception is), or nothing."""
        if text == self.traceback.toPlainText() and self.traceback_box.isHidden() != bool(text):
            return
        self.traceback.setPlainText(text)
        self.traceback_box.setVisible(bool(text))
        if text:
            self.splitter.setSizes([1, 2])  # the traceback gets two thirds
            bar = self.traceback.verticalScrollBar()
            bar.setValue(bar.maximum())

    def text(self) -> str:
        return self.view.toPlainText()
