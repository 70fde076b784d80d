"""Evaluating `triggerPolicy.condition` with a real CEL evaluator, as the KFP driver does.

Upstream values only ever enter as data in the CEL activation, never as expression text, so a
hostile string cannot change what is evaluated. No Python eval anywhere.
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from typing import Any

import celpy
from celpy import celtypes


class ConditionError(ValueError):
    """A condition that does not compile or does not yield a boolean."""


_compile_lock = threading.Lock()


def evaluate_condition(expression: str, parameter_values: dict[str, Any],
                       artifacts: dict[str, list[dict[str, Any]]] | None = None) -> bool:
    program = _program(expression)
    inputs = {"parameter_values": parameter_values,
              "artifacts": {name: {"artifacts": items} for name, items in (artifacts or {}).items()}}
    try:
        result = program.evaluate({"inputs": celpy.json_to_cel(inputs)})
    except celpy.CELEvalError as exc:
        raise ConditionError(f"condition {expression!r} failed: {exc.args[0] if exc.args else exc}") from None
    if isinstance(result, celpy.CELEvalError):
        raise ConditionError(f"condition {expression!r} failed: {result.args[0] if result.args else result}")
    if not isinstance(result, celtypes.BoolType):
        raise ConditionError(f"condition {expression!r} gave {result!r}, not a boolean")
    return bool(result)


@lru_cache(maxsize=256)
def _program(expression: str) -> celpy.Runner:
    with _compile_lock:
        environment = celpy.Environment()
        try:
            ast = environment.compile(expression)
        except celpy.CELParseError as exc:
            raise ConditionError(f"condition {expression!r} is not valid CEL: {exc}") from None
        return environment.program(ast, functions={"parseJson": _parse_json})


def _parse_json(text: celtypes.Value) -> celtypes.Value:
    """KFP's CEL extension: decode a JSON string into CEL values."""
    if not isinstance(text, celtypes.StringType):
        return celpy.CELEvalError("parseJson expects a string")
    try:
        return celpy.json_to_cel(json.loads(str(text)))
    except json.JSONDecodeError as exc:
        return celpy.CELEvalError(f"parseJson: {exc}")


def evaluate_selector(expression: str, value: Any) -> Any:
    """A `parameterExpressionSelector` (e.g. `parseJson(string_value)["A_a"]`) applied to a value,
    with the value bound the way the KFP driver binds a protobuf Value."""
    bound = {"string_value": value if isinstance(value, str) else json.dumps(value)}
    if isinstance(value, bool):
        bound["bool_value"] = value
    elif isinstance(value, (int, float)):
        bound["number_value"] = float(value)
    elif isinstance(value, dict):
        bound["struct_value"] = value
    elif isinstance(value, list):
        bound["list_value"] = value
    activation = {name: celpy.json_to_cel(item) for name, item in bound.items()}
    try:
        result = _program(expression).evaluate(activation)
    except celpy.CELEvalError as exc:
        raise ConditionError(f"selector {expression!r} failed: {exc.args[0] if exc.args else exc}") from None
    if isinstance(result, celpy.CELEvalError):
        raise ConditionError(f"selector {expression!r} failed: {result.args[0] if result.args else result}")
    return _to_python(result)


def _to_python(value: Any) -> Any:
    if isinstance(value, celtypes.BoolType):
        return bool(value)
    if isinstance(value, (celtypes.IntType, celtypes.UintType)):
        return int(value)
    if isinstance(value, celtypes.DoubleType):
        return float(value)
    if isinstance(value, celtypes.StringType):
        return str(value)
    if isinstance(value, celtypes.MapType):
        return {str(k): _to_python(v) for k, v in value.items()}
    if isinstance(value, celtypes.ListType):
        return [_to_python(item) for item in value]
    if value is None or isinstance(value, celtypes.NullType):
        return None
    return value
