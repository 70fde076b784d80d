"""Replays a compile plan as kfp DSL calls inside a `@dsl.pipeline` function.

Only called with kfp imported and `KFP_LOCK` held. Each node becomes a task of the component
loaded from its IR text, named exactly as the node (so task names survive a round trip); each
group becomes the matching `with dsl.ParallelFor / If / Elif / Else / ExitHandler` block.
"""

from __future__ import annotations

import inspect
import json
from typing import Any, List, NamedTuple, Optional

from workbench.compiler.ir_load import INPUT_PLACEHOLDER
from workbench.compiler.plan import Step
from workbench.errors import CompileError
from workbench.model.bindings import Binding
from workbench.model.document import Group, Node, PipelineGraph
from workbench.model.expressions import as_conjunction, comparisons
from workbench.model.types import TASK_FINAL_STATUS, artifact_schema, is_artifact, list_element_type

_ANNOTATIONS = {"String": str, "Integer": int, "Float": float, "Boolean": bool, "List": list, "Dict": dict}


class Replay:
    def __init__(self, graph: PipelineGraph, steps: list[Step]):
        from kfp import components, dsl

        self.dsl = dsl
        self.components = components
        self.graph = graph
        self.steps = steps
        self.tasks: dict[str, Any] = {}
        self.loop_items: dict[str, Any] = {}
        self.parameters: dict[str, Any] = {}
        self.loaded: dict[str, Any] = {}
        self.condition_ops: dict[str, list] = {}  # group id -> ConditionOperations of its own expression
        self.kfp_groups: dict[str, Any] = {}  # group id -> kfp's group (its name is final after compile)
        self._next_task_name = ""
        self.rewritten: set[str] = set()  # condition groups whose CEL `conditions_cel` writes

    # ----- the pipeline function -----------------------------------------------------------------

    def pipeline_function(self):
        from kfp.dsl import PipelineTaskFinalStatus

        annotations = {**_ANNOTATIONS, TASK_FINAL_STATUS: PipelineTaskFinalStatus}
        parameters = []
        for parameter in self.graph.parameters.values():
            annotation = annotations.get(parameter.type)
            if is_artifact(parameter.type):
                annotation = self.dsl.Input[self.artifact_class(parameter.type)]
            if annotation is None:
                raise CompileError(f"unsupported parameter type {parameter.type!r}", element=f"parameter {parameter.name}")
            default = parameter.default
            element = list_element_type(default) if parameter.type == "List" else None
            if element is not None:
                annotation = List[element]
            if default is None and parameter.optional:
                annotation = Optional[annotation]
            parameters.append(inspect.Parameter(parameter.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                                default=inspect.Parameter.empty if parameter.required else default,
                                                annotation=annotation))
        # kfp calls the function positionally; Python wants parameters without defaults first
        parameters.sort(key=lambda p: p.default is not inspect.Parameter.empty)
        names = [p.name for p in parameters]

        returns = self._return_annotation()

        def body(*args):
            self.parameters = dict(zip(names, args))
            self._hook_task_naming()
            self._run(self.steps)
            return self._returned(returns)

        body.__signature__ = inspect.Signature(parameters, return_annotation=returns or inspect.Signature.empty)
        body.__name__ = "pipeline"
        body.__doc__ = None
        from workbench.components.spec import k8s_name

        name = k8s_name(self.graph.name) or "pipeline"
        display = self.graph.name if self.graph.name != name else None
        return self.dsl.pipeline(name=name, description=self.graph.description or None, display_name=display,
                                 pipeline_root=self.graph.pipeline_root or None,
                                 pipeline_config=self._pipeline_config())(body)

    def _return_annotation(self) -> Any:
        """The pipeline function's return type: one output named `Output` is a plain return value,
        several are a NamedTuple (as kfp reads a pipeline's outputs)."""
        outputs = self.graph.outputs
        if not outputs:
            return None
        types = {name: self._output_type(name, binding) for name, binding in outputs.items()}
        if list(types) == ["Output"]:
            return types["Output"]
        return NamedTuple("Outputs", list(types.items()))

    def _output_type(self, name: str, binding: Binding) -> Any:
        part = binding.parts[0] if binding.kind == "one_of" and binding.parts else binding
        node = self.graph.nodes.get(part.node)
        port = self.graph.component_of(node.id).output(part.output) if node else None
        if port is None:
            raise CompileError(f"pipeline output {name!r} is not bound to a task output", element=self.graph.name)
        if port.is_artifact:
            artifact = self.artifact_class(port.type)
            return List[artifact] if binding.kind == "collected" else artifact
        return list if binding.kind == "collected" else _ANNOTATIONS[port.type]

    def _returned(self, returns: Any) -> Any:
        values = {name: self._value(b, f"pipeline output {name}") for name, b in self.graph.outputs.items()}
        if not values:
            return None
        return values["Output"] if list(values) == ["Output"] else returns(**values)

    def write_component_pipeline(self, key: str, out) -> None:
        """Write the pipeline kfp makes of one component compiled on its own (`to_pipeline_spec`,
        what `Compiler().compile(component)` writes for a component defined in Python)."""
        from kfp.compiler import pipeline_spec_builder
        from kfp.pipeline_spec import pipeline_spec_pb2

        component = self._component(key)
        pipeline_spec_builder.write_pipeline_spec_to_file(
            pipeline_spec=component.component_spec.to_pipeline_spec(), pipeline_description=component.description,
            platform_spec=pipeline_spec_pb2.PlatformSpec(), package_path=str(out))

    def artifact_class(self, type_name: str) -> type:
        """The dsl artifact class kfp writes as this schema title and version."""
        title, version = artifact_schema(type_name)
        return type("DocumentArtifact", (self.dsl.Artifact,), {"schema_title": title, "schema_version": version})

    def _pipeline_config(self):
        workspace = self.graph.workspace
        if not workspace:
            return None
        dsl = self.dsl
        kubernetes = dsl.KubernetesWorkspaceConfig(pvcSpecPatch=workspace.get("kubernetes", {}).get("pvcSpecPatch"))
        return dsl.PipelineConfig(workspace=dsl.WorkspaceConfig(size=workspace["size"], kubernetes=kubernetes))

    def _hook_task_naming(self) -> None:
        """Give each task its node's name: kfp derives names from the component, deduplicated in
        creation order, which would rename tasks of an imported pipeline."""
        from kfp.dsl import pipeline_context

        pipeline = pipeline_context.Pipeline.get_default_pipeline()
        original = pipeline.add_task

        def add_task(task, add_to_group):
            auto_name = original(task, add_to_group)
            wanted = self._next_task_name
            if wanted and wanted != auto_name and wanted not in pipeline.tasks:
                pipeline.tasks[wanted] = pipeline.tasks.pop(auto_name)
                return wanted
            return auto_name

        pipeline.add_task = add_task

    # ----- walking the plan ----------------------------------------------------------------------

    def _run(self, steps: list[Step]) -> None:
        for step in steps:
            if step.kind == "node":
                self._create_task(self.graph.nodes[step.id])
            else:
                self._enter_group(self.graph.groups[step.id], step.children)

    def _component(self, key: str):
        if key not in self.loaded:
            spec = self.graph.components[key]
            try:
                self.loaded[key] = self.components.load_component_from_text(spec.to_ir_text())
            except Exception as exc:
                raise CompileError(f"kfp cannot load component {spec.name!r}: {exc}", element=f"component {key}") from exc
        return self.loaded[key]

    def _value(self, binding: Binding, where: str) -> Any:
        if binding.kind == "constant":
            return binding.value
        if binding.kind == "parameter":
            if binding.parameter not in self.parameters:
                raise CompileError(f"pipeline parameter {binding.parameter!r} does not exist", element=where)
            return self.parameters[binding.parameter]
        if binding.kind == "one_of":
            return self.dsl.OneOf(*[self._value(part, where) for part in binding.parts])
        if binding.kind == "template":
            # kfp reads the channels' placeholders out of the text, as for an f-string
            return binding.fill([str(self._value(part, where)) for part in binding.parts])
        if binding.kind == "loop_item":
            item = self.loop_items.get(binding.loop)
            if item is None:
                raise CompileError("uses a loop item outside its loop", element=where)
            return getattr(item, binding.field) if binding.field else item
        task = self.tasks.get(binding.node)
        if task is None:
            raise CompileError("consumes a task that is not created before it (check group dependencies)", element=where)
        try:
            channel = task.outputs[binding.output]
        except KeyError:
            raise CompileError(f"upstream task has no output {binding.output!r}", element=where) from None
        return self.dsl.Collected(channel) if binding.kind == "collected" else channel

    def _create_task(self, node: Node) -> None:
        where = f"node {node.name}"
        spec = self.graph.components[node.component]
        arguments = {name: self._value(binding, f"{where} input {name}") for name, binding in node.inputs.items()
                     if binding.kind != "task_final_status"}
        self._next_task_name = node.name
        try:
            if spec.kind == "importer":
                task = self._importer_task(spec, arguments)
            else:
                task = self._component(node.component)(**arguments)
        except CompileError:
            raise
        except Exception as exc:  # kfp validates arguments with many exception types
            raise CompileError(str(exc), element=where) from exc
        finally:
            self._next_task_name = ""
        self._apply_options(task, node, where)
        if node.kubernetes is not None:
            from workbench.compiler.replay_kubernetes import apply_kubernetes

            apply_kubernetes(task, node.kubernetes, lambda binding: self._value(binding, f"{where} Kubernetes"), where)
        self.tasks[node.id] = task

    def _importer_task(self, spec, arguments: dict):
        importer = spec.implementation["importer"]
        schema = importer.get("typeSchema", {})
        artifact_class = self.artifact_class(f"{schema.get('schemaTitle', 'system.Artifact')}@"
                                             f"{schema.get('schemaVersion', '')}")
        uri = arguments.get("uri", importer.get("artifactUri", {}).get("constant", ""))
        metadata = importer_metadata(importer.get("metadata"), arguments)
        return self.dsl.importer(artifact_uri=uri, artifact_class=artifact_class,
                                 reimport=bool(importer.get("reimport", False)), metadata=metadata)

    def _apply_options(self, task, node: Node, where: str) -> None:
        options = node.options
        task.set_caching_options(options.caching, cache_key=options.cache_key or None)
        if node.display_name:
            task.set_display_name(node.display_name)
        retry = options.retry
        if retry.count:
            extra = {k: v for k, v in (("backoff_duration", retry.backoff_duration),
                                       ("backoff_factor", retry.backoff_factor),
                                       ("backoff_max_duration", retry.backoff_max_duration)) if v not in ("", None)}
            task.set_retry(num_retries=retry.count, **extra)
        resources = options.resources
        for name, setter in (("cpu_request", task.set_cpu_request), ("cpu_limit", task.set_cpu_limit),
                             ("memory_request", task.set_memory_request), ("memory_limit", task.set_memory_limit),
                             ("accelerator_type", task.set_accelerator_type),
                             ("accelerator_count", task.set_accelerator_limit)):
            if name in options.bound:
                setter(self._value(options.bound[name], f"{where} resource {name}"))
            elif getattr(resources, name):
                setter(getattr(resources, name))
        if "image" in options.bound:
            task.set_container_image(self._value(options.bound["image"], f"{where} image"))
        for name, value in sorted(options.env.items()):
            task.set_env_variable(name, value)
        if node.after:
            task.after(*[self.tasks[other] for other in node.after])
        if options.ignore_upstream_failure:
            task.ignore_upstream_failure()

    # ----- groups ----------------------------------------------------------------------------------

    def _enter_group(self, group: Group, children: list[Step]) -> None:
        dsl = self.dsl
        where = f"group {group.label}"
        if group.kind == "loop":
            items = self._value(group.items, where) if group.items else None
            context = dsl.ParallelFor(items, name=group.name or None, parallelism=group.parallelism or None)
            with context as item:
                self.loop_items[group.id] = item
                self._run(children)
        elif group.kind == "exit_handler":
            context = dsl.ExitHandler(self.tasks[group.exit_node], name=group.name or None)
            with context:
                self._run(children)
        else:
            context = self._condition_context(group, where)
            with context:
                self._run(children)
        self.kfp_groups[group.id] = context

    def _condition_context(self, group: Group, where: str):
        from kfp.dsl.pipeline_channel import ConditionOperation

        dsl = self.dsl
        if group.condition is None:
            context = dsl.Else(name=group.name or None)
            own: list = []
        else:
            terms = as_conjunction(group.condition) or [(c, False) for c in comparisons(group.condition)]
            own = [ConditionOperation(c.op, self._value(c.left, where), self._value(c.right, where), negate)
                   for c, negate in terms]
            self.condition_ops[group.id] = [
                ConditionOperation(c.op, self._value(c.left, where), self._value(c.right, where))
                for c in comparisons(group.condition)]
            context = (dsl.Elif if group.follows else dsl.If)(own[0], name=group.name or None)
        if self._chain_needs_rewrite(group):
            # wire every operand of the chain into this branch; `conditions_cel` writes the CEL
            previous = [op for g in self._chain_before(group) for op in self.condition_ops.get(g.id, [])]
            context.conditions = previous + self.condition_ops.get(group.id, [])
            self.rewritten.add(group.id)
        elif len(own) > 1:
            context.conditions = context.conditions[:-1] + own
        return context

    def _chain_before(self, group: Group) -> list[Group]:
        chain = []
        current = group
        while current.follows:
            current = self.graph.groups[current.follows]
            chain.insert(0, current)
        return chain

    def chain_of(self, group: Group) -> list[Group]:
        chain = self._chain_before(group) + [group]
        current = group
        while True:
            nxt = next((g for g in self.graph.groups.values() if g.kind == "condition" and g.follows == current.id), None)
            if nxt is None:
                return chain
            chain.append(nxt)
            current = nxt

    def _chain_needs_rewrite(self, group: Group) -> bool:
        """kfp negates only single comparisons of earlier branches; a chain with compound or
        or-ed conditions gets its CEL written by `conditions_cel`."""
        chain = self.chain_of(group)
        if len(chain) == 1 and group.condition is not None:
            return as_conjunction(group.condition) is None
        for index, branch in enumerate(chain):
            if branch.condition is None:
                continue
            terms = as_conjunction(branch.condition)
            if terms is None or (len(terms) > 1 and index < len(chain) - 1):
                return True
        return False

    def conditions_cel(self) -> dict[str, str]:
        """kfp group name -> the full CEL trigger condition of each rewritten branch."""
        from kfp.compiler.pipeline_spec_builder import _single_binary_operation_to_cel_condition as leaf_cel

        def render(expr, ops: list) -> str:
            from workbench.model.expressions import BoolOp, Comparison, Not

            if isinstance(expr, Comparison):
                return leaf_cel(ops.pop(0))
            if isinstance(expr, Not):
                return f"!({render(expr.operand, ops)})"
            joiner = " && " if expr.op == "and" else " || "
            parts = [render(e, ops) for e in expr.operands]
            return joiner.join(f"({p})" if isinstance(e, BoolOp) else p for e, p in zip(expr.operands, parts))

        result = {}
        for group_id in self.rewritten:
            group = self.graph.groups[group_id]
            terms = [f"!({render(g.condition, list(self.condition_ops[g.id]))})" for g in self._chain_before(group)]
            if group.condition is not None:
                own = render(group.condition, list(self.condition_ops[group.id]))
                terms.append(f"({own})" if terms and " || " in own else own)
            result[self.kfp_groups[group_id].name] = " && ".join(terms)
        return result


