"""What feeds a node input or a condition operand: a constant, a pipeline parameter, an upstream
output, the loop item (or one of its fields), outputs collected from a loop, the final status
of the pipeline (for an exit task), a text template over other bindings (a kfp f-string), or
one of several outputs, whichever If / Elif / Else branch ran (kfp's dsl.OneOf)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BINDING_KINDS = ("constant", "parameter", "output", "loop_item", "collected", "task_final_status", "template",
                 "one_of")


@dataclass(frozen=True)
class Binding:
    kind: str
    value: Any = None
    parameter: str = ""
    node: str = ""
    output: str = ""
    loop: str = ""
    field: str = ""
    parts: tuple["Binding", ...] = ()

    @staticmethod
    def constant(value: Any) -> "Binding":
        return Binding("constant", value=value)

    @staticmethod
    def param(name: str) -> "Binding":
        return Binding("parameter", parameter=name)

    @staticmethod
    def from_output(node: str, output: str) -> "Binding":
        return Binding("output", node=node, output=output)

    @staticmethod
    def loop_item(loop: str, field: str = "") -> "Binding":
        return Binding("loop_item", loop=loop, field=field)

    @staticmethod
    def collected(node: str, output: str) -> "Binding":
        return Binding("collected", node=node, output=output)

    @staticmethod
    def final_status() -> "Binding":
        return Binding("task_final_status")

    @staticmethod
    def template(text: Any, parts: list["Binding"]) -> "Binding":
        """`text` uses Python format slots: `"{0} of {1}"`, literal braces doubled; it may also be a
        list or dict whose strings hold slots (a kfp argument with channels inside a structure)."""
        return Binding("template", value=text, parts=tuple(parts))

    def fill(self, values: list[str]) -> Any:
        """A template's value with its slots filled (recursively through lists and dicts)."""
        def fill(value: Any) -> Any:
            if isinstance(value, str):
                return value.format(*values)
            if isinstance(value, list):
                return [fill(v) for v in value]
            if isinstance(value, dict):
                return {k: fill(v) for k, v in value.items()}
            return value
        return fill(self.value)

    @staticmethod
    def one_of(outputs: list["Binding"]) -> "Binding":
        """The output of whichever branch ran: one output binding per branch of a condition chain."""
        return Binding("one_of", parts=tuple(outputs))

    @property
    def upstream_node(self) -> str:
        """The node a single-valued binding reads from, or ''."""
        return self.node if self.kind in ("output", "collected") else ""

    @property
    def upstream_nodes(self) -> tuple[str, ...]:
        """Every node this binding makes a dependency of (a template may read several)."""
        if self.kind in ("template", "one_of"):
            return tuple(n for part in self.parts for n in part.upstream_nodes)
        return (self.node,) if self.upstream_node else ()

    def to_dict(self) -> dict:
        keys = {"constant": ("value",), "parameter": ("parameter",), "output": ("node", "output"),
                "loop_item": ("loop", "field"), "collected": ("node", "output"), "task_final_status": (),
                "template": ("value",), "one_of": ()}
        data = {"kind": self.kind}
        if self.kind in ("template", "one_of"):
            data["parts"] = [part.to_dict() for part in self.parts]
        for key in keys[self.kind]:
            value = getattr(self, key)
            if key != "field" or value:
                data[key] = value
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Binding":
        if data.get("kind") not in BINDING_KINDS:
            raise ValueError(f"unknown binding kind {data.get('kind')!r}")
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["parts"] = tuple(cls.from_dict(part) for part in data.get("parts", ()))
        return cls(**fields)

    def describe(self, node_names: dict[str, str] | None = None) -> str:
        names = node_names or {}
        if self.kind == "constant":
            return repr(self.value)
        if self.kind == "parameter":
            return f"param:{self.parameter}"
        if self.kind == "output":
            return f"{names.get(self.node, self.node)}.{self.output}"
        if self.kind == "collected":
            return f"collected({names.get(self.node, self.node)}.{self.output})"
        if self.kind == "loop_item":
            return f"item.{self.field}" if self.field else "item"
        if self.kind == "template":
            return repr(self.fill([f"{{{p.describe(names)}}}" for p in self.parts]))
        if self.kind == "one_of":
            return f"one_of({', '.join(p.describe(names) for p in self.parts)})"
        return "final_status"
