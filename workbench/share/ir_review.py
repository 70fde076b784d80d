"""What a compiled pipeline (IR YAML) would run, task by task, read as plain data for the trust review.

Walks every DAG from the root, as the engine and a cluster do, so each leaf task is listed with its
key path, display name, constant inputs and everything its executor decides: image, command, args,
env, resources, the Kubernetes platform config of its executor and the embedded Python source.
Executors no task reaches are listed too, so nothing in the file goes unseen. Hostile shapes (wrong
types, a DAG that contains itself, a missing component) become notes, never exceptions. Nothing is
compiled or run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import yaml

MAX_DEPTH = 64  # nested DAGs; deeper is refused by the loaders anyway


@dataclass(frozen=True)
class TaskReview:
    """One task (or an executor no task runs: `key` "") and what it would run."""

    source: str  # the file it is in: pipeline.yaml, "pipeline.wbp (compiled)", components/x.yaml
    key: str  # key path in the DAG tree, e.g. "for-loop-1/train-model"
    name: str  # the display name (taskInfo.name)
    executor: str
    kind: str  # container, importer, missing, or the executor's own (unknown) keys
    image: str = ""
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    resources: str = ""  # YAML of container.resources
    platform: str = ""  # YAML of the platforms.kubernetes executor config
    python: str | None = None
    packages: tuple[str, ...] = ()
    detail: str = ""  # YAML of an importer or an executor of an unknown kind
    constants: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # constant inputs (JSON)

    @property
    def runs(self) -> tuple:
        """Everything the executor decides; equal for two tasks that run the same thing."""
        return (self.kind, self.image, self.command, self.args, self.env, self.resources, self.platform,
                self.python, self.detail)


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _yaml(value) -> str:
    return yaml.safe_dump(value, sort_keys=True, default_flow_style=False).strip() if value else ""


def _json(value) -> str:
    """A constant or default as JSON; YAML also gives dates, bytes, keys of mixed types and (through
    aliases) cycles, which are shown as text rather than failing the review."""
    for options in ({"sort_keys": True}, {}):
        try:
            return json.dumps(value, default=str, **options)
        except (TypeError, ValueError):
            continue
    return repr(value)


def _strings(value) -> tuple[str, ...]:
    return tuple(map(str, value)) if isinstance(value, list) else ((str(value),) if value else ())


def _constants(task: dict) -> tuple[tuple[str, str], ...]:
    parameters = _mapping(_mapping(task.get("inputs")).get("parameters"))
    found = []
    for name in sorted(parameters, key=str):
        value = _mapping(parameters[name]).get("runtimeValue")
        if isinstance(value, dict) and "constant" in value:
            found.append((str(name), _json(value["constant"])))
    return tuple(found)


def _passed_in(task: dict, path: str) -> tuple[tuple[str, str], ...]:
    """What a DAG task (sub-pipeline, loop, condition) hands the tasks inside it: its constant inputs and
    a loop's literal items, named after it. Leaf tasks only name them (`componentInputParameter`)."""
    found = [(f"{path}/{name}", value) for name, value in _constants(task)]
    raw = _mapping(_mapping(task.get("parameterIterator")).get("items")).get("raw")
    if raw is not None:
        found.append((f"{path} loop items", raw if isinstance(raw, str) else _json(raw)))  # JSON text already
    return tuple(found)


def _executor_review(spec, platform, **where) -> TaskReview:
    from workbench.compiler.export_python import python_source_of
    from workbench.components.spec import ComponentSpec

    platform_text = _yaml(platform)
    executor = spec
    if not isinstance(executor, dict):
        return TaskReview(kind="missing", platform=platform_text, **where)
    if set(executor) != {"container"}:
        kind = "importer" if set(executor) == {"importer"} else ", ".join(sorted(map(str, executor))) or "empty"
        return TaskReview(kind=kind, detail=_yaml(executor), platform=platform_text, **where)
    container = _mapping(executor["container"])
    env = tuple((str(_mapping(e).get("name", "")), str(_mapping(e).get("value", ""))) for e in
                (container.get("env") if isinstance(container.get("env"), list) else []))
    python = python_source_of(ComponentSpec(name=where["executor"], implementation={"container": container})) \
        if isinstance(container.get("command"), list) else None
    source, packages = python or (None, [])
    return TaskReview(kind="container", image=str(container.get("image", "")),
                      command=_strings(container.get("command")), args=_strings(container.get("args")), env=env,
                      resources=_yaml(container.get("resources")), platform=platform_text, python=source,
                      packages=tuple(packages), **where)