def importer_metadata(metadata: Any, arguments: dict) -> Any:
    """The importer's metadata with each `{{$.inputs.parameters['metadata-N']}}` back to the channel
    bound to that input, so kfp rebuilds the inputs (and the dependency on their producers). Dict
    entries go in the order of the inputs they use: kfp numbers the inputs as it meets them."""
    def rebuild(value: Any) -> Any:
        if isinstance(value, dict):
            return {rebuild(k): rebuild(v) for k, v in sorted(value.items(), key=metadata_entry_order)}
        if isinstance(value, list):
            return [rebuild(v) for v in value]
        if not isinstance(value, str):
            return value
        whole = INPUT_PLACEHOLDER.fullmatch(value)
        if whole and whole.group(1) in arguments:
            return arguments[whole.group(1)]
        return INPUT_PLACEHOLDER.sub(lambda m: str(arguments.get(m.group(1), m.group(0))), value)

    return rebuild(metadata)


def metadata_entry_order(item: tuple[Any, Any]) -> tuple:
    """Sort key of an importer metadata entry: the number of the first input it uses (kfp names
    them `metadata`, `metadata-2`, ... in the order it meets them)."""
    names = INPUT_PLACEHOLDER.findall(json.dumps(item))
    return min((_metadata_index(n) for n in names), default=(1 << 30,))


def _metadata_index(name: str) -> tuple:
    stem, _, number = name.rpartition("-")
    return (int(number),) if stem and number.isdigit() else (1,)
