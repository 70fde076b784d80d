"""What feeds a node input or a condition operand: a constant, a pipeline parameter, an upstream
output, the loop item (or one of its fields), outputs collected from a loop, or the final status
of the pipeline (for an exit task)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BINDING_KINDS = ("constant", "parameter", "output", "loop_item", "collected", "task_final_status")


@dataclass(frozen=True)
class Binding:
    kind: str
    value: Any = None
    parameter: str = ""
    node: str = ""
    output: str = ""
    loop: str = ""
    field: str = ""

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

    @property
    def upstream_node(self) -> str:
        """The node this binding makes a dependency of, or ''."""
        return self.node if self.kind in ("output", "collected") else ""

    def to_dict(self) -> dict:
        keys = {"constant": ("value",), "parameter": ("parameter",), "output": ("node", "output"),
                "loop_item": ("loop", "field"), "collected": ("node", "output"), "task_final_status": ()}
        data = {"kind": self.kind}
        for key in keys[self.kind]:
            value = getattr(self, key)
            if key != "field" or value:
                data[key] = value
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Binding":
        if data.get("kind") not in BINDING_KINDS:
            raise ValueError(f"unknown binding kind {data.get('kind')!r}")
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

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
        return "final_status"
