"""A schema check of compiled KFP IR (a `PipelineSpec` as parsed YAML), run before anything reads it.

The importer (workbench/compiler) and the engine (workbench/runs) both call `check_pipeline_spec`
first, so neither meets a `root` that is a string, a task key that is a number, a parallelism that
is text, a cycle in `dependentTasks` (which would wait forever) or a DAG component that contains
itself (which would recurse forever). Every refusal is one line naming the element, e.g.
`pipeline.yaml: root.dag.tasks.train.dependentTasks: cycle train -> eval -> train`.

The schema types the fields the two readers use; fields it does not know are left alone (kfp adds
fields between versions). It lives outside both packages so that they stay independent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml

from workbench.errors import WorkbenchError

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_DEPTH = 100
"""Nesting of mappings and lists anywhere in the file (kfp writes about 12)."""
MAX_VALUES = 500_000
"""Mappings, lists and scalars in the file, counting each use of a YAML alias (billion laughs)."""
MAX_DAG_NESTING = 40
"""DAGs inside DAGs (loops, conditions, sub-pipelines)."""
INT32_MAX = 2**31 - 1


class _Type:
    """A schema node: `check` returns the problem with `value`, or ''; `children` the parts to walk."""

    name = "a value"

    def check(self, value: Any) -> str:
        return ""

    def children(self, value: Any) -> list[tuple[str, Any, _Type]]:
        return []


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)


class _Scalar(_Type):
    def __init__(self, name: str, accepts: Callable[[Any], bool], limit: Callable[[Any], str] | None = None):
        self.name, self._accepts, self._limit = name, accepts, limit

    def check(self, value: Any) -> str:
        if not self._accepts(value):
            return f"must be {self.name}, found {_kind(value)}"
        return self._limit(value) if self._limit else ""


def _int_limit(value: int) -> str:
    return "" if 0 <= value <= INT32_MAX else f"must be between 0 and {INT32_MAX}, found {value}"


def _number_limit(value: float) -> str:
    return "" if math.isfinite(value) and abs(value) <= 1e15 else f"must be a finite number, found {value}"


STR = _Scalar("a string", lambda v: isinstance(v, str))
BOOL = _Scalar("a boolean", lambda v: isinstance(v, bool))
COUNT = _Scalar("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool), _int_limit)
NUMBER = _Scalar("a number", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), _number_limit)
COUNT_TEXT = _Scalar("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool)
                     or isinstance(v, str) and v.isdigit() and len(v) < 19, lambda v: _int_limit(int(v)))
"""An int64 field, which protobuf's JSON form writes as a string ('1')."""
ANY = _Type()


@dataclass
class Obj(_Type):
    """A mapping with known, typed fields (all optional unless listed in `required`)."""

    fields: dict[str, _Type]
    required: tuple[str, ...] = ()
    name: str = "a mapping"

    def check(self, value: Any) -> str:
        if not isinstance(value, dict):
            return f"must be a mapping, found {_kind(value)}"
        missing = [f for f in self.required if f not in value]
        return f"is missing `{missing[0]}`" if missing else ""

    def children(self, value: dict) -> list[tuple[str, Any, _Type]]:
        return [(key, value[key], kind) for key, kind in self.fields.items() if key in value]


@dataclass
class Map(_Type):
    """A mapping from names (strings) to values of one type."""

    values: _Type
    name: str = "a mapping"

    def check(self, value: Any) -> str:
        if not isinstance(value, dict):
            return f"must be a mapping, found {_kind(value)}"
        odd = [k for k in value if not isinstance(k, str)]
        return f"names must be strings, found {_kind(odd[0])} {odd[0]!r}" if odd else ""

    def children(self, value: dict) -> list[tuple[str, Any, _Type]]:
        return [(key, item, self.values) for key, item in value.items()]


