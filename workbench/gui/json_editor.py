"""List and Dict values edited as JSON in a multi-line editor: the field shows the value on one line;
Edit… (or Enter, or a double click) opens the value pretty-printed in a monospace editor that
validates as you type, names the line and column of a mistake and refuses to commit it (the old
value stays). A commit is one undoable edit.

Validation waits for a pause in typing, longer for longer texts, and costs one parse; nothing else
walks the text (no highlighter), so a megabyte value stays responsive."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import (QColor, QFontDatabase, QKeyEvent, QKeySequence, QMouseEvent, QShortcut, QTextCursor,
                           QTextFormat)
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QTextEdit, QToolButton, QVBoxLayout, QWidget)

from workbench.gui.theme import error_text_color

JSON_TYPES = {"List": list, "Dict": dict}
EXAMPLES = {"List": "[1, 2, 3]", "Dict": '{"key": "value"}'}
SUMMARY_CHARS = 200  # the one-line field shows at most this much of a long value
BIG_VALUE = 100_000  # characters of compact JSON above which entries are not indented further


def settle_ms(length: int) -> int:
    """How long typing must pause before the text is parsed: ~0.1 s, up to ~0.6 s for megabytes."""
    return 120 + min(500, length // 5000)


def check(type_name: str, text: str, allow_empty: bool = False) -> tuple[Any, str]:
    """(value, "") when `text` is JSON of the type's kind, else (None, what is wrong and where)."""
    if not text.strip():
        return (None, "") if allow_empty else (None, f"Empty: type a JSON {describe(type_name)}, e.g. "
                                                    f"{EXAMPLES[type_name]}")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"Line {exc.lineno}, column {exc.colno}: {exc.msg}"
    except RecursionError:
        return None, "Nested too deeply to read"
    if not isinstance(value, JSON_TYPES[type_name]):
        return None, f"A {type_name} needs a JSON {describe(type_name)} such as {EXAMPLES[type_name]}, " \
                     f"not {kind_of(value)}"
    return value, ""


def describe(type_name: str) -> str:
    return "list" if type_name == "List" else "object"


