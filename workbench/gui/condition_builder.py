"""Build a condition from rows `[not] operand  op  operand-or-value`, joined by and / or, and show
the expression text. Operands are the pipeline parameters and the upstream outputs in reach."""

from __future__ import annotations

import json

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from workbench.model.bindings import Binding
from workbench.model.document import PipelineGraph
from workbench.gui.combo_data import find_data
from workbench.gui.condition_operands import operands_outside
from workbench.model.expressions import COMPARISON_OPERATORS, BoolOp, Comparison, Expression, Not, render


def operands_in_reach(graph: PipelineGraph, group_id: str) -> list[tuple[str, Binding]]:
    """Parameters and scalar outputs of tasks outside the group (they run before it)."""
    return [(label, binding) for label, binding, _type in operands_outside(graph, set(graph.nodes_in(group_id)))]


def parse_literal(text: str):
    """A typed constant from what the user typed: JSON numbers / booleans, else the text."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return text
    return value if isinstance(value, (int, float, bool, str)) else text


def flat_rows(expr: Expression | None) -> tuple[str, list[tuple[Comparison, bool]]] | None:
    """(joiner, [(comparison, negated)]) when the expression is flat; None for nested trees."""
    if expr is None:
        return "and", []
    terms = expr.operands if isinstance(expr, BoolOp) else (expr,)
    rows = []
    for term in terms:
        negated = isinstance(term, Not)
        inner = term.operand if negated else term
        if not isinstance(inner, Comparison):
            return None
        rows.append((inner, negated))
    return (expr.op if isinstance(expr, BoolOp) else "and"), rows


class _Row:
    def __init__(self, choices: list[tuple[str, Binding]], comparison: Comparison | None, negated: bool):
        self.negate = QCheckBox("not")
        self.negate.setChecked(negated)
        self.left, self.right = QComboBox(), QComboBox()
        self.right.setEditable(True)
        for label, binding in choices:
            self.left.addItem(label, binding)
            self.right.addItem(label, binding)
        self.op = QComboBox()
        self.op.addItems(COMPARISON_OPERATORS)
        if comparison is not None:
            self.left.setCurrentIndex(max(0, find_data(self.left, comparison.left)))
            self.op.setCurrentText(comparison.op)
            index = find_data(self.right, comparison.right)
            if index >= 0:
                self.right.setCurrentIndex(index)
            else:
                self.right.setEditText(json.dumps(comparison.right.value) if not isinstance(
                    comparison.right.value, str) else comparison.right.value)
        else:
            self.right.setEditText("")
        self.remove = QPushButton("\u2212")
        self.remove.setToolTip("Remove this comparison")
        self.remove.setFixedWidth(28)

    def comparison(self) -> tuple[Comparison, bool] | None:
        left = self.left.currentData()
        if left is None:
            return None
        index = self.right.findText(self.right.currentText())
        right = self.right.itemData(index) if index >= 0 else Binding.constant(parse_literal(self.right.currentText()))
        return Comparison(left, self.op.currentText(), right), self.negate.isChecked()

    def widgets(self) -> list[QWidget]:
        return [self.negate, self.left, self.op, self.right, self.remove]


class ConditionBuilder(QWidget):
    expression_edited = Signal(object)  # Expression

    def __init__(self, graph: PipelineGraph, group_id: str, expr: Expression | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.graph = graph
        self.choices = operands_in_reach(graph, group_id)
        self.rows: list[_Row] = []
        self.grid = QGridLayout()
        self.joiner = QComboBox()
        self.joiner.addItems(["and", "or"])
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setStyleSheet("font-family: monospace;")
        add = QPushButton("+ comparison")
        add.clicked.connect(lambda: (self._add_row(None, False), self._emit()))
        top = QHBoxLayout()
        top.addWidget(QLabel("Join with"))
        top.addWidget(self.joiner)
        top.addStretch(1)
        top.addWidget(add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(self.grid)
        layout.addWidget(self.text)
        shape = flat_rows(expr)
        if shape is None:
            self.text.setText(f"{render(expr, self._names())}\n(nested expression: editing rows replaces it)")
            shape = ("and", [])
        self.joiner.setCurrentText(shape[0])
        for comparison, negated in shape[1]:
            self._add_row(comparison, negated)
        if not self.rows:
            self._add_row(None, False)
        self.joiner.activated.connect(lambda _i: self._emit())
        self._show_text(expr)

    def _names(self) -> dict[str, str]:
        return {n.id: n.name for n in self.graph.nodes.values()}

    def _add_row(self, comparison: Comparison | None, negated: bool) -> None:
        row = _Row(self.choices, comparison, negated)
        index = len(self.rows)
        for column, widget in enumerate(row.widgets()):
            self.grid.addWidget(widget, index, column)
        row.negate.toggled.connect(lambda _on: self._emit())
        row.left.activated.connect(lambda _i: self._emit())
        row.op.activated.connect(lambda _i: self._emit())
        row.right.lineEdit().editingFinished.connect(self._emit)
        row.right.activated.connect(lambda _i: self._emit())
        row.remove.clicked.connect(lambda: self._remove_row(row))
        self.rows.append(row)

    def _remove_row(self, row: _Row) -> None:
        if len(self.rows) == 1:
            return
        self.rows.remove(row)
        for widget in row.widgets():
            widget.deleteLater()
        self._emit()

    def expression(self) -> Expression | None:
        terms = [t for t in (row.comparison() for row in self.rows) if t is not None]
        built = [Not(c) if negated else c for c, negated in terms]
        if not built:
            return None
        return built[0] if len(built) == 1 else BoolOp(self.joiner.currentText(), tuple(built))

    def _show_text(self, expr: Expression | None) -> None:
        if expr is not None:
            self.text.setText(render(expr, self._names()))

    def _emit(self) -> None:
        expr = self.expression()
        if expr is not None:
            self._show_text(expr)
            self.expression_edited.emit(expr)