@dataclass
class ListOf(_Type):
    items: _Type
    name: str = "a list"

    def check(self, value: Any) -> str:
        return "" if isinstance(value, list) else f"must be a list, found {_kind(value)}"

    def children(self, value: list) -> list[tuple[str, Any, _Type]]:
        return [(str(index), item, self.items) for index, item in enumerate(value)]


ARTIFACT_TYPE = Obj({"schemaTitle": STR, "schemaVersion": STR, "instanceSchema": STR})
DEFINITIONS = Obj({
    "parameters": Map(Obj({"parameterType": STR, "defaultValue": ANY, "isOptional": BOOL, "description": STR})),
    "artifacts": Map(Obj({"artifactType": ARTIFACT_TYPE, "isArtifactList": BOOL, "isOptional": BOOL,
                          "description": STR})),
})
_OUTPUT_PARAMETER = Obj({"producerTask": STR, "outputParameterKey": STR})
_TASK_INPUTS = Obj({
    "parameters": Map(Obj({"componentInputParameter": STR, "taskOutputParameter": _OUTPUT_PARAMETER,
                           "runtimeValue": Obj({"constant": ANY}), "taskFinalStatus": Obj({"producerTask": STR}),
                           "parameterExpressionSelector": STR})),
    "artifacts": Map(Obj({"componentInputArtifact": STR,
                          "taskOutputArtifact": Obj({"producerTask": STR, "outputArtifactKey": STR})})),
})
TASK = Obj({
    "taskInfo": Obj({"name": STR}),
    "componentRef": Obj({"name": STR}, required=("name",)),
    "dependentTasks": ListOf(STR),
    "inputs": _TASK_INPUTS,
    "triggerPolicy": Obj({"condition": STR, "strategy": STR}),
    "parameterIterator": Obj({"items": Obj({"raw": STR, "inputParameter": STR}), "itemInput": STR}),
    "artifactIterator": Obj({"items": Obj({"inputArtifact": STR}), "itemInput": STR}),
    "iteratorPolicy": Obj({"parallelismLimit": COUNT}),
    "cachingOptions": Obj({"enableCache": BOOL, "cacheKey": STR}),
    "retryPolicy": Obj({"maxRetryCount": COUNT, "backoffDuration": STR, "backoffFactor": NUMBER,
                        "backoffMaxDuration": STR}),
}, required=("componentRef",))
_SUBTASK_PARAMETER = Obj({"producerSubtask": STR, "outputParameterKey": STR})
DAG = Obj({
    "tasks": Map(TASK),
    "outputs": Obj({
        "parameters": Map(Obj({"valueFromParameter": _SUBTASK_PARAMETER,
                               "valueFromOneof": Obj({"parameterSelectors": ListOf(_SUBTASK_PARAMETER)})})),
        "artifacts": Map(Obj({"artifactSelectors": ListOf(Obj({"producerSubtask": STR,
                                                               "outputArtifactKey": STR}))})),
    }),
})
COMPONENT = Obj({"inputDefinitions": DEFINITIONS, "outputDefinitions": DEFINITIONS, "executorLabel": STR,
                 "dag": DAG})
