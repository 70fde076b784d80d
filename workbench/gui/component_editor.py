"""Dialogs that author components: a Python function (its signature becomes the ports) or a
container image with a command line whose placeholders are picked from the ports."""

from __future__ import annotations

import ast
import re
import shlex

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QTableWidget, QTextEdit, QVBoxLayout, QWidget)

from workbench.components.authoring import (DEFAULT_BASE_IMAGE, check_python_source, container_component,
                                            placeholders_for, python_component, python_functions)
from workbench.components.spec import ComponentSpec, Port
from workbench.errors import ComponentError
from workbench.gui.python_highlighter import PythonHighlighter
from workbench.gui.theme import status_color
from workbench.model.types import ARTIFACT_TYPES, PARAMETER_TYPES

EXAMPLE_SOURCE = '''from kfp.dsl import Dataset, Input, Output


def count_rows(data: Input[Dataset], label: str, counts: Output[Dataset]) -> int:
    """Counts the rows of a CSV file."""
    with open(data.path) as handle:
        rows = sum(1 for _ in handle) - 1
    with open(counts.path, "w") as handle:
        handle.write(f"{label},{rows}\\n")
    return rows
'''


def signature_summary(source: str, function_name: str) -> str:
    """The ports a function will get, read from its annotations (shown before kfp compiles it)."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == function_name:
            ins = [f"{a.arg}: {ast.unparse(a.annotation) if a.annotation else '?'}" for a in node.args.args]
            out = ast.unparse(node.returns) if node.returns else "None"
            return f"inputs: {', '.join(ins) or 'none'}\nreturns: {out}"
    return ""


class PythonComponentDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, source: str = EXAMPLE_SOURCE):
        super().__init__(parent)
        self.setWindowTitle("New Python component")
        self.resize(760, 640)
        self.spec: ComponentSpec | None = None
        self.editor = QPlainTextEdit(source)
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setTabStopDistance(4 * self.editor.fontMetrics().horizontalAdvance(" "))
        self.highlighter = PythonHighlighter(self.editor.document())
        self.function = QComboBox()
        self.base_image = QLineEdit(DEFAULT_BASE_IMAGE)
        self.packages = QLineEdit(placeholderText="e.g. pandas==2.2 scikit-learn")
        self.signature = QLabel()
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {status_color('error')};")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Function", self.function)
        form.addRow("Base image", self.base_image)
        form.addRow("Packages", self.packages)
        form.addRow("Ports", self.signature)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._check_timer = QTimer(self, singleShot=True, interval=300)
        self._check_timer.timeout.connect(self.check)
        self.editor.textChanged.connect(self._check_timer.start)
        self.function.activated.connect(lambda _i: self.check())
        self.check()

    def check(self) -> bool:
        """Show a syntax error on its line, refresh the function list and the port preview."""
        source = self.editor.toPlainText()
        problem = check_python_source(source)
        self._mark_line(int(re.match(r"line (\d+)", problem).group(1)) if problem else None)
        self.error.setText(problem or "")
        if problem:
            return False
        current = self.function.currentText()
        names = python_functions(source)
        self.function.clear()
        self.function.addItems(names)
        if current in names:
            self.function.setCurrentText(current)
        elif names:
            self.function.setCurrentIndex(len(names) - 1)
        self.signature.setText(signature_summary(source, self.function.currentText()) if names else "")
        if not names:
            self.error.setText("define one function; its parameters become the inputs")
        return bool(names)

    def _mark_line(self, line: int | None) -> None:
        if line is None:
            self.editor.setExtraSelections([])
            return
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(QColor(209, 61, 61, 60))
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        cursor = QTextCursor(self.editor.document().findBlockByNumber(max(0, line - 1)))
        selection.cursor = cursor
        self.editor.setExtraSelections([selection])

    def create(self) -> None:
        if not self.check():
            return
        try:
            self.spec = python_component(self.editor.toPlainText(), self.function.currentText(),
                                         base_image=self.base_image.text().strip() or DEFAULT_BASE_IMAGE,
                                         packages=self.packages.text().split())
        except ComponentError as exc:
            self.error.setText(exc.message)
            return
        self.accept()


class PortTable(QWidget):
    """Name and type rows for a container component's inputs or outputs."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Name", "Type"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        add, remove = QPushButton(f"Add {title}"), QPushButton("Remove")
        add.clicked.connect(lambda: self.add_row("", "String"))
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table)

    def add_row(self, name: str, type_name: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setCellWidget(row, 0, QLineEdit(name))
        kind = QComboBox()
        kind.addItems([*PARAMETER_TYPES, *ARTIFACT_TYPES])
        kind.setCurrentText(type_name)
        self.table.setCellWidget(row, 1, kind)

    def ports(self) -> list[Port]:
        ports = []
        for row in range(self.table.rowCount()):
            name = self.table.cellWidget(row, 0).text().strip()
            if name:
                ports.append(Port(name, self.table.cellWidget(row, 1).currentText()))
        return ports


class PlaceholderCombo(QComboBox):
    """Lists the placeholders of the ports as they are when it opens."""

    def __init__(self, ports_now, parent: QWidget | None = None):
        super().__init__(parent)
        self.ports_now = ports_now

    def refill(self) -> None:
        self.clear()
        for label, placeholder in placeholders_for(*self.ports_now()):
            self.addItem(label, placeholder)

    def showPopup(self) -> None:
        self.refill()
        super().showPopup()


class ContainerComponentDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("New container component")
        self.resize(640, 600)
        self.spec: ComponentSpec | None = None
        self.name = QLineEdit(placeholderText="e.g. Resize images")
        self.image = QLineEdit(placeholderText="e.g. python:3.11-slim")
        self.command = QLineEdit(placeholderText="e.g. python /app/resize.py")
        self.args = QLineEdit(placeholderText="arguments; insert placeholders below")
        self.inputs, self.outputs = PortTable("input"), PortTable("output")
        self.placeholder = PlaceholderCombo(lambda: (self.inputs.ports(), self.outputs.ports()))
        insert = QPushButton("Insert into args")
        insert.clicked.connect(self._insert_placeholder)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {status_color('error')};")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Image", self.image)
        form.addRow("Inputs", self.inputs)
        form.addRow("Outputs", self.outputs)
        form.addRow("Command", self.command)
        form.addRow("Args", self.args)
        row = QHBoxLayout()
        row.addWidget(self.placeholder, 1)
        row.addWidget(insert)
        form.addRow("Placeholder", row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _insert_placeholder(self) -> None:
        if self.placeholder.count() == 0:
            self.placeholder.refill()
        value = self.placeholder.currentData()
        if value:
            self.args.setText(f'{self.args.text()} "{value}"'.strip())  # placeholders hold single quotes

    def create(self) -> None:
        try:
            command, args = shlex.split(self.command.text()), shlex.split(self.args.text())
        except ValueError as exc:
            self.error.setText(f"command line: {exc}")
            return
        name = self.name.text().strip()
        if not name:
            self.error.setText("give the component a name")
            return
        try:
            self.spec = container_component(name, self.image.text(), command, args,
                                            inputs=self.inputs.ports(), outputs=self.outputs.ports())
        except ComponentError as exc:
            self.error.setText(exc.message)
            return
        self.accept()
