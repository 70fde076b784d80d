"""Reading compiled KFP IR YAML: the pipeline spec, its optional platform spec, and the checks
that turn a wrong file into a message naming the file and the element (never a KeyError later):
the schema check in workbench/ir_schema.py, shared with the engine.

Shared by the importer and the round-trip harness; kfp-free (PyYAML's C loader when present), so
opening a pipeline does not pay for importing kfp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.errors import ImportError_
from workbench.ir_schema import read_pipeline_spec

# kfp names the DAG components it makes for control flow `comp-<kind>-<N>`; inside a sub-pipeline
# that is deduplicated against the outer pipeline they gain a suffix (`comp-for-loop-2-2`).
INPUT_PLACEHOLDER = re.compile(r"\{\{\$\.inputs\.parameters\['([^']+)'\]\}\}")
"""How a compiled value refers to a task input at run time (kfp f-strings, importer metadata,
resources from channels)."""

_CONTROL_FLOW = re.compile(r"^comp-(for-loop|condition-branches|condition|exit-handler)(-\d+)+$")


@dataclass
class IrFile:
    spec: dict
    platforms: dict
    path: str | None

    def fail(self, message: str, element: str | None = None) -> ImportError_:
        return ImportError_(message, path=self.path, element=element)

    @property
    def components(self) -> dict:
        return self.spec.get("components") or {}

    @property
    def executors(self) -> dict:
        return (self.spec.get("deploymentSpec") or {}).get("executors") or {}

    def component(self, key: str, where: str) -> dict:
        component = self.components.get(key)
        if not isinstance(component, dict):
            raise self.fail(f"references component {key!r}, which the file does not define", where)
        return component

    def executor(self, key: str, where: str) -> dict:
        label = self.component(key, where).get("executorLabel", "")
        executor = self.executors.get(label)
        if not isinstance(executor, dict):
            raise self.fail(f"component {key!r} names executor {label!r}, which the file does not define", where)
        return executor


def load_ir(text: str, *, path: str | None = None) -> IrFile:
    """Parse and check a compiled pipeline: one YAML document, or the spec followed by a platform spec."""
    spec, platforms = read_pipeline_spec(text, path=path, error=ImportError_)
    return IrFile(spec=spec, platforms=platforms, path=path)


def control_flow_kind(component_key: str, task: dict) -> str:
    """'loop', 'condition', 'branches', 'exit_handler' for kfp's control-flow DAGs, else ''."""
    if "parameterIterator" in task or "artifactIterator" in task:
        return "loop"
    match = _CONTROL_FLOW.match(component_key)
    if not match:
        return ""
    kind = match.group(1)
    if kind == "condition":
        return "condition" if (task.get("triggerPolicy") or {}).get("condition") else ""
    return {"condition-branches": "branches", "exit-handler": "exit_handler"}.get(kind, "")


def group_number(task_name: str) -> int:
    """The creation number kfp gives a control-flow group (`condition-13` -> 13), for ordering."""
    match = re.search(r"-(\d+)$", task_name)
    return int(match.group(1)) if match else 0
