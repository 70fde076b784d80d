"""The trust review: everything a bundle would run, task by task (name, image, command, args,
Python source, env, resources, Kubernetes platform config), read-only, before the user decides,
with a warning at the top when its pipeline.yaml is not what its document compiles to. The same
review `workbench trust DIR` prints (workbench/share/review.py builds it).

Two uses: when opening a bundle (with the folder it will be unpacked into, and the choice to open
it without trusting it), and later, from an untrusted tab, to trust what is already open.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QPlainTextEdit, QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from workbench.gui.python_highlighter import PythonHighlighter
from workbench.share.ir_review import TaskReview
from workbench.share.review import Review, task_title

TRUST, UNTRUSTED = "trust", "untrusted"


def _code_view(lines: int) -> QPlainTextEdit:
    view = QPlainTextEdit(readOnly=True)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    view.setMinimumHeight(view.fontMetrics().lineSpacing() * lines + 12)
    return view


def _pairs(pairs: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{key}={value}" for key, value in pairs) or "(none)"


class ItemView(QWidget):
    """One reviewed task: where it is, its image (or executor), inputs, env, resources; its source,
    full command and platform config in tabs."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.task = QLabel(wordWrap=True)
        self.task.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.image = QLineEdit(readOnly=True)
        self.packages = QLineEdit(readOnly=True)
        self.args = QLineEdit(readOnly=True)
        self.constants = QLineEdit(readOnly=True)
        self.env = QLineEdit(readOnly=True)
        self.resources = QLineEdit(readOnly=True)
        self.source = _code_view(12)
        self.highlighter = PythonHighlighter(self.source.document())
        self.command = _code_view(6)
        self.platform = _code_view(6)
        self.code_tabs = QTabWidget()
        self.code_tabs.addTab(self.source, "Python source")
        self.code_tabs.addTab(self.command, "Full command")
        self.code_tabs.addTab(self.platform, "Platform config")
        form = QFormLayout()
        form.addRow("Task:", self.task)
        form.addRow("Image:", self.image)
        form.addRow("Pip packages:", self.packages)
        form.addRow("Arguments:", self.args)
        form.addRow("Constant inputs:", self.constants)
        form.addRow("Environment:", self.env)
        form.addRow("Resources:", self.resources)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.code_tabs, 1)

    def show_item(self, item: TaskReview) -> None:
        self.task.setText(f"{task_title(item)}; executor {item.executor or '(none)'} ({item.kind})")
        self.image.setText(item.image if item.kind == "container" else f"{item.kind}: {' '.join(item.detail.split())}")
        self.packages.setText(", ".join(item.packages) or "(none)")
        self.args.setText(json.dumps(list(item.args)))
        self.constants.setText(_pairs(item.constants))
        self.env.setText(_pairs(item.env))
        self.resources.setText(" ".join(item.resources.split()) or "(none)")
        self.source.setPlainText(item.python or "")
        self.command.setPlainText("\n".join(item.command))
        self.platform.setPlainText(item.platform or "(none)")
        has_source = item.python is not None
        self.code_tabs.setTabEnabled(0, has_source)
        self.code_tabs.setTabText(2, "Platform config" + (" (!)" if item.platform else ""))
        self.code_tabs.setCurrentIndex(0 if has_source else 1)


def _warning_label(review: Review) -> QLabel:
    label = QLabel("<br>".join(f"<b>Warning:</b> {html.escape(w)}" for w in review.warnings), wordWrap=True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setObjectName("review-warnings")
    label.setStyleSheet("#review-warnings { background: #f8d7da; color: #58151c; border: 1px solid #e4a0a7;"
                        " padding: 6px; }")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(bool(review.warnings))
    return label


class TrustReviewDialog(QDialog):
    """`choice` is TRUST, UNTRUSTED (open without trusting) or None (cancelled) once finished."""

    def __init__(self, name: str, source: str, fingerprint: str | None, review: Review,
                 parent: QWidget | None = None, *, destination: Path | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Review before trusting \u2014 {name}")
        items = list(review.tasks)
        self.items, self.choice = items, None
        intro = QLabel(f"<b>{html.escape(name)}</b> from <code>{html.escape(source)}</code><br>Nothing from it "
                       f"has run. It can run the {len(items)} task(s) below: read each before trusting it. "
                       "Untrusted pipelines open for viewing and editing; running them asks for this review first.",
                       wordWrap=True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.warnings = _warning_label(review)
        self.parameters = QLineEdit(_pairs(review.parameters), readOnly=True)
        self.pipeline_root = QLineEdit(review.pipeline_root or "(none)", readOnly=True)
        self.fingerprint = QLineEdit(fingerprint or "(changed since it was imported: no bundle hash)", readOnly=True)
        self.fingerprint.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.list = QListWidget()
        self.list.addItems([f"{item.key or item.executor}  ({item.source})" for item in items])
        self.detail = ItemView()
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 720])
        top = QFormLayout()
        top.addRow("Bundle sha256:", self.fingerprint)
        top.addRow("Parameters:", self.parameters)
        top.addRow("Pipeline root:", self.pipeline_root)
        self.folder = QLineEdit(str(destination) if destination else "")
        if destination is not None:
            browse = QPushButton("Browse\u2026")
            browse.clicked.connect(self._browse)
            row = QHBoxLayout()
            row.addWidget(self.folder, 1)
            row.addWidget(browse)
            top.addRow("Unpack into:", row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        trust_text = "Trust and open" if destination is not None else "Trust"
        self.trust_button = self.buttons.addButton(trust_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.trust_button.clicked.connect(lambda: self._finish(TRUST))
        self.untrusted_button = None
        if destination is not None:
            self.untrusted_button = self.buttons.addButton("Open without trusting",
                                                           QDialogButtonBox.ButtonRole.ActionRole)
            self.untrusted_button.clicked.connect(lambda: self._finish(UNTRUSTED))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warnings)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        self.list.currentRowChanged.connect(lambda row: row >= 0 and self.detail.show_item(items[row]))
        if items:
            self.list.setCurrentRow(0)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setDefault(True)  # Enter must never trust by accident
        self.resize(1000, 680)

    def destination(self) -> Path | None:
        text = self.folder.text().strip()
        return Path(text).expanduser() if text else None

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Unpack the bundle into (a new or empty folder)",
                                                  self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _finish(self, choice: str) -> None:
        self.choice = choice
        self.accept()
