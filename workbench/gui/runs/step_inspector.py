"""The selected task of a run: what ran (image, command, resources), why it was or was not a
cache hit (the key), its resolved inputs and outputs, artifact URIs, timing, retries, exit code."""

from __future__ import annotations

import html
import json
import time
from typing import Any

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from workbench.gui.runs.session import RunSession
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
    label = session.names.label(task_id, limit=None)
    title = html.escape(label) + ("" if task_id == leaf_name(task_id) else  # the label ends with the leaf
                                  f"<br><span style='color:gray'>task id {html.escape(task_id)}</span>")
    message = session.names.humanize(task.message)  # "upstream task 'xgboost (train-model-2)' failed"
    state = html.escape(task.state) + (f" \u2014 {html.escape(message)}" if message else "")
    rows = [("Task", title), ("State", state)]
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.view)
        self.session: RunSession | None = None
        self.task_id: str | None = None
        self.show_task(None, None)

    def show_task(self, session: RunSession | None, task_id: str | None) -> None:
        self.session, self.task_id = session, task_id
        self.refresh()

    def refresh(self) -> None:
        if self.session is None or self.task_id not in (self.session.tasks if self.session else {}):
            self.view.setHtml("<p style='color:gray'>Select a task on the canvas of a run to inspect it.</p>")
            return
        rows = describe_task(self.session, self.task_id)
        body = "".join(f"<tr><td valign='top' style='padding-right:10px'><b>{label}</b></td><td>{value}</td></tr>"
                       for label, value in rows)
        self.view.setHtml(f"<table cellspacing='2'>{body}</table>")

    def text(self) -> str:
        return self.view.toPlainText()
