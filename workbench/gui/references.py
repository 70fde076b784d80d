"""Follow a renamed pipeline parameter into every binding and condition that names it."""

from __future__ import annotations

from dataclasses import replace

from workbench.model.bindings import Binding
from workbench.model.expressions import BoolOp, Comparison, Expression, Not


def renamed_binding(binding: Binding, old: str, new: str) -> Binding:
    if binding.kind == "parameter" and binding.parameter == old:
        return replace(binding, parameter=new)
    if binding.parts:
        return replace(binding, parts=tuple(renamed_binding(p, old, new) for p in binding.parts))
    return binding


def renamed_expression(expr: Expression, old: str, new: str) -> Expression:
    if isinstance(expr, Comparison):
        return Comparison(renamed_binding(expr.left, old, new), expr.op, renamed_binding(expr.right, old, new))
    if isinstance(expr, Not):
        return Not(renamed_expression(expr.operand, old, new))
    return BoolOp(expr.op, tuple(renamed_expression(e, old, new) for e in expr.operands))
