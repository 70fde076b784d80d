"""Condition expressions: comparisons over bindings, combined with and / or / not.

Kept as a small tree (not text) so the editor can show dropdowns and the compiler can emit the
exact CEL the KFP backend evaluates.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.model.bindings import Binding

COMPARISON_OPERATORS = ("==", "!=", "<", "<=", ">", ">=")
NEGATED_OPERATOR = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}


@dataclass(frozen=True)
class Comparison:
    left: Binding
    op: str
    right: Binding

    def to_dict(self) -> dict:
        return {"left": self.left.to_dict(), "op": self.op, "right": self.right.to_dict()}


@dataclass(frozen=True)
class Not:
    operand: "Expression"

    def to_dict(self) -> dict:
        return {"not": expression_to_dict(self.operand)}


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    operands: tuple["Expression", ...]

    def to_dict(self) -> dict:
        return {self.op: [expression_to_dict(e) for e in self.operands]}


Expression = Comparison | Not | BoolOp


def expression_to_dict(expr: Expression) -> dict:
    return expr.to_dict()


def expression_from_dict(data: dict) -> Expression:
    if "not" in data:
        return Not(expression_from_dict(data["not"]))
    for op in ("and", "or"):
        if op in data:
            operands = tuple(expression_from_dict(e) for e in data[op])
            if len(operands) < 2:
                raise ValueError(f"'{op}' needs at least two operands")
            return BoolOp(op, operands)
    if data.get("op") not in COMPARISON_OPERATORS:
        raise ValueError(f"unknown comparison operator {data.get('op')!r}")
    return Comparison(Binding.from_dict(data["left"]), data["op"], Binding.from_dict(data["right"]))


def comparisons(expr: Expression) -> list[Comparison]:
    """Every comparison in the tree, left to right."""
    if isinstance(expr, Comparison):
        return [expr]
    if isinstance(expr, Not):
        return comparisons(expr.operand)
    return [c for operand in expr.operands for c in comparisons(operand)]


def as_conjunction(expr: Expression) -> list[tuple[Comparison, bool]] | None:
    """The expression as (comparison, negated) terms joined by `and`, or None when it needs `or`
    or a negated group. This is the shape the kfp DSL expresses directly."""
    if isinstance(expr, Comparison):
        return [(expr, False)]
    if isinstance(expr, Not):
        return [(expr.operand, True)] if isinstance(expr.operand, Comparison) else None
    if expr.op != "and":
        return None
    terms: list[tuple[Comparison, bool]] = []
    for operand in expr.operands:
        sub = as_conjunction(operand)
        if sub is None:
            return None
        terms.extend(sub)
    return terms


def render(expr: Expression, node_names: dict[str, str] | None = None) -> str:
    """A readable form for the canvas and messages, e.g. `train.accuracy >= param:threshold`."""
    if isinstance(expr, Comparison):
        return f"{expr.left.describe(node_names)} {expr.op} {expr.right.describe(node_names)}"
    if isinstance(expr, Not):
        return f"not ({render(expr.operand, node_names)})"
    return f" {expr.op} ".join(
        f"({render(e, node_names)})" if isinstance(e, BoolOp) else render(e, node_names) for e in expr.operands)
