"""Reading compiled KFP IR YAML: the pipeline spec, its optional platform spec, and the checks
that turn a wrong file into a message naming the file and the element (never a KeyError later).

Shared by the importer and the round-trip harness; kfp-free (PyYAML's C loader when present), so
opening a pipeline does not pay for importing kfp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from workbench.errors import ImportError_

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

PIPELINE_FIELDS = {"components", "deploymentSpec", "pipelineInfo", "root", "schemaVersion", "sdkVersion",
                   "defaultPipelineRoot"}
PLATFORM_FIELDS = {"platforms"}

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
    """Parse a compiled pipeline: one YAML document, or the spec followed by a platform spec."""
    try:
        documents = [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise ImportError_(f"not valid YAML{where}: {problem}", path=path) from None
    if not documents or not isinstance(documents[0], dict) or "root" not in documents[0] \
            or "components" not in documents[0] and "deploymentSpec" not in documents[0]:
        raise ImportError_("not a compiled KFP pipeline spec (expected `root`, `components` and "
                           "`deploymentSpec` at the top level)", path=path)
    if len(documents) > 2:
        raise ImportError_(f"expected a pipeline spec and at most a platform spec, found {len(documents)} "
                           "YAML documents", path=path)
    spec = documents[0]
    unknown = sorted(set(spec) - PIPELINE_FIELDS)
    if unknown:
        raise ImportError_(f"unknown top-level field{'s' if len(unknown) > 1 else ''} "
                           f"{', '.join(map(repr, unknown))} (not a KFP pipeline spec field)",
                           path=path, element=unknown[0])
    platforms: dict = {}
    if len(documents) == 2:
        second = documents[1]
        if not isinstance(second, dict) or set(second) - PLATFORM_FIELDS:
            keys = sorted(second) if isinstance(second, dict) else [type(second).__name__]
            raise ImportError_(f"the second YAML document is not a platform spec (found {keys})",
                               path=path, element="platforms")
        platforms = second.get("platforms") or {}
    for field, kind in (("root", dict), ("components", dict), ("deploymentSpec", dict)):
        if field in spec and not isinstance(spec[field], kind):
            raise ImportError_(f"`{field}` must be a mapping", path=path, element=field)
    if not isinstance(spec["root"].get("dag"), dict):
        raise ImportError_("the root has no `dag`", path=path, element="root.dag")
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
