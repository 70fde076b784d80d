"""KFP types as the document sees them, and which output may feed which input.

Parameter types use the kfp DSL names (String, Integer, Float, Boolean, List, Dict); artifact types
their schema titles (system.Dataset, system.Model, ...). The IR names (NUMBER_INTEGER, STRUCT, ...)
are mapped here so importer and compiler agree.
"""

from __future__ import annotations

PARAMETER_TYPES = ("String", "Integer", "Float", "Boolean", "List", "Dict")
ARTIFACT_TYPES = (
    "system.Artifact",
    "system.Dataset",
    "system.Model",
    "system.Metrics",
    "system.ClassificationMetrics",
    "system.SlicedClassificationMetrics",
    "system.HTML",
    "system.Markdown",
)
TASK_FINAL_STATUS = "PipelineTaskFinalStatus"

IR_TO_PARAMETER = {
    "STRING": "String",
    "NUMBER_INTEGER": "Integer",
    "NUMBER_DOUBLE": "Float",
    "BOOLEAN": "Boolean",
    "LIST": "List",
    "STRUCT": "Dict",
    "TASK_FINAL_STATUS": TASK_FINAL_STATUS,
}
PARAMETER_TO_IR = {v: k for k, v in IR_TO_PARAMETER.items()}

_PYTHON_TYPE_OF = {"String": str, "Integer": int, "Float": float, "Boolean": bool, "List": list, "Dict": dict}


def is_artifact(type_name: str) -> bool:
    return "." in type_name and type_name not in PARAMETER_TYPES


def is_compatible(output_type: str, input_type: str) -> bool:
    """Whether an output of `output_type` may be bound to an input of `input_type`.

    Mirrors kfp's rules: equal types match; an Integer may feed a Float; system.Artifact on either
    side matches any artifact; a parameter never feeds an artifact or the reverse.
    """
    if output_type == input_type:
        return True
    if is_artifact(output_type) != is_artifact(input_type):
        return False
    if is_artifact(output_type):
        return "system.Artifact" in (output_type, input_type) or output_type.split("@")[0] == input_type.split("@")[0]
    return output_type == "Integer" and input_type == "Float"


def value_matches(type_name: str, value: object) -> bool:
    """Whether a constant may stand for a parameter of this type."""
    expected = _PYTHON_TYPE_OF.get(type_name)
    if expected is None:
        return False
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def parse_value(type_name: str, text: str) -> object:
    """Parse a value typed on a command line or in a form (`--param lr=0.1`)."""
    import json

    if type_name == "String":
        return text
    if type_name == "Integer":
        return int(text)
    if type_name == "Float":
        return float(text)
    if type_name == "Boolean":
        lowered = text.strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        raise ValueError(f"{text!r} is not a boolean (use true or false)")
    value = json.loads(text)
    if not value_matches(type_name, value):
        raise ValueError(f"{text!r} is not a JSON {type_name.lower()}")
    return value


def list_element_type(default: object) -> type | None:
    """`int` for a default of only ints (likewise float, str, bool), else None. kfp types a loop
    item by the list's element type (`List[int]`), which the IR does not keep; a list parameter's
    default is the best witness of it."""
    kinds = {type(item) for item in default} if isinstance(default, list) and default else set()
    return kinds.pop() if len(kinds) == 1 and next(iter(kinds)) in (int, float, str, bool) else None


DEFAULT_SCHEMA_VERSION = "0.0.1"


def artifact_type_name(schema_title: str, schema_version: str = "") -> str:
    """The document's name for an IR artifact type: its schema title, `@version` only when the
    version is not kfp's usual 0.0.1."""
    if schema_version in ("", DEFAULT_SCHEMA_VERSION):
        return schema_title
    return f"{schema_title}@{schema_version}"


def artifact_schema(type_name: str) -> tuple[str, str]:
    """(schema title, schema version) of an artifact type name (the inverse of `artifact_type_name`)."""
    title, _, version = type_name.partition("@")
    return title, version or DEFAULT_SCHEMA_VERSION
