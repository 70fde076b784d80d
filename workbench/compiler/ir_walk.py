"""Walk a compiled pipeline's DAG tree and resolve every input to where its value really comes from.

kfp threads every value through `pipelinechannel--...` inputs of each enclosing control-flow DAG;
a consumer deep in a loop in a condition names only its DAG's input. The walk follows those
inputs back up (and loop outputs back down) so each task input, loop iterator and condition
operand becomes a Binding whose `node` / `loop` fields hold IR *task names*: a constant, a root
parameter, a leaf task's output, a loop's collected output, a loop item (or a field of it) or the
final status. What kfp can say but a Binding cannot (a dsl.OneOf over loops, parameter expressions) becomes
an `Unsupported` with the reason. Used by the importer and the round-trip harness alike.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from workbench.compiler.ir_conditions import ConditionSyntaxError, parse_condition
from workbench.compiler.ir_load import IrFile, control_flow_kind, group_number
from workbench.model.bindings import Binding
from workbench.model.expressions import Expression

_SELECTOR = re.compile(r"""^parseJson\(string_value\)\["([^"]*)"\]$""")
ROOT = ""


@dataclass(frozen=True)
class Unsupported:
    reason: str


Source = Binding | Unsupported


@dataclass
class IrTask:
    """One task of the IR, in a DAG. `kind` is 'leaf' (container, importer or sub-pipeline),
    'loop', 'condition', 'branches' or 'exit_handler'; `parent` is the enclosing group task name."""

    name: str
    kind: str
    spec: dict
    component: str
    parent: str
    dag: str  # component key of the DAG holding the task ('' for the root)
    inputs: dict[str, Source] = field(default_factory=dict)
    children: list[str] = field(default_factory=list)
    items: Source | None = None
    condition: Expression | None = None
    condition_problem: str = ""
    scope: dict[str, "Source"] = field(default_factory=dict, repr=False)  # what its DAG's inputs are

    @property
    def display_name(self) -> str:
        return (self.spec.get("taskInfo") or {}).get("name", self.name)

    @property
    def dependent_tasks(self) -> list[str]:
        return list(self.spec.get("dependentTasks") or [])

    @property
    def data_producers(self) -> set[str]:
        """Local task names this task reads outputs from (the rest of dependentTasks is `.after`)."""
        inputs = self.spec.get("inputs") or {}
        producers = set()
        for kind in ("parameters", "artifacts"):
            for spec in (inputs.get(kind) or {}).values():
                for key in ("taskOutputParameter", "taskOutputArtifact", "taskFinalStatus"):
                    if key in spec:
                        producers.add(spec[key].get("producerTask", ""))
        return producers