_RESOURCE_NUMBERS = ("cpuLimit", "memoryLimit", "cpuRequest", "memoryRequest")
_RESOURCE_TEXTS = ("resourceCpuLimit", "resourceMemoryLimit", "resourceCpuRequest", "resourceMemoryRequest")
CONTAINER = Obj({
    "image": STR, "command": ListOf(STR), "args": ListOf(STR),
    "env": ListOf(Obj({"name": STR, "value": STR}, required=("name",))),
    "resources": Obj({**{key: NUMBER for key in _RESOURCE_NUMBERS}, **{key: STR for key in _RESOURCE_TEXTS},
                      "accelerator": Obj({"type": STR, "count": COUNT_TEXT, "resourceType": STR,
                                          "resourceCount": STR})}),
})
EXECUTOR = Obj({
    "container": CONTAINER,
    "importer": Obj({"artifactUri": Obj({"constant": ANY, "runtimeParameter": STR}), "typeSchema": ARTIFACT_TYPE,
                     "metadata": ANY, "reimport": BOOL}),
})
PIPELINE_SPEC = Obj({
    "pipelineInfo": Obj({"name": STR, "description": STR, "displayName": STR}),
    "root": Obj(COMPONENT.fields, required=("dag",)),
    "components": Map(COMPONENT),
    "deploymentSpec": Obj({"executors": Map(EXECUTOR)}),
    "schemaVersion": STR, "sdkVersion": STR, "defaultPipelineRoot": STR,
}, required=("root",))
PIPELINE_FIELDS = set(PIPELINE_SPEC.fields)
PLATFORM_SPEC = Map(Obj({"deploymentSpec": Obj({"executors": Map(Obj({}))})}))
_KEY_TO_ENV = {kind: ListOf(Obj({f"{kind}Key": STR, "envVar": STR}, required=("envVar",)))
               for kind in ("secret", "configMap")}
_METADATA = Obj({"labels": Map(ANY), "annotations": Map(ANY)})
KUBERNETES_EXECUTOR = Obj({
    **{f"{kind}AsEnv": ListOf(Obj({f"{kind}Name": STR, "keyToEnv": _KEY_TO_ENV[kind], "optional": BOOL}))
       for kind in ("secret", "configMap")},
    **{f"{kind}AsVolume": ListOf(Obj({f"{kind}Name": STR, "mountPath": STR, "optional": BOOL}, required=("mountPath",)))
       for kind in ("secret", "configMap")},
    "pvcMount": ListOf(Obj({"constant": STR, "componentInputParameter": STR, "mountPath": STR, "subPath": STR},
                           required=("mountPath",))),
    "emptyDirMounts": ListOf(Obj({"volumeName": STR, "mountPath": STR, "medium": STR, "sizeLimit": STR},
                                 required=("mountPath",))),
    "genericEphemeralVolume": ListOf(Obj({"volumeName": STR, "mountPath": STR, "metadata": _METADATA},
                                         required=("mountPath",))),
    "fieldPathAsEnv": ListOf(Obj({"name": STR, "fieldPath": STR}, required=("name",))),
    "podMetadata": _METADATA,
    "securityContext": Obj({"runAsNonRoot": BOOL}),  # runAsUser / runAsGroup: int64, text in protobuf JSON
})
"""The kfp-kubernetes fields the local engine reads (workbench/runs/local_k8s/pod.py), typed; the
scheduling hints it only warns about are left alone."""
KUBERNETES_PLATFORM = Obj({"deploymentSpec": Obj({"executors": Map(KUBERNETES_EXECUTOR)})})


@dataclass
class _Checker:
    path: str | None
    error: type[WorkbenchError]
    prefix: str = ""
    seen: int = field(default=0)

    def fail(self, element: str, message: str) -> WorkbenchError:
        return self.error(message, path=self.path,
                          element=self.prefix + element if element else self.prefix.rstrip(".") or None)

    def limits(self, value: Any) -> None:
        """Depth, size and text keys first, without recursion, so nothing below can overflow the
        stack, walk an alias bomb or sort mixed keys."""
        stack: list[tuple[Any, int, str]] = [(value, 0, "")]
        while stack:
            item, depth, where = stack.pop()
            self.seen += 1
            if self.seen > MAX_VALUES:
                raise self.fail("", f"too large: more than {MAX_VALUES:,} values (YAML aliases count each use)")
            if depth > MAX_DEPTH:
                raise self.fail(where, f"nested more than {MAX_DEPTH} levels deep")
            if isinstance(item, dict):
                odd = [k for k in item if not isinstance(k, str)]
                if odd:  # KFP IR is protobuf JSON: every key is text
                    raise self.fail(where, f"names must be strings, found {_kind(odd[0])} {odd[0]!r}")
                stack.extend((v, depth + 1, f"{where}.{k}" if where else k) for k, v in item.items())
            elif isinstance(item, list):
                stack.extend((v, depth + 1, f"{where}.{i}" if where else str(i)) for i, v in enumerate(item))

    def types(self, value: Any, schema: _Type) -> None:
        stack: list[tuple[str, Any, _Type]] = [("", value, schema)]
        while stack:
            where, item, kind = stack.pop()
            problem = kind.check(item)
            if problem:
                raise self.fail(where, problem)
            stack.extend((f"{where}.{key}" if where else key, child, child_kind)
                         for key, child, child_kind in reversed(kind.children(item)))


