"""Typed reading of a parsed JSON document: each accessor returns the type it names or raises a
DocumentError naming the file and the element path (`nodes.train.options.retry.count: must be a
whole number, found a string`).

The loader reads every field through these, so a wrong type is refused at load and nothing after
it (the canvas, the compiler, the engine) meets one. A new document field is one more accessor call
where it is read.
"""

from __future__ import annotations

import math
from typing import Any, Iterator

from workbench.errors import DocumentError

_MISSING: Any = object()
MAX_COORDINATE = 1e7
"""Positions and sizes beyond this are not a canvas anyone drew."""
MAX_INT = 2**31 - 1
MAX_NUMBER = 1e15


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


class Fields:
    """One JSON object of the document and where it is (`where`, a dotted element path)."""

    def __init__(self, data: Any, where: str, path: str | None):
        self.where, self.path = where, path
        if not isinstance(data, dict):
            raise self.fail(f"must be an object, found {kind_of(data)}")
        self.data: dict = data

    def at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fail(self, message: str, key: str | None = None) -> DocumentError:
        return DocumentError(message, path=self.path, element=(self.at(key) if key is not None else self.where) or None)

    def _get(self, key: str, default: Any) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            raise self.fail(f"is missing `{key}`")
        return default

    def _typed(self, key: str, default: Any, accepts, expected: str) -> Any:
        value = self._get(key, default)
        if value is not default and not accepts(value):
            raise self.fail(f"must be {expected}, found {kind_of(value)}", key)
        return value

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = None) -> Any:
        """Any JSON value (constants, defaults): its depth and size were checked on load."""
        return self._get(key, default)

    def str(self, key: str, default: Any = _MISSING) -> str:
        return self._typed(key, default, lambda v: isinstance(v, str), "a string")

    def optional_str(self, key: str) -> str | None:
        return self._typed(key, None, lambda v: isinstance(v, str), "a string or null")

    def bool(self, key: str, default: Any = _MISSING) -> bool:
        return self._typed(key, default, lambda v: isinstance(v, bool), "true or false")

    def int(self, key: str, default: Any = _MISSING, *, minimum: int = 0, maximum: int = MAX_INT) -> int:
        value = self._typed(key, default, lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number")
        if value is not default and not minimum <= value <= maximum:
            raise self.fail(f"must be between {minimum} and {maximum}, found {value}", key)
        return value

    def number(self, key: str, default: Any = _MISSING) -> float | None:
        value = self._typed(key, default, lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
                            "a number")
        if value is not default and not (math.isfinite(value) and abs(value) <= MAX_NUMBER):
            raise self.fail(f"must be a finite number, found {value}", key)
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: Any = _MISSING) -> str:
        value = self._get(key, default)
        if value not in choices or not isinstance(value, str):
            raise self.fail(f"must be one of {', '.join(choices)}; found {value!r}", key)
        return value

    def point(self, key: str, default: tuple[float, float]) -> tuple[float, float]:
        """An [x, y] pair of finite numbers on the canvas."""
        value = self._get(key, default)
        if value is default:
            return default
        if not isinstance(value, (list, tuple)) or len(value) != 2 or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                and abs(v) <= MAX_COORDINATE for v in value):
            raise self.fail(f"must be a pair of numbers within ±{MAX_COORDINATE:g}, found {value!r}"[:200], key)
        return (float(value[0]), float(value[1]))

    def str_list(self, key: str) -> list[str]:
        value = self._typed(key, [], lambda v: isinstance(v, list), "a list")
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise self.fail(f"must be a string, found {kind_of(item)}", f"{key}.{index}")
        return list(value)

    def str_map(self, key: str) -> dict[str, str]:
        value = self.obj(key)
        for name in value.data:
            value.str(name)
        return dict(value.data)

    def obj(self, key: str) -> Fields:
        """A nested object ({} when absent)."""
        return Fields(self._get(key, {}), self.at(key), self.path)

    def optional_obj(self, key: str) -> Fields | None:
        value = self._get(key, None)
        return None if value is None else Fields(value, self.at(key), self.path)

    def obj_list(self, key: str) -> list[Fields]:
        value = self._typed(key, [], lambda v: isinstance(v, list), "a list")
        return [Fields(item, f"{self.at(key)}.{index}", self.path) for index, item in enumerate(value)]

    def objects(self, key: str, label_field: str | None = None) -> Iterator[tuple[str, Fields]]:
        """The (id, object) entries of a mapping; the element path uses the object's `label_field`
        (a node's name) when it is a string, else the id."""
        mapping = self._typed(key, {}, lambda v: isinstance(v, dict), "an object")
        for item_id, item in mapping.items():
            entry = item.get(label_field) if label_field and isinstance(item, dict) else None
            label = entry if isinstance(entry, str) and entry else item_id
            yield item_id, Fields(item, f"{self.at(key)}.{label}", self.path)