def kind_of(value: Any) -> str:
    names = {list: "a list", dict: "an object", str: "a string", bool: "true/false", int: "a number",
             float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def pretty(value: Any) -> str:
    """Indented JSON; a big value (over BIG_VALUE characters) gets one line per top-level entry
    instead, which the editor lays out ten times faster than a line per scalar."""
    if value is None:
        return ""
    flat = compact(value)
    if len(flat) <= BIG_VALUE or not value:
        return json.dumps(value, indent=2, ensure_ascii=False)
    if isinstance(value, dict):
        entries = [f"{compact(key)}: {compact(item)}" for key, item in value.items()]
        return "{\n  " + ",\n  ".join(entries) + "\n}"
    return "[\n  " + ",\n  ".join(compact(item) for item in value) + "\n]"


def compact(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False)


def summary(value: Any) -> str:
    if isinstance(value, list):
        return f"{len(value):,} item{'s' * (len(value) != 1)}"
    if isinstance(value, dict):
        return f"{len(value):,} key{'s' * (len(value) != 1)}"
    return "no value"


class JsonEditDialog(QDialog):
    """The multi-line editor. `value` holds the last valid text's value; OK commits only that."""

    def __init__(self, type_name: str, value: Any, title: str, allow_empty: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.type_name, self.allow_empty = type_name, allow_empty
        self.value, self.error = value, ""
        self.setWindowTitle(title)
        self.resize(560, 420)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("json-text")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)  # long lines cost nothing to lay out
        self.editor.setTabChangesFocus(True)
        self.editor.setPlaceholderText(f"A JSON {describe(type_name)}, e.g. {EXAMPLES[type_name]}")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.format_button = self.buttons.addButton("Format", QDialogButtonBox.ButtonRole.ActionRole)
        self.format_button.setToolTip("Pretty-print the JSON (Ctrl+Shift+F)")
        self.format_button.clicked.connect(self.reformat)
        self.buttons.accepted.connect(self.commit)
        self.buttons.rejected.connect(self.reject)
        for keys, slot in (("Ctrl+Return", self.commit), ("Ctrl+Shift+F", self.reformat)):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.validate)
        # typing restarts the timer (a C++ connection: a text cleared as the dialog is destroyed calls
        # no Python); OK re-validates anyway, so a click before the pause cannot commit stale text
        self.editor.textChanged.connect(self.timer.start)
        self.load(value)

    def load(self, value: Any) -> None:
        """Show `value` pretty-printed, as a fresh edit (its own undo history in the editor)."""
        self.editor.setPlainText(pretty(value))
        self.validate()

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def validate(self) -> bool:
        """Parse the text now; show what is wrong (and mark its line) or what it holds."""
        self.timer.stop()
        text = self.editor.toPlainText()
        self.timer.setInterval(settle_ms(len(text)))
        value, self.error = check(self.type_name, text, self.allow_empty)
        self.ok_button().setEnabled(not self.error)
        self.format_button.setEnabled(not self.error and value is not None)
        if self.error:
            self.message.setText(f"<span style='color:{error_text_color()}'>{self.error}</span>"
                                 " &mdash; not saved; the value stays as it was.")
        else:
            self.value = value
            self.message.setText(f"Valid JSON {describe(self.type_name)}: {summary(value)}"
                                 if value is not None else "Empty: the parameter has no default (required)")
        self._mark_error_line()
        return not self.error

    def changeEvent(self, event: QEvent) -> None:
        """A theme switch: say it again in the new theme's colours."""
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "timer"):  # not while being built
            self.validate()
        super().changeEvent(event)

    def _mark_error_line(self) -> None:
        selections = []
        if self.error.startswith("Line "):
            line = int(self.error.split(",")[0].removeprefix("Line ")) - 1
            block = self.editor.document().findBlockByNumber(line)
            if block.isValid():
                selection = QTextEdit.ExtraSelection()
                selection.cursor = QTextCursor(block)
                selection.format.setBackground(QColor(209, 61, 61, 60))
                selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                selections.append(selection)
        self.editor.setExtraSelections(selections)

    def reformat(self) -> None:
        if self.validate() and self.value is not None:
            self.editor.setPlainText(pretty(self.value))  # an edit of the text: Ctrl+Z in the editor undoes it
            self.validate()

    def commit(self) -> None:
        """OK: accept only text that parses as the type; otherwise keep the dialog and say why."""
        if self.validate():
            self.accept()


class _SummaryLine(QLineEdit):
    """The read-only one-line view; Enter, F2 or a double click ask for the editor."""

    open_requested = Signal()

    def __init__(self):
        super().__init__(readOnly=True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
            self.open_requested.emit()
        else:
            super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.open_requested.emit()


class JsonField(QWidget):
    """One line showing the value, and Edit… opening the JSON editor. Emits `committed(value)` once
    per accepted edit (None: cleared, where `allow_empty`)."""

    committed = Signal(object)

    def __init__(self, type_name: str, value: Any, allow_empty: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.type_name, self.allow_empty, self.value = type_name, allow_empty, value
        self.dialog: JsonEditDialog | None = None
        self.line = _SummaryLine()
        self.line.setPlaceholderText("(required)" if allow_empty else f"JSON {describe(type_name)}")
        self.line.open_requested.connect(self.open_editor)
        self.edit_button = QToolButton(text="Edit\u2026")
        self.edit_button.setToolTip(f"Edit the {type_name} as JSON in a multi-line editor")
        self.edit_button.clicked.connect(self.open_editor)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.edit_button)
        self._show()

    def _show(self) -> None:
        text = compact(self.value)
        self.line.setText(text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "\u2026")
        self.line.setCursorPosition(0)
        self.line.setToolTip(f"{self.type_name}: {summary(self.value)}. Enter or double-click to edit.")

    def open_editor(self) -> JsonEditDialog:
        """Open the editor on the current value (window-modal, without blocking); OK commits through
        `committed`. One dialog per field, kept for the next edit and deleted with the field."""
        if self.dialog is None:
            self.dialog = JsonEditDialog(self.type_name, self.value, f"Edit {self.type_name} value", self.allow_empty,
                                         self)
            self.dialog.accepted.connect(self._accepted)
        else:
            self.dialog.load(self.value)
        self.dialog.open()
        return self.dialog

    def _accepted(self) -> None:
        value = self.dialog.value
        if value != self.value:
            self.value = value
            self._show()
            self.committed.emit(value)