class _Walk:
    def __init__(self, spec: dict, platform: dict, source: str):
        self.source = source
        self.components = _mapping(spec.get("components"))
        self.executors = _mapping(_mapping(spec.get("deploymentSpec")).get("executors"))
        self.platform = platform
        self.tasks: list[TaskReview] = []
        self.notes: list[str] = []
        self.reached: set[str] = set()

    def dag(self, component: dict, prefix: str, stack: tuple[str, ...],
            inherited: tuple[tuple[str, str], ...] = ()) -> None:
        """`inherited`: what the enclosing DAG tasks hand the tasks inside (shown with each of them)."""
        tasks = _mapping(_mapping(component.get("dag")).get("tasks"))
        for key in sorted(tasks, key=str):
            task = _mapping(tasks[key])
            path = f"{prefix}{key}"
            ref = _mapping(task.get("componentRef")).get("name")
            target = self.components.get(ref) if isinstance(ref, str) else None
            if not isinstance(target, dict):
                self.notes.append(f"{self.source}: task {path} names component {ref!r}, which is not defined")
            elif "dag" in target:
                if ref in stack or len(stack) >= MAX_DEPTH:
                    self.notes.append(f"{self.source}: task {path} nests component {ref!r} inside itself")
                else:
                    self.dag(target, f"{path}/", (*stack, ref), (*inherited, *_passed_in(task, path)))
            else:
                self.leaf(task, path, target, inherited)

    def leaf(self, task: dict, path: str, component: dict, inherited: tuple[tuple[str, str], ...]) -> None:
        label = str(component.get("executorLabel", ""))
        self.reached.add(label)
        name = str(_mapping(task.get("taskInfo")).get("name", path))
        review = _executor_review(self.executors.get(label), self.platform.get(label), source=self.source,
                                  key=path, name=name, executor=label)
        self.tasks.append(replace(review, constants=(*inherited, *_constants(task))))

    def unreached(self) -> None:
        for label in sorted(set(self.executors) - self.reached, key=str):
            self.tasks.append(_executor_review(self.executors[label], self.platform.get(label), source=self.source,
                                               key="", name="", executor=str(label)))


try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class IrReview:
    """What one pipeline file would run, and what else the review shows of it."""

    tasks: list[TaskReview]
    notes: list[str]  # what is malformed, by task
    parameters: tuple[tuple[str, str], ...]  # pipeline parameter -> default (JSON) or "(required)"
    pipeline_root: str


def _parameters(spec: dict) -> tuple[tuple[str, str], ...]:
    parameters = _mapping(_mapping(_mapping(spec.get("root")).get("inputDefinitions")).get("parameters"))
    return tuple((str(name), _json(_mapping(p).get("defaultValue"))
                  if "defaultValue" in _mapping(p) else "(required)")
                 for name, p in sorted(parameters.items(), key=lambda item: str(item[0])))


def review_ir(text: str, source: str) -> IrReview:
    """Every task of the pipeline in `text` (then every executor no task runs), notes on what is
    malformed, its parameters and pipeline root. `source` names the file."""
    try:
        documents = [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]
    except yaml.YAMLError as exc:
        return IrReview([], [f"{source}: not valid YAML ({getattr(exc, 'problem', None) or exc})"], (), "")
    spec = _mapping(documents[0]) if documents else {}
    kubernetes = _mapping(_mapping(_mapping(documents[1] if len(documents) > 1 else {}).get("platforms"))
                          .get("kubernetes"))
    walk = _Walk(spec, _mapping(_mapping(kubernetes.get("deploymentSpec")).get("executors")), source)
    walk.dag(_mapping(spec.get("root")), "", ())
    walk.unreached()
    return IrReview(walk.tasks, walk.notes, _parameters(spec), str(spec.get("defaultPipelineRoot", "") or ""))
