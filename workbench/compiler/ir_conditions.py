"""The CEL that kfp writes into `triggerPolicy.condition`, read back into expression trees.

kfp emits a small subset: `inputs.parameter_values['name']` references (possibly wrapped in
`int(...)` / `double(...)` casts), string / number / bool literals, the six comparisons, `!( )`
and `&&` (the document also allows `||`). Casts are dropped: they follow from the operand types and
the compiler writes them again. References become Bindings through a resolver the caller gives,
so the same parser serves the importer (document ids) and the round-trip harness (task names).

kfp compiles an Elif / Else branch as `!(c1) && !(c2) && own`; `own_conditions` recovers `own`.
"""

from __future__ import annotations

import re
from typing import Callable

from workbench.model.bindings import Binding
from workbench.model.expressions import COMPARISON_OPERATORS, BoolOp, Comparison, Expression, Not

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<ref>inputs\.parameter_values\[\s*'(?P<name>[^']*)'\s*\])
    | (?P<cast>int|double|string)\s*\(
    | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<num>-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
    | (?P<bool>true|false)\b
    | (?P<op>==|!=|<=|>=|<|>|&&|\|\||!|\(|\))
    )""", re.VERBOSE)


class ConditionSyntaxError(ValueError):
    """The text is not in the CEL subset kfp writes."""


def _tokens(text: str) -> list[tuple[str, object]]:
    tokens, at = [], 0
    while at < len(text):
        if text[at:].strip() == "":
            break
        match = _TOKEN.match(text, at)
        if not match:
            raise ConditionSyntaxError(f"unexpected text at {text[at:at + 30]!r}")
        at = match.end()
        if match.group("ref") is not None:
            tokens.append(("ref", match.group("name")))
        elif match.group("cast"):
            tokens.append(("cast", match.group("cast")))
        elif match.group("str"):
            tokens.append(("lit", re.sub(r"\\(.)", r"\1", match.group("str")[1:-1])))
        elif match.group("num"):
            number = match.group("num")
            tokens.append(("lit", float(number) if any(c in number for c in ".eE") else int(number)))
        elif match.group("bool"):
            tokens.append(("lit", match.group("bool") == "true"))
        else:
            tokens.append(("op", match.group("op")))
    return tokens


class _Parser:
    def __init__(self, text: str, resolve: Callable[[str], Binding]):
        self.tokens = _tokens(text)
        self.at = 0
        self.resolve = resolve

    def peek(self) -> tuple[str, object] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, kind: str, value: object = None) -> object:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            raise ConditionSyntaxError(f"expected {value or kind}, found {token[1] if token else 'end of text'!r}")
        self.at += 1
        return token[1]

    def at_op(self, *values: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "op" and token[1] in values

    def parse(self) -> Expression:
        expr = self.boolean("||")
        if self.peek() is not None:
            raise ConditionSyntaxError(f"unexpected {self.peek()[1]!r} after a complete condition")
        return expr

    def boolean(self, op: str) -> Expression:
        """`op` is '||' (lowest precedence) or '&&'; operands chain into one flat BoolOp."""
        sub = (lambda: self.boolean("&&")) if op == "||" else self.unary
        operands = [sub()]
        while self.at_op(op):
            self.at += 1
            operands.append(sub())
        if len(operands) == 1:
            return operands[0]
        return BoolOp("or" if op == "||" else "and", tuple(operands))

    def unary(self) -> Expression:
        if self.at_op("!"):
            self.at += 1
            return Not(self.unary())
        if self.at_op("("):
            self.at += 1
            expr = self.boolean("||")
            self.take("op", ")")
            return expr
        left = self.operand()
        token = self.peek()
        if token is None or token[0] != "op" or token[1] not in COMPARISON_OPERATORS:
            raise ConditionSyntaxError(f"expected a comparison operator, found {token[1] if token else 'end'!r}")
        self.at += 1
        return Comparison(left, token[1], self.operand())

    def operand(self) -> Binding:
        token = self.peek()
        if token is None:
            raise ConditionSyntaxError("expected an operand, found the end of the text")
        self.at += 1
        if token[0] == "ref":
            return self.resolve(token[1])
        if token[0] == "lit":
            return Binding.constant(token[1])
        if token[0] == "cast":
            inner = self.operand()
            self.take("op", ")")
            return inner
        raise ConditionSyntaxError(f"expected an operand, found {token[1]!r}")


def parse_condition(text: str, resolve: Callable[[str], Binding]) -> Expression:
    """Parse kfp's CEL; `resolve(input_name)` gives the Binding behind each referenced input."""
    return _Parser(text, resolve).parse()


def _conjuncts(expr: Expression) -> list[Expression]:
    return list(expr.operands) if isinstance(expr, BoolOp) and expr.op == "and" else [expr]


def own_conditions(full: list[Expression]) -> list[Expression | None]:
    """Each branch's own condition in an If / Elif / Else chain (None for Else), given the full
    conditions kfp wrote: branch i is `!(own_0) && ... && !(own_{i-1}) && own_i`.

    Raises ConditionSyntaxError when a branch does not start with the negated earlier branches.
    """
    owns: list[Expression | None] = []
    for index, expr in enumerate(full):
        terms = _conjuncts(expr)
        negated = [Not(own) for own in owns if own is not None]
        if index != len(negated) or terms[:index] != negated:
            raise ConditionSyntaxError(f"branch {index + 1} does not negate the branches before it")
        rest = terms[index:]
        owns.append(None if not rest else rest[0] if len(rest) == 1 else BoolOp("and", tuple(rest)))
    return owns
