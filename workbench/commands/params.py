"""`--param NAME=VALUE` flags, typed by the pipeline's input definitions (run and submit share it)."""

from __future__ import annotations

from typing import Any

from workbench.errors import RunError
from workbench.model.types import IR_TO_PARAMETER, parse_value


def typed_params(definitions: dict[str, dict], pairs: list[str]) -> dict[str, Any]:
    """`definitions` are the IR root's `inputDefinitions.parameters`."""
    arguments: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            raise RunError(f"expected NAME=VALUE, got {pair!r}", element="--param")
        if name not in definitions:
            known = ", ".join(sorted(definitions)) or "none"
            raise RunError(f"the pipeline has no parameter {name!r} (known: {known})", element="--param")
        ir_type = definitions[name].get("parameterType", "STRING")
        try:
            arguments[name] = parse_value(IR_TO_PARAMETER.get(ir_type, "String"), text)
        except ValueError as exc:
            raise RunError(f"bad value {text!r} for a {ir_type} parameter: {exc}", element=f"--param {name}") from None
    return arguments