class IrWalk:
    """Every task of a pipeline by name, in DAG order, with its inputs resolved."""

    def __init__(self, ir: IrFile):
        self.ir = ir
        self.tasks: dict[str, IrTask] = {}
        self.roots: list[str] = []
        self._by_dag: dict[tuple[str, str], IrTask] = {}
        self.roots = self._visit(ROOT, ir.spec["root"]["dag"], ROOT)
        definitions = ir.spec["root"].get("inputDefinitions") or {}
        scope: dict[str, Source] = {name: Binding.param(name) for kind in ("parameters", "artifacts")
                                    for name in definitions.get(kind) or {}}
        self._resolve(self.roots, scope)

    # ----- structure ---------------------------------------------------------------------------

    def _visit(self, dag_key: str, dag: dict, parent: str) -> list[str]:
        names = []
        tasks = dag.get("tasks") or {}
        if not isinstance(tasks, dict):
            raise self.ir.fail("`tasks` must be a mapping", f"{dag_key or 'root'}.dag.tasks")
        for name, spec in tasks.items():
            where = f"task {name!r}"
            if not isinstance(spec, dict):
                raise self.ir.fail("a task must be a mapping", where)
            key = (spec.get("componentRef") or {}).get("name", "")
            component = self.ir.component(key, where)
            kind = control_flow_kind(key, spec) if "dag" in component else ""
            if not kind and "dag" not in component:
                self.ir.executor(key, where)
            task = IrTask(name=name, kind=kind or "leaf", spec=spec, component=key, parent=parent, dag=dag_key)
            if name in self.tasks:
                raise self.ir.fail("two tasks share this name; kfp task names are unique in a pipeline", where)
            self.tasks[name] = task
            self._by_dag[(dag_key, name)] = task
            names.append(name)
            if kind:
                task.children = self._visit(key, component["dag"], name)
        return names

    def children_in_order(self, group: str) -> list[str]:
        names = self.roots if group == ROOT else self.tasks[group].children
        return sorted(names, key=lambda n: (self.tasks[n].kind == "leaf", group_number(n), n))

    def leaves_under(self, name: str) -> list[str]:
        task = self.tasks[name]
        if task.kind == "leaf":
            return [name]
        return [leaf for child in task.children for leaf in self.leaves_under(child)]

    def chain(self, name: str) -> list[str]:
        """Enclosing group task names, outermost first."""
        chain, current = [], self.tasks[name].parent
        while current:
            chain.append(current)
            current = self.tasks[current].parent
        return chain[::-1]

    # ----- resolution --------------------------------------------------------------------------

    def _resolve(self, names: list[str], scope: dict[str, Source]) -> None:
        for name in names:
            task = self.tasks[name]
            task.inputs = {input_name: self._source(task, spec, scope)
                           for kind in ("parameters", "artifacts")
                           for input_name, spec in ((task.spec.get("inputs") or {}).get(kind) or {}).items()}
            if task.kind == "leaf":
                task.scope = scope
                continue
            child_scope = dict(task.inputs)
            if task.kind == "loop":
                self._loop(task, child_scope)
            elif task.kind == "condition":
                self._condition(task)
            self._resolve(task.children, child_scope)

    def _loop(self, task: IrTask, child_scope: dict[str, Source]) -> None:
        iterator = task.spec.get("parameterIterator") or task.spec.get("artifactIterator") or {}
        items = iterator.get("items") or {}
        if "raw" in items:
            try:
                task.items = Binding.constant(json.loads(items["raw"]))
            except (TypeError, ValueError):
                raise self.ir.fail("loop items `raw` is not JSON", f"task {task.name!r}") from None
        else:
            source_name = items.get("inputParameter") or items.get("inputArtifact") or ""
            task.items = task.inputs.get(source_name, Unsupported(f"loop items input {source_name!r} is not given"))
        child_scope[iterator.get("itemInput", "")] = Binding.loop_item(task.name)

    def _condition(self, task: IrTask) -> None:
        text = task.spec["triggerPolicy"]["condition"]
        unsupported: list[str] = []

        def operand(input_name: str) -> Binding:
            source = task.inputs.get(input_name)
            if isinstance(source, Binding):
                return source
            unsupported.append(source.reason if source else f"input {input_name!r} is not given")
            return Binding.constant(None)

        try:
            task.condition = parse_condition(text, operand)
        except ConditionSyntaxError as exc:
            raise self.ir.fail(f"condition {text!r} is not in the CEL kfp writes: {exc}",
                               f"task {task.name!r}") from None
        if unsupported:
            task.condition_problem = "; ".join(unsupported)

    def _source(self, task: IrTask, spec: dict, scope: dict[str, Source]) -> Source:
        if not isinstance(spec, dict):
            return Unsupported(f"input spec {spec!r} is not a mapping")
        if "runtimeValue" in spec:
            return Binding.constant((spec["runtimeValue"] or {}).get("constant"))
        if "taskFinalStatus" in spec:
            return Binding.final_status()
        name = spec.get("componentInputParameter") or spec.get("componentInputArtifact")
        if name is not None:
            source = scope.get(name, Unsupported(f"DAG input {name!r} is not given"))
            return self._select(source, spec.get("parameterExpressionSelector", ""))
        for key, output_key in (("taskOutputParameter", "outputParameterKey"),
                                ("taskOutputArtifact", "outputArtifactKey")):
            if key in spec:
                if not isinstance(spec[key], dict):
                    return Unsupported(f"{key} {spec[key]!r} is not a mapping")
                return self._task_output(task.dag, spec[key].get("producerTask", ""), spec[key].get(output_key, ""))
        return Unsupported(f"input kind {sorted(spec)} is not supported")

    def reference(self, task: IrTask, spec: dict) -> Source:
        """Where a reference in the task's platform config (a Kubernetes secret name from a
        parameter, a PVC name from an upstream output) really comes from."""
        return self._source(task, spec, task.scope)

    @staticmethod
    def _select(source: Source, selector: str) -> Source:
        if not selector:
            return source
        match = _SELECTOR.match(selector)
        if match and isinstance(source, Binding) and source.kind == "loop_item" and not source.field:
            return replace(source, field=match.group(1))
        return Unsupported(f"parameter expression {selector!r}")

    def _task_output(self, dag_key: str, producer: str, key: str) -> Source:
        task = self._by_dag.get((dag_key, producer))
        if task is None:
            return Unsupported(f"producer task {producer!r} is not in the same DAG")
        if task.kind == "leaf":
            return Binding.from_output(producer, key)
        outputs = (self.ir.components[task.component].get("dag") or {}).get("outputs") or {}
        spec = (outputs.get("parameters") or {}).get(key) or (outputs.get("artifacts") or {}).get(key)
        if not spec:
            return Unsupported(f"{producer!r} has no output {key!r}")
        return self._dag_output(task.component, spec, collect=task.kind == "loop")

    def pipeline_outputs(self) -> dict[str, Source]:
        """The pipeline's own outputs (what its function returns), traced to their producers."""
        outputs = self.ir.spec["root"]["dag"].get("outputs") or {}
        return {name: self._dag_output(ROOT, spec, collect=False) if isinstance(spec, dict)
                else Unsupported(f"output spec {spec!r} is not a mapping")
                for kind in ("parameters", "artifacts") for name, spec in (outputs.get(kind) or {}).items()}

    def _dag_output(self, dag_key: str, spec: dict, *, collect: bool) -> Source:
        """A DAG's output selected from its tasks: one task's output, a dsl.OneOf over branches,
        or (`collect`, for a loop) the list over its iterations."""
        if "valueFromOneof" in spec or len(spec.get("artifactSelectors") or []) > 1:
            selectors = (spec.get("valueFromOneof") or {}).get("parameterSelectors") \
                or (spec.get("valueFromOneof") or {}).get("artifactSelectors") or spec.get("artifactSelectors")
            sources = [self._task_output(dag_key, s.get("producerSubtask", ""),
                                         s.get("outputParameterKey") or s.get("outputArtifactKey", ""))
                       for s in selectors or []]
            if sources and all(isinstance(s, Binding) and s.kind == "output" for s in sources):
                return Binding.one_of(sources)
            names = ", ".join(f"{s.node}.{s.output}" if isinstance(s, Binding) else s.reason for s in sources)
            return Unsupported(f"dsl.OneOf({names})")
        selector = spec.get("valueFromParameter") or (spec.get("artifactSelectors") or [{}])[0]
        inner = self._task_output(dag_key, selector.get("producerSubtask", ""),
                                  selector.get("outputParameterKey") or selector.get("outputArtifactKey", ""))
        if not collect or not isinstance(inner, Binding):
            return inner
        return Binding.collected(inner.node, inner.output)
