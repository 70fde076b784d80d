"""Names from the IR are data, not paths: which task keys and output names can name a file.

A task's folder is `tasks/<task key>` (loop iterations add `[i]`, nested DAGs add a level) and each
output parameter or artifact is a file or folder `<output name>` inside it. Those names come from a
pipeline someone else may have written, so they are checked once, when the IR is loaded: a name
that is not a plain file name (`/abs`, `../x`, a slash, NUL, a leading dot), that would collide
with the executor output file, or that equals a sibling's name but for letter case (one file on
macOS and Windows) refuses the whole pipeline, naming every such name.
"""

from __future__ import annotations

import re
from typing import Any

from workbench.runs.engine.executor_io import EXECUTOR_OUTPUT_FILE

MAX_NAME_LENGTH = 128
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
RULE = (f"use letters, digits, '_', '.' and '-' (not first '.' or '-'), at most {MAX_NAME_LENGTH} "
        "characters")


def is_file_name(name: Any) -> bool:
    return isinstance(name, str) and len(name) <= MAX_NAME_LENGTH and bool(_FILE_NAME.fullmatch(name))


def unusable_names(spec: dict[str, Any]) -> list[str]:
    """Descriptions of every task key and output name of `spec` (the first IR document) that
    cannot name a file; tolerant of a malformed spec (the shape is checked elsewhere)."""
    found: list[str] = []
    components = spec.get("components")
    owners = [("the root DAG", spec.get("root"))]
    if isinstance(components, dict):
        owners += [(f"component {name!r}", component) for name, component in components.items()]
    for owner, component in owners:
        if not isinstance(component, dict):
            continue
        dag = component.get("dag")
        tasks = dag.get("tasks") if isinstance(dag, dict) else None
        found += _problems(tasks, "task", owner)
        outputs = component.get("outputDefinitions")
        for kind in ("parameters", "artifacts"):
            section = outputs.get(kind) if isinstance(outputs, dict) else None
            found += _problems(section, f"output {kind[:-1]}", owner, reserved={EXECUTOR_OUTPUT_FILE})
        if isinstance(outputs, dict):
            found += _case_collisions([*_keys(outputs.get("parameters")), *_keys(outputs.get("artifacts"))],
                                      "outputs", owner)
    return found


def _keys(section: Any) -> list[Any]:
    return list(section) if isinstance(section, dict) else []


def _problems(section: Any, what: str, owner: str, reserved: set[str] = frozenset()) -> list[str]:
    names = _keys(section)
    found = [f"{what} {name!r} of {owner}" for name in names if not is_file_name(name) or name in reserved]
    if what == "task":
        found += _case_collisions(names, "tasks", owner)
    return found


def _case_collisions(names: list[Any], what: str, owner: str) -> list[str]:
    seen: dict[str, str] = {}
    found = []
    for name in names:
        if not isinstance(name, str):
            continue
        if name.lower() in seen:
            found.append(f"{what} {seen[name.lower()]!r} and {name!r} of {owner} (one file name on "
                         "a case-insensitive disk)")
        seen.setdefault(name.lower(), name)
    return found
