"""Logs of the whole run or of one task: streaming as lines arrive (batched by a timer), following
the end unless you scroll away, searchable, ANSI colours rendered or stripped, and copyable."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QTextEdit, QVBoxLayout, QWidget)

from workbench.gui.canvas.style import is_dark
from workbench.gui.runs.ansi import ansi_to_html, log_colours, strip_ansi
from workbench.gui.runs.session import RunSession
from workbench.runs.events import LogLine

WHOLE_RUN = "Whole run"
MAX_BLOCKS = 200_000  # a runaway task must not exhaust memory in the view (the history keeps all)
REFRESH_MS = 100


class LogsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.session: RunSession | None = None
        self.shown = 0  # how many of the session's lines the view holds (for the chosen task)
        self.task = QComboBox()
        self.task.setMinimumContentsLength(32)
        self.task.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.task.currentIndexChanged.connect(self.reload)
        self.colours = QComboBox()
        self.colours.addItem("ANSI colours", True)
        self.colours.addItem("Strip ANSI codes", False)
        self.colours.currentIndexChanged.connect(self.reload)
        self.follow = QCheckBox("Follow", checked=True)
        self.search = QLineEdit(placeholderText="Search logs", clearButtonEnabled=True)
        self.search.returnPressed.connect(self.find_next)
        self.search.textChanged.connect(self._highlight)
        previous = QPushButton("\u2191")
        previous.setToolTip("Previous match (Shift+Enter)")
        previous.clicked.connect(lambda: self.find_next(backwards=True))
        following = QPushButton("\u2193")
        following.setToolTip("Next match (Enter)")
        following.clicked.connect(self.find_next)
        for button in (previous, following):
            button.setMaximumWidth(button.fontMetrics().horizontalAdvance("\u2193") + 28)
        self.matches = QLabel()
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setMaximumBlockCount(MAX_BLOCKS)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        font = self.text.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        self.text.setFont(font)
        self.text.verticalScrollBar().valueChanged.connect(self._scrolled)
        bar = QHBoxLayout()
        for widget in (self.task, self.colours, self.follow, self.search, previous, following, self.matches):
            bar.addWidget(widget)
        bar.setStretchFactor(self.search, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.text)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.append_new)

    # ----- session and task -------------------------------------------------------------------

    def set_session(self, session: RunSession | None) -> None:
        self.session = session
        self._fill_tasks()
        self.reload()
        self.timer.start() if session is not None and not session.finished else self.timer.stop()

    def show_task(self, task_id: str | None) -> None:
        self._fill_tasks()
        index = self.task.findData(task_id) if task_id else 0
        if index >= 0:
            self.task.setCurrentIndex(index)

    def _fill_tasks(self) -> None:
        current = self.task.currentData()
        ids = sorted(self.session.tasks) if self.session else []
        known = [self.task.itemData(i) for i in range(1, self.task.count())]
        if self.task.count() and known == ids:
            return
        self.task.blockSignals(True)
        self.task.clear()
        self.task.addItem(WHOLE_RUN, None)
        names = self.session.names if self.session else None
        for task_id in ids:
            self.task.addItem(names.label(task_id), task_id)
            self.task.setItemData(self.task.count() - 1, names.tooltip(task_id), Qt.ItemDataRole.ToolTipRole)
        self.task.setCurrentIndex(max(0, self.task.findData(current)) if current else 0)
        self.task.blockSignals(False)

    def _lines(self) -> list[LogLine]:
        return self.session.logs_of(self.task.currentData()) if self.session else []

    # ----- text -------------------------------------------------------------------------------

    def reload(self) -> None:
        self.text.clear()
        self.shown = 0
        self.append_new()

    def append_new(self) -> None:
        """Append what arrived since the last call, in one edit (called by the refresh timer)."""
        if self.session is None:
            return
        if self.task.count() - 1 != len(self.session.tasks):
            self._fill_tasks()
        task_id = self.task.currentData()
        if task_id is None:
            fresh = self.session.logs[self.shown:]
            self.shown = len(self.session.logs)
        else:
            lines = self.session.logs_of(task_id)
            fresh, self.shown = lines[self.shown:], len(lines)
        if fresh:
            self._append(fresh, task_id is None)
        self.text.setPlaceholderText(self._without_log(task_id))
        if self.session.finished:
            self.timer.stop()

    def _without_log(self, task_id: str | None) -> str:
        """What the view says for a task with no log line: a skipped task, why it never ran."""
        task = self.session.tasks.get(task_id) if task_id is not None else None
        if task is None or task.state != "skipped":
            return ""
        reason = self.session.reason(task_id) or task.message
        return f"skipped: {reason}\n\nA skipped task does not run, so it has no log."

    def _append(self, lines: list[LogLine], with_task: bool) -> None:
        cursor = QTextCursor(self.text.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        prefixes = self._prefixes(lines) if with_task else {}
        if self.colours.currentData():
            dark = is_dark()
            theme = log_colours(dark)
            rows = [(f'<span style="color: {theme["muted"]}">[{html.escape(prefixes[line.task_id])}]</span> '
                     if with_task else "")
                    + (f'<span style="color: {theme["stderr"]}">{ansi_to_html(line.line, dark)}</span>'
                       if line.stream == "stderr" else ansi_to_html(line.line, dark)) for line in lines]
            if not self.text.document().isEmpty():
                cursor.insertBlock()
            cursor.insertHtml("<br>".join(rows))
        else:
            rows = [(f"[{prefixes[line.task_id]}] " if with_task else "") + strip_ansi(line.line) for line in lines]
            if not self.text.document().isEmpty():
                cursor.insertBlock()
            cursor.insertText("\n".join(rows), QTextCharFormat())
        if self.follow.isChecked():
            self.text.verticalScrollBar().setValue(self.text.verticalScrollBar().maximum())

    def changeEvent(self, event: QEvent) -> None:
        """A theme switch: render the coloured log again in the new theme's colours."""
        if event.type() == QEvent.Type.PaletteChange and self.colours.currentData() and self.shown:
            self.reload()
        super().changeEvent(event)

    def _prefixes(self, lines: list[LogLine]) -> dict[str, str]:
        """Task id -> the name a line of the whole run's log starts with."""
        names = self.session.names
        return {task_id: names.label(task_id) for task_id in {line.task_id for line in lines}}

    def _scrolled(self, value: int) -> None:
        """Scrolling up stops following; scrolling back to the end resumes it."""
        bar = self.text.verticalScrollBar()
        if bar.isSliderDown():
            self.follow.setChecked(value >= bar.maximum() - 4)

    def plain_text(self) -> str:
        return self.text.toPlainText()

    # ----- search -----------------------------------------------------------------------------

    def find_next(self, backwards: bool = False) -> bool:
        needle = self.search.text()
        if not needle:
            return False
        flags = QTextDocument.FindFlag.FindBackward if backwards else QTextDocument.FindFlag(0)
        found = self.text.find(needle, flags)
        if not found:  # wrap around
            cursor = self.text.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End if backwards else QTextCursor.MoveOperation.Start)
            self.text.setTextCursor(cursor)
            found = self.text.find(needle, flags)
        if found:
            self.follow.setChecked(False)
        return found

    def _highlight(self, needle: str) -> None:
        selections = []
        if needle:
            fmt = QTextCharFormat()
            fmt.setBackground(QColor("#ffe082"))
            fmt.setForeground(QColor("black"))
            cursor = self.text.document().find(needle)
            while not cursor.isNull() and len(selections) < 2000:
                selection = QTextEdit.ExtraSelection()
                selection.cursor, selection.format = cursor, fmt
                selections.append(selection)
                cursor = self.text.document().find(needle, cursor)
        self.text.setExtraSelections(selections)
        self.matches.setText(f"{len(selections)} match(es)" if needle else "")
