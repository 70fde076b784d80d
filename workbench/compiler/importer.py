"""Compiled KFP IR YAML -> pipeline document, laid out, with a list of what could not be kept.

Leaf tasks become nodes (named as their IR task), kfp's control-flow DAGs become groups with
explicit members (a `condition-branches` DAG becomes its If / Elif / Else chain), inputs become
bindings to their real source (see `ir_walk`), `dependentTasks` that carry no data become `after`.
Whatever a document cannot say is named in `unrepresented`, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from workbench.compiler.ir_components import component_spec, task_options
from workbench.compiler.ir_conditions import ConditionSyntaxError, own_conditions
from workbench.compiler.ir_kubernetes import mapping, reference_producers, resolved_config, task_config
from workbench.compiler.ir_load import INPUT_PLACEHOLDER, IrFile, group_number, load_ir
from workbench.compiler.ir_walk import IrTask, IrWalk, Source, Unsupported
from workbench.compiler.layout import auto_layout
from workbench.model.bindings import Binding
from workbench.model.document import Group, Node, Parameter, PipelineGraph, TaskOptions, new_id
from workbench.model.expressions import BoolOp, Comparison, Expression, Not
from workbench.model.kubernetes import KNOWN_FIELDS, KubernetesConfig
from workbench.model.types import IR_TO_PARAMETER, artifact_type_name
from workbench.model.validate import dependency_graph, output_problem

KNOWN_TASK_FIELDS = {"componentRef", "taskInfo", "inputs", "dependentTasks", "cachingOptions", "triggerPolicy",
                     "parameterIterator", "artifactIterator", "iteratorPolicy", "retryPolicy"}



def _escape_braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


@dataclass
class ImportResult:
    graph: PipelineGraph
    unrepresented: list[str]


def import_ir(text: str, *, path: str | None = None) -> ImportResult:
    """Read a compiled pipeline (single document, or with a platform spec) into a laid-out document."""
    result = _Importer(load_ir(text, path=path)).run()
    auto_layout(result.graph)
    return result


class _Importer:
    def __init__(self, ir: IrFile):
        self.ir = ir
        self.walk = IrWalk(ir)
        info = ir.spec.get("pipelineInfo") or {}
        self.graph = PipelineGraph(name=info.get("name", "pipeline"), description=info.get("description", ""))
        self.ids: dict[str, str] = {}  # IR task name -> node or group id
        self.exit_tasks: dict[str, str] = {}  # exit task name -> its exit handler task name
        self.unrepresented: list[str] = []

    def note(self, where: str, what: str) -> None:
        self.unrepresented.append(f"{where}: {what}")

    def run(self) -> ImportResult:
        self._parameters()
        self._create(self.walk.roots, None)
        for task in self.walk.tasks.values():
            self._fill(task)
        self._outputs()
        self._platforms()
        self._after()
        return ImportResult(self.graph, self.unrepresented)

    # ----- pipeline level ----------------------------------------------------------------------

    def _parameters(self) -> None:
        definitions = self.ir.spec["root"].get("inputDefinitions") or {}
        for name, spec in (definitions.get("parameters") or {}).items():
            kind = IR_TO_PARAMETER.get(spec.get("parameterType", "STRING"), "String")
            self.graph.parameters[name] = Parameter(
                name=name, type=kind, default=_typed_constant(Binding.constant(spec.get("defaultValue")), kind).value,
                description=spec.get("description", ""),
                optional=bool(spec.get("isOptional", False)))
        for name, spec in (definitions.get("artifacts") or {}).items():
            schema = spec.get("artifactType") or {}
            if spec.get("isArtifactList"):
                self.note("pipeline", f"input artifact list {name!r} dropped (a pipeline input is one artifact)")
                continue
            self.graph.parameters[name] = Parameter(
                name=name, type=artifact_type_name(schema.get("schemaTitle", "system.Artifact"),
                                                   schema.get("schemaVersion", "")),
                description=spec.get("description", ""), optional=bool(spec.get("isOptional", False)))

    def _outputs(self) -> None:
        """What the pipeline returns, and its pipeline root."""
        for name, source in sorted(self.walk.pipeline_outputs().items()):
            binding = self._binding(source, "pipeline", f"output {name!r}")
            problem = output_problem(self.graph, name, binding) if binding is not None else None
            if problem:
                self.note("pipeline", f"{problem} (kfp 2.17 refuses it); dropped")
            elif binding is not None:
                self.graph.outputs[name] = binding
        self.graph.pipeline_root = str(self.ir.spec.get("defaultPipelineRoot") or "")

    def _platforms(self) -> None:
        """Kubernetes executor config goes on the nodes that use the executor; the workspace on the
        document; any other platform's config is named and dropped."""
        users: dict[str, list[str]] = {}
        for task in self.walk.tasks.values():
            label = self.ir.components.get(task.component, {}).get("executorLabel")
            if label:
                users.setdefault(label, []).append(task.name)
            if task.kind == "leaf":
                self._kubernetes(task)
        # ir_schema has checked the shape: platforms, deployment specs and executors are mappings
        for platform, config in sorted(self.ir.platforms.items(), key=lambda item: str(item[0])):
            executors = (config.get("deploymentSpec") or {}).get("executors") or {}
            for label, features in sorted(executors.items()):
                if platform == "kubernetes" and label in users:
                    continue
                listed = ", ".join(sorted(map(str, features)))
                for task in users.get(label, [f"executor {label}"]):
                    self.note(f"task {task!r}", f"platform spec ({platform} {listed}) dropped")
            pipeline_config = mapping(config.get("pipelineConfig"))
            if platform == "kubernetes" and pipeline_config.get("workspace"):
                self.graph.workspace = pipeline_config["workspace"]
            for key in sorted(set(config) - {"deploymentSpec"}, key=str):
                if key == "pipelineConfig" and set(pipeline_config) == {"workspace"} and platform == "kubernetes":
                    continue
                self.note("pipeline", f"platform spec ({platform} {key}) dropped")

    def _kubernetes(self, task: IrTask) -> None:
        config = task_config(self.ir, task)
        if not config:
            return
        where = f"task {task.name!r}"
        for key in sorted(set(config) - set(KNOWN_FIELDS), key=str):
            self.note(where, f"Kubernetes setting {key!r} dropped (not in kfp-kubernetes 2.17)")
        bare, sources = resolved_config(self.walk, task, {k: v for k, v in config.items() if k in KNOWN_FIELDS})
        references = {}
        for path, source in sources.items():
            binding = self._binding(source, where, f"Kubernetes setting {'/'.join(map(str, path))}")
            if binding is not None:
                references[path] = binding
        self.graph.nodes[self.ids[task.name]].kubernetes = KubernetesConfig(config=bare, references=references)

    # ----- structure ---------------------------------------------------------------------------

    def _create(self, names: list[str], group_id: str | None) -> None:
        for name in names:
            task = self.walk.tasks[name]
            if task.kind == "leaf":
                self._create_node(task, group_id)
            elif task.kind == "branches":
                self._create(sorted(task.children, key=group_number), group_id)
            else:
                display = task.display_name
                group = Group(id=new_id(), kind=task.kind, name=display if display != name else "")
                self.graph.add_group(group, group_id)
                self.ids[name] = group.id
                self._create(task.children, group.id)
            if task.kind == "exit_handler":
                self._find_exit_task(task, names)

    def _create_node(self, task: IrTask, group_id: str | None) -> None:
        where = f"task {task.name!r}"
        if task.component not in self.graph.components:
            self.graph.components[task.component] = component_spec(self.ir, task.component, where)
        display = task.display_name
        node = Node(id=new_id(), name=task.name, component=task.component,
                    display_name=display if display != task.name else "")
        self.graph.add_node(node, group_id)
        self.ids[task.name] = node.id
        for key in sorted(set(task.spec) - KNOWN_TASK_FIELDS):
            self.note(where, f"task field {key!r} dropped")

    def _find_exit_task(self, handler: IrTask, siblings: list[str]) -> None:
        for name in siblings:
            task = self.walk.tasks[name]
            strategy = (task.spec.get("triggerPolicy") or {}).get("strategy", "")
            if handler.name in task.dependent_tasks and strategy == "ALL_UPSTREAM_TASKS_COMPLETED" \
                    and task.kind == "leaf" and handler.name not in self.exit_tasks.values():
                self.exit_tasks[name] = handler.name

    # ----- content -----------------------------------------------------------------------------

    def _fill(self, task: IrTask) -> None:
        if task.kind == "leaf":
            self._fill_node(task)
        elif task.kind == "loop":
            group = self.graph.groups[self.ids[task.name]]
            group.items = self._binding(task.items, f"loop {task.name!r}", "items")
            group.parallelism = int((task.spec.get("iteratorPolicy") or {}).get("parallelismLimit", 0) or 0)
        elif task.kind == "condition" and self.walk.tasks.get(task.parent, task).kind != "branches":
            self.graph.groups[self.ids[task.name]].condition = self._expression(task)
        elif task.kind == "branches":
            self._fill_chain(task)
        elif task.kind == "exit_handler":
            exit_task = next((t for t, h in self.exit_tasks.items() if h == task.name), "")
            self.graph.groups[self.ids[task.name]].exit_node = self.ids.get(exit_task, "")
            if not exit_task:
                self.note(f"exit handler {task.name!r}", "has no exit task")

    def _fill_chain(self, branches: IrTask) -> None:
        tasks = [self.walk.tasks[n] for n in sorted(branches.children, key=group_number)]
        full = [self._expression(t) for t in tasks]
        try:
            owns = own_conditions(full)
        except ConditionSyntaxError as exc:
            self.note(f"condition branches {branches.name!r}", f"not an If / Elif / Else chain ({exc}); "
                                                                 "kept as separate conditions")
            owns = full
        else:
            for previous, task in zip(tasks, tasks[1:]):
                self.graph.groups[self.ids[task.name]].follows = self.ids[previous.name]
        for task, own in zip(tasks, owns):
            self.graph.groups[self.ids[task.name]].condition = own

    def _fill_node(self, task: IrTask) -> None:
        where = f"task {task.name!r}"
        node = self.graph.nodes[self.ids[task.name]]
        ports = {p.name: p for p in self.graph.components[task.component].inputs}
        channels = {name: source for name, source in task.inputs.items() if name not in ports}
        for name, source in task.inputs.items():
            if name in ports:
                binding = self._binding(source, where, f"input {name!r}")
                if binding is not None:
                    binding = self._template(binding, channels, where)
                    node.inputs[name] = _typed_constant(binding, ports[name].type)
        node.options, placeholders = task_options(self.ir, task.spec, task.component,
                                                  exit_task=task.name in self.exit_tasks)
        self._bound_settings(node.options, placeholders, task.inputs, channels, where)
        for name in sorted(channels):
            self.note(where, f"channel {name!r} is not used by any input; dropped")

    def _bound_settings(self, options: TaskOptions, placeholders: dict[str, str], inputs: dict[str, Source],
                        channels: dict[str, Source], where: str) -> None:
        """Settings kfp set from a channel (resources, image) become bindings of that channel; the
        channel and the placeholder input kfp adds beside it (`cpu_limit: '{{...}}'`) are consumed."""
        for name, text in sorted(placeholders.items()):
            match = INPUT_PLACEHOLDER.fullmatch(text)
            binding = self._binding(inputs.get(match.group(1)), where, f"resource {name}") if match else None
            if binding is None:
                self.note(where, f"setting {name} from {text!r} dropped")
                continue
            options.bound[name] = binding
            for channel, source in list(channels.items()):
                if channel == match.group(1) or (isinstance(source, Binding) and source.kind == "constant"
                                                 and source.value == text):
                    del channels[channel]

    def _template(self, binding: Binding, channels: dict[str, Source], where: str) -> Binding:
        """A constant carrying `{{$.inputs.parameters['pipelinechannel--x']}}` placeholders (in a
        string, or in the strings of a list or dict) is a kfp f-string: make it a template binding
        over the channels it reads (consumed from `channels`)."""
        if binding.kind != "constant":
            return binding
        parts: list[Binding] = []
        slots: dict[str, int] = {}

        def slot(channel: str) -> str | None:
            if channel not in slots:
                part = self._binding(channels.get(channel), where, f"f-string channel {channel!r}")
                if part is None:
                    return None
                slots[channel] = len(parts)
                parts.append(part)
            return f"{{{slots[channel]}}}"

        def convert(value):
            if isinstance(value, list):
                return [convert(v) for v in value]
            if isinstance(value, dict):
                return {k: convert(v) for k, v in value.items()}
            if not isinstance(value, str):
                return value
            pieces, position = [], 0
            for match in INPUT_PLACEHOLDER.finditer(value):
                if match.group(1) not in channels and match.group(1) not in slots:
                    continue
                marker = slot(match.group(1))
                if marker is None:
                    raise LookupError(match.group(1))
                pieces += [_escape_braces(value[position:match.start()]), marker]
                position = match.end()
            return "".join(pieces) + _escape_braces(value[position:])

        try:
            converted = convert(binding.value)
        except LookupError:
            return binding
        if not parts:
            return binding
        for channel in slots:
            channels.pop(channel, None)
        return Binding.template(converted, parts)

    def _after(self) -> None:
        """`dependentTasks` that carry no data become `after` on nodes: a dependency on a group
        becomes one on the group's last tasks; a group's own dependency goes to its first tasks."""
        dag = dependency_graph(self.graph)
        for task in self.walk.tasks.values():
            producers = task.data_producers | reference_producers(self.walk, task)
            for dep in task.dependent_tasks:
                upstream = self.walk.tasks.get(dep)
                if dep in producers or upstream is None:
                    continue
                if upstream.kind == "exit_handler":
                    if self.exit_tasks.get(task.name) != dep:
                        self.note(f"task {task.name!r}", f"`after` exit handler {dep!r} dropped")
                    continue
                for consumer in self._boundary(task.name, dag, first=True):
                    after = self.graph.nodes[consumer].after
                    after.extend(p for p in self._boundary(dep, dag, first=False) if p not in after)

    def _boundary(self, name: str, dag, *, first: bool) -> list[str]:
        leaves = [self.ids[leaf] for leaf in self.walk.leaves_under(name)]
        inside = set(leaves)
        edges = dag.predecessors if first else dag.successors
        return [leaf for leaf in leaves if not inside.intersection(edges(leaf))]

    # ----- bindings and conditions -------------------------------------------------------------

    def _binding(self, source: Source | None, where: str, what: str) -> Binding | None:
        if source is None:
            return None
        if isinstance(source, Unsupported):
            self.note(where, f"{what} from {source.reason} dropped")
            return None
        if source.kind == "loop_item" and source.loop not in self.ids:
            self.note(where, f"{what} uses the item of {source.loop!r}, which is not a loop here")
            return None
        return self._with_ids(source)

    def _with_ids(self, source: Binding) -> Binding:
        """IR task and group names -> document ids, also inside one_of and template parts."""
        return replace(source, node=self.ids.get(source.node, source.node), loop=self.ids.get(source.loop, ""),
                       parts=tuple(self._with_ids(part) for part in source.parts))

    def _expression(self, task: IrTask) -> Expression | None:
        where = f"condition {task.name!r}"
        if task.condition_problem:
            self.note(where, f"operand from {task.condition_problem} cannot be represented; compared as null")

        def convert(expr: Expression) -> Expression:
            if isinstance(expr, Comparison):
                left = self._binding(expr.left, where, "operand") or Binding.constant(None)
                right = self._binding(expr.right, where, "operand") or Binding.constant(None)
                return Comparison(left, expr.op, right)
            if isinstance(expr, Not):
                return Not(convert(expr.operand))
            return BoolOp(expr.op, tuple(convert(e) for e in expr.operands))

        return convert(task.condition) if task.condition is not None else None


def _typed_constant(binding: Binding, port_type: str) -> Binding:
    """IR numbers are protobuf doubles (`9.0`); an Integer input gets its int back."""
    value = binding.value
    if binding.kind == "constant" and port_type == "Integer" and isinstance(value, float) and value.is_integer():
        return Binding.constant(int(value))
    return binding