def read_pipeline_spec(text: str, *, path: str | None = None,
                       error: type[WorkbenchError] = WorkbenchError) -> tuple[dict, dict]:
    """Parse compiled IR (the spec, optionally followed by a platform spec document) and check it;
    return the spec and its `platforms` mapping ({} when there is none)."""
    try:
        documents = [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise error(f"not valid YAML{where}: {problem}", path=path) from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number; nesting the pure-Python parser cannot hold
        raise error(f"not valid YAML: {exc}", path=path) from None
    if not documents or not isinstance(documents[0], dict) or "root" not in documents[0] \
            or "components" not in documents[0] and "deploymentSpec" not in documents[0]:
        raise error("not a compiled KFP pipeline spec (expected `root`, `components` and "
                    "`deploymentSpec` at the top level)", path=path)
    if len(documents) > 2:
        raise error(f"expected a pipeline spec and at most a platform spec, found {len(documents)} "
                    "YAML documents", path=path)
    spec = documents[0]
    unknown = sorted(set(map(str, spec)) - PIPELINE_FIELDS)
    if unknown:
        raise error(f"unknown top-level field{'s' if len(unknown) > 1 else ''} "
                    f"{', '.join(map(repr, unknown))} (not a KFP pipeline spec field)", path=path, element=unknown[0])
    platforms: dict = {}
    if len(documents) == 2:
        second = documents[1]
        if not isinstance(second, dict) or set(second) - {"platforms"}:
            keys = sorted(map(str, second)) if isinstance(second, dict) else [type(second).__name__]
            raise error(f"the second YAML document is not a platform spec (found {keys})",
                        path=path, element="platforms")
        platforms = second.get("platforms") or {}
    check_pipeline_spec(spec, platforms, path=path, error=error)
    return spec, platforms


def check_shape(value: Any, schema: _Type, *, path: str | None = None,
                error: type[WorkbenchError] = WorkbenchError, prefix: str = "") -> None:
    """Check one part of a spec (a component's container, its input definitions) against `schema`;
    elements are named below `prefix`."""
    checker = _Checker(path, error, prefix + "." if prefix else "")
    checker.limits(value)
    checker.types(value, schema)


def check_pipeline_spec(spec: Any, platforms: Any = None, *, path: str | None = None,
                        error: type[WorkbenchError] = WorkbenchError, prefix: str = "") -> None:
    """Refuse, with `error` naming `path` and the element, a spec of the wrong shape, too deep or too
    large, with a dependency cycle, a task naming a task its DAG lacks, or a DAG that contains itself.
    `prefix` is put before element names (a pipeline nested in a document)."""
    checker = _Checker(path, error, prefix)
    checker.limits(spec)
    checker.types(spec, PIPELINE_SPEC)
    if platforms is not None:
        platform_checker = _Checker(path, error, f"{prefix}platforms.")
        platform_checker.limits(platforms)
        platform_checker.types(platforms, PLATFORM_SPEC)
        if "kubernetes" in platforms:
            _Checker(path, error, f"{prefix}platforms.kubernetes.").types(platforms["kubernetes"], KUBERNETES_PLATFORM)
    dags = {"root": spec["root"]}
    dags.update({f"components.{key}": component for key, component in (spec.get("components") or {}).items()})
    for where, component in dags.items():
        if "dag" in component:
            _check_dag(checker, f"{where}.dag", component["dag"] or {})
    _check_nesting(checker, spec)


def _check_dag(checker: _Checker, where: str, dag: dict) -> None:
    """Every task a task waits for or reads from is a sibling, and waiting never goes round in a circle."""
    tasks = dag.get("tasks") or {}
    upstream: dict[str, list[str]] = {}
    for name, task in tasks.items():
        inputs = task.get("inputs") or {}
        producers = [(p.get("taskOutputParameter") or p.get("taskFinalStatus") or {}).get("producerTask")
                     for p in (inputs.get("parameters") or {}).values()]
        producers += [(a.get("taskOutputArtifact") or {}).get("producerTask")
                      for a in (inputs.get("artifacts") or {}).values()]
        names = [*(task.get("dependentTasks") or []), *(p for p in producers if p is not None)]
        for other in names:
            if other not in tasks:
                raise checker.fail(f"{where}.tasks.{name}", f"depends on task {other!r}, which this DAG does not have")
        upstream[name] = list(dict.fromkeys(names))
    cycle = find_cycle(upstream)
    if cycle:
        raise checker.fail(f"{where}.tasks.{cycle[0]}.dependentTasks", "cycle " + " -> ".join(cycle))
    for kind in ("parameters", "artifacts"):
        for output, source in ((dag.get("outputs") or {}).get(kind) or {}).items():
            selectors = [*(source.get("artifactSelectors") or []), source.get("valueFromParameter") or {},
                         *((source.get("valueFromOneof") or {}).get("parameterSelectors") or [])]
            for selector in selectors:
                producer = selector.get("producerSubtask")
                if producer is not None and producer not in tasks:
                    raise checker.fail(f"{where}.outputs.{kind}.{output}",
                                       f"comes from task {producer!r}, which this DAG does not have")


def find_cycle(upstream: dict[str, list[str]]) -> list[str]:
    """A cycle in a name -> names graph as [a, b, ..., a], or []; iterative depth-first search."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in upstream:
        if start in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            name, index = stack.pop()
            if index == 0:
                state[name] = 1
                path.append(name)
            successors = upstream.get(name, [])
            if index < len(successors):
                stack.append((name, index + 1))
                successor = successors[index]
                if state.get(successor) == 1:
                    return path[path.index(successor):] + [successor]
                if successor not in state:
                    stack.append((successor, 0))
            else:
                state[name] = 2
                path.pop()
    return []


def _check_nesting(checker: _Checker, spec: dict) -> None:
    """DAG components that (through their tasks) contain themselves, or nest too deep."""
    components = spec.get("components") or {}
    children: dict[str, list[str]] = {}
    for key, component in [("root", spec["root"]), *components.items()]:
        refs = [task["componentRef"]["name"] for task in ((component.get("dag") or {}).get("tasks") or {}).values()]
        children[key] = [ref for ref in dict.fromkeys(refs) if ref in components]
    cycle = find_cycle(children)
    if cycle:
        raise checker.fail(f"components.{cycle[0]}" if cycle[0] != "root" else "root",
                           "contains itself: " + " -> ".join(cycle))
    depth: dict[str, int] = {}
    for key in reversed(_topological(children)):
        depth[key] = 1 + max((depth[c] for c in children[key]), default=0)
        if depth[key] > MAX_DAG_NESTING:
            raise checker.fail(f"components.{key}" if key != "root" else "root",
                               f"DAGs nest more than {MAX_DAG_NESTING} levels deep")


def _topological(children: dict[str, list[str]]) -> list[str]:
    """Parents before children (the graph is known to be acyclic)."""
    order: list[str] = []
    done: set[str] = set()
    for start in children:
        stack = [(start, False)]
        while stack:
            name, expanded = stack.pop()
            if expanded:
                order.append(name)
                continue
            if name in done:
                continue
            done.add(name)
            stack.append((name, True))
            stack.extend((child, False) for child in children[name] if child not in done)
    return order[::-1]
