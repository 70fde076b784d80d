"""A constant editor typed by KFP type: a check box for Boolean, the multi-line JSON editor for
List and Dict, a line that must parse as the type for the rest. It reports only values that parse."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QWidget

from workbench.gui.json_editor import JSON_TYPES, JsonField
from workbench.model.types import parse_value

PLACEHOLDERS = {"String": "text", "Integer": "whole number", "Float": "number"}


def format_value(type_name: str, value: Any) -> str:
    if value is None:
        return ""
    if type_name in ("List", "Dict") or not isinstance(value, str):
        return json.dumps(value)
    return value


class ValueEditor(QWidget):
    value_edited = Signal(object)  # a parsed value, on every valid keystroke (merged into one undo step)
    value_committed = Signal(object)  # a List / Dict value accepted in the JSON editor (an undo step of its own)

    def __init__(self, type_name: str, value: Any = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.type_name = type_name
        self.line = self.json = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if type_name in JSON_TYPES:
            self.json = JsonField(type_name, value)
            self.json.committed.connect(lambda value: self.value_committed.emit(value))
            layout.addWidget(self.json)
        elif type_name == "Boolean":
            self.check = QCheckBox("true")
            self.check.setChecked(bool(value))
            self.check.toggled.connect(self._toggled)  # PySide6 cannot connect toggled(bool) to a PyObject signal
            layout.addWidget(self.check)
        else:
            self.line = QLineEdit(format_value(type_name, value))
            self.line.setPlaceholderText(PLACEHOLDERS.get(type_name, type_name))
            self.line.textEdited.connect(self._edited)
            layout.addWidget(self.line)

    def value(self) -> Any:
        if self.json is not None:
            return self.json.value
        if self.line is None:
            return self.check.isChecked()
        return parse_value(self.type_name, self.line.text())

    def _toggled(self, checked: bool) -> None:
        self.value_edited.emit(checked)

    def _edited(self, text: str) -> None:
        try:
            value = parse_value(self.type_name, text)
        except (ValueError, json.JSONDecodeError) as exc:
            self.line.setStyleSheet("QLineEdit { border: 1px solid #d13d3d; }")
            self.line.setToolTip(str(exc))
            return
        self.line.setStyleSheet("")
        self.line.setToolTip("")
        self.value_edited.emit(value)
