"""At start, after a crash: what happened (the fault trace, with a Copy button) and the documents
that can be recovered. Recover opens the checked ones, Discard deletes them for good, Later keeps
them for the next start."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)

from workbench.gui.autosave import Recovery
from workbench.gui.crash.fault_log import CrashReport

RECOVER, DISCARD = 1, 2  # dialog results besides Rejected (= Later)


class StartupReportDialog(QDialog):
    def __init__(self, crashes: list[CrashReport], recoveries: list[Recovery], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Pipeline Workbench closed unexpectedly" if crashes else "Recover unsaved work")
        self.recoveries = recoveries
        layout = QVBoxLayout(self)
        headline = QLabel(self._headline(crashes))
        headline.setWordWrap(True)
        layout.addWidget(headline)
        self.documents = QListWidget()
        for recovery in recoveries:
            saved = time.strftime("%Y-%m-%d %H:%M", time.localtime(recovery.saved_at)) if recovery.saved_at else "?"
            item = QListWidgetItem(f"{recovery.title}  \u2014 last autosaved {saved}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.documents.addItem(item)
        self.buttons = QDialogButtonBox()
        if recoveries:
            layout.addWidget(QLabel(f"<b>{len(recoveries)} document(s) with unsaved changes can be recovered.</b> "
                                    "They stay recoverable until you save or discard them."))
            rows = min(len(recoveries), 6)
            self.documents.setFixedHeight(self.documents.sizeHintForRow(0) * rows + 2 * self.documents.frameWidth() + 4)
            layout.addWidget(self.documents)
            recover = self.buttons.addButton("Recover", QDialogButtonBox.ButtonRole.AcceptRole)
            discard = self.buttons.addButton("Discard", QDialogButtonBox.ButtonRole.DestructiveRole)
            later = self.buttons.addButton("Later", QDialogButtonBox.ButtonRole.RejectRole)
            recover.setToolTip("Open the checked documents; save them to end their recovery")
            later.setToolTip("Keep the recovery files; they are offered again at the next start")
            discard.setToolTip("Delete the checked recovery files for good")
            recover.clicked.connect(lambda: self.done(RECOVER))
            discard.clicked.connect(lambda: self.done(DISCARD))
            later.clicked.connect(self.reject)
            recover.setDefault(True)
            recover.setFocus()
        else:
            self.buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        self.trace = QPlainTextEdit(self._trace_text(crashes))
        self.trace.setReadOnly(True)
        self.trace.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.trace.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.copy_button = QPushButton("Copy Report")
        self.copy_button.setToolTip("Copy the report to the clipboard, to paste into a bug report")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_report)
        if crashes:
            layout.addWidget(QLabel("What happened (the report helps to find the cause; nothing is sent anywhere):"))
            layout.addWidget(self.trace, 1)
            row = QHBoxLayout()
            kept = QLabel(f"A copy is kept in {crashes[0].session_file.parent / 'reported'}")
            kept.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row.addWidget(kept, 1)
            row.addWidget(self.copy_button)
            layout.addLayout(row)
        layout.addWidget(self.buttons)
        self.resize(760, 520 if crashes else 260)

    @staticmethod
    def _headline(crashes: list[CrashReport]) -> str:
        if not crashes:
            return "<b>Workbench closed without saving some documents.</b>"
        return "<b>Pipeline Workbench closed unexpectedly last time.</b><br>" + "<br>".join(c.summary for c in crashes)

    @staticmethod
    def _trace_text(crashes: list[CrashReport]) -> str:
        return "\n\n".join(f"== session started {c.started}\n{c.trace or '(no trace: the process was killed)'}"
                           for c in crashes)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.trace.toPlainText())
        self.copy_button.setText("Copied")

    def chosen(self) -> list[Recovery]:
        """The recoveries whose box is checked."""
        return [r for i, r in enumerate(self.recoveries)
                if self.documents.item(i).checkState() == Qt.CheckState.Checked]
