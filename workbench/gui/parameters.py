"""The pipeline parameters editor: a table of name, type, default and description. The table is
refilled after the edit that changed a parameter has returned (its cell widgets are replaced)."""

from __future__ import annotations

import json
from dataclasses import replace

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (QApplication, QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QPushButton,
                               QTableWidget, QVBoxLayout, QWidget)

from workbench.gui.deferred_rebuild import DeferredRebuild
from workbench.gui.editor_document import EditorDocument
from workbench.gui.inspector import TYPING_WIDGETS
from workbench.gui.json_editor import JSON_TYPES, JsonField
from workbench.gui.value_editor import format_value
from workbench.model.document import Parameter
from workbench.model.types import PARAMETER_TYPES, parse_value

COLUMNS = ("Name", "Type", "Default", "Description")


class ParametersEditor(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.document: EditorDocument | None = None
        self.rebuild = DeferredRebuild(self.refresh, self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        for column in (2, 3):  # defaults (a List's JSON) and descriptions share what is left
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.add_button = QPushButton("Add parameter")
        self.remove_button = QPushButton("Remove")
        self.add_button.clicked.connect(self.add_parameter)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table)

    def sizeHint(self) -> QSize:
        return QSize(600, 110)

    def set_document(self, document: EditorDocument | None) -> None:
        if self.document is not None:
            self.document.graph_changed.disconnect(self._graph_changed)
        self.document = document
        if document is not None:
            document.graph_changed.connect(self._graph_changed)
        self.setEnabled(document is not None)
        self.rebuild.request()

    def _graph_changed(self, change: str, _item: str) -> None:
        focus = QApplication.focusWidget()
        if change == "parameter" and not (isinstance(focus, TYPING_WIDGETS) and self.isAncestorOf(focus)):
            self.rebuild.request()

    def refresh(self) -> None:
        """Refill the table (the view releases the old cell widgets with deleteLater)."""
        self.rebuild.cancel()
        self.table.setRowCount(0)
        if self.document is None:
            return
        for parameter in self.document.graph.parameters.values():
            row = self.table.rowCount()
            self.table.insertRow(row)
            name = QLineEdit(parameter.name)
            name.editingFinished.connect(lambda p=parameter.name, w=name: self._rename(p, w.text().strip()))
            kind = QComboBox()
            kind.addItems(PARAMETER_TYPES)
            kind.setCurrentText(parameter.type)
            kind.activated.connect(lambda _i, p=parameter.name, w=kind: self._edit(p, type=w.currentText()))
            default = self._default_editor(parameter)
            description = QLineEdit(parameter.description)
            description.textEdited.connect(lambda text, p=parameter.name: self._edit(p, True, description=text))
            for column, widget in enumerate((name, kind, default, description)):
                self.table.setCellWidget(row, column, widget)

    def _default_editor(self, parameter: Parameter) -> QWidget:
        if parameter.type in JSON_TYPES:
            field = JsonField(parameter.type, parameter.default, allow_empty=True)
            field.committed.connect(lambda value, p=parameter.name: self._edit(p, default=value))
            return field
        line = QLineEdit(format_value(parameter.type, parameter.default))
        line.setPlaceholderText("(required)")
        line.textEdited.connect(lambda text, p=parameter.name, w=line: self._set_default(p, text, w))
        return line

    def _current(self, name: str) -> Parameter:
        return replace(self.document.graph.parameters[name])

    def _edit(self, current_name: str, merge: bool = False, **changes) -> None:
        self.document.set_parameter(replace(self._current(current_name), **changes), current_name, merge)

    def _set_default(self, name: str, text: str, widget: QLineEdit) -> None:
        parameter = self._current(name)
        try:
            value = None if text == "" else parse_value(parameter.type, text)
        except (ValueError, json.JSONDecodeError) as exc:
            widget.setStyleSheet("QLineEdit { border: 1px solid #d13d3d; }")
            widget.setToolTip(str(exc))
            return
        widget.setStyleSheet("")
        widget.setToolTip("")
        self._edit(name, True, default=value)

    def _rename(self, old: str, new: str) -> None:
        if not new or new == old or old not in self.document.graph.parameters:
            return
        if new in self.document.graph.parameters:
            self.rebuild.request()
            return
        self.document.rename_parameter(old, replace(self._current(old), name=new))

    def add_parameter(self) -> None:
        taken = set(self.document.graph.parameters)
        index = 1
        while f"param_{index}" in taken:
            index += 1
        self.document.set_parameter(Parameter(f"param_{index}", "String", ""))

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        names = list(self.document.graph.parameters)
        if 0 <= row < len(names):
            self.document.remove_parameter(names[row])
