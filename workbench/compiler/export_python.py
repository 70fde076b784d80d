"""Document -> readable kfp DSL code, so a canvas design can go to code review.

Python components are written back as `@dsl.component` functions (from the source the user typed,
or recovered from the compiled command); other components are loaded from their IR text. Tasks
are created in the compiler's plan order, so kfp names them as the compiler does.
"""

from __future__ import annotations

import keyword
import re

from workbench.compiler.compile import compile_graph, lone_component
from workbench.compiler.ir_load import INPUT_PLACEHOLDER
from workbench.compiler.plan import Step, plan
from workbench.components.spec import ComponentSpec, k8s_name
from workbench.errors import CompileError
from workbench.model.bindings import Binding
from workbench.model.document import PipelineGraph
from workbench.model.expressions import Comparison, Not
from workbench.model.types import artifact_schema, is_artifact, list_element_type

_KFP_SOURCE_HEADER = "\nimport kfp\nfrom kfp import dsl\nfrom kfp.dsl import *\nfrom typing import *\n\n"
_ANNOTATIONS = {"String": "str", "Integer": "int", "Float": "float", "Boolean": "bool", "List": "list", "Dict": "dict",
                "PipelineTaskFinalStatus": "dsl.PipelineTaskFinalStatus"}


def identifier(name: str) -> str:
    text = re.sub(r"\W+", "_", name).strip("_") or "step"
    text = f"_{text}" if text[0].isdigit() else text
    return f"{text}_" if keyword.iskeyword(text) else text


def _pins_this_kfp(spec: ComponentSpec) -> bool:
    """A Python component compiled by another kfp release would get this release's command when
    its function is compiled again: keep such components as their compiled YAML instead."""
    from importlib.metadata import version

    command = " ".join(c for c in spec.container.get("command", []) if isinstance(c, str))
    pinned = re.search(r"'kfp==([^']+)'", command)
    return spec.python is not None or (pinned is not None and pinned.group(1) == version("kfp"))


def python_source_of(spec: ComponentSpec) -> tuple[str, list[str]] | None:
    """(function source, packages) of a lightweight Python component, or None."""
    if spec.python is not None:
        return spec.python.source, list(spec.python.packages)
    command = spec.container.get("command", [])
    source = next((c for c in command if isinstance(c, str) and c.startswith(_KFP_SOURCE_HEADER)), None)
    if source is None:
        return None
    packages = []
    for script in (c for c in command if isinstance(c, str) and "pip install" in c):
        for segment in script.split("&&"):
            if "pip install" in segment and "kfp==" not in segment:
                packages += re.findall(r"'([^']+)'", segment)
    return source[len(_KFP_SOURCE_HEADER):].strip() + "\n", [p for p in packages if not p.startswith("-")]


def _text_literal(text: str) -> str:
    """A readable multi-line raw literal when the text allows one (YAML keeps its backslashes)."""
    body = text.rstrip()
    if "'''" in body or body.endswith("\\"):
        return repr(text)
    return f"r'''\n{body}\n'''"


_SYSTEM_CLASSES = ("Artifact", "Dataset", "Model", "Metrics", "ClassificationMetrics", "SlicedClassificationMetrics",
                   "HTML", "Markdown")
KUBERNETES_HELPER = '''
def kubernetes_config(task, config, references=()):
    """Give a task its kfp-kubernetes settings: `config` is the KubernetesExecutorConfig JSON,
    `references` (path, channel) pairs for names taken from parameters or upstream outputs."""
    from google.protobuf import json_format
    from kfp.kubernetes import common

    for path, channel in references:
        site = config
        for key in path:
            site = site[key]
        site.update(json_format.MessageToDict(common.parse_k8s_parameter_input(channel, task)))
    task.platform_config["kubernetes"] = config
'''


def artifact_class_code(type_name: str) -> str:
    """`dsl.Dataset` for kfp's own types; an Artifact subclass with the schema title otherwise."""
    title, version = artifact_schema(type_name)
    name = title.removeprefix("system.")
    if title.startswith("system.") and name in _SYSTEM_CLASSES and version == "0.0.1":
        return f"dsl.{name}"
    return f"type({name.split('.')[-1]!r}, (dsl.Artifact,), {{'schema_title': {title!r}, 'schema_version': {version!r}}})"


def _metadata_code(value, arguments: dict[str, str]) -> str:
    """Importer metadata as code: `{{$.inputs.parameters['metadata']}}` becomes the bound channel."""
    from workbench.compiler.replay import metadata_entry_order

    if isinstance(value, dict):
        return "{" + ", ".join(f"{_metadata_code(k, arguments)}: {_metadata_code(v, arguments)}"
                               for k, v in sorted(value.items(), key=metadata_entry_order)) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_metadata_code(v, arguments) for v in value) + "]"
    if not isinstance(value, str):
        return repr(value)
    whole = INPUT_PLACEHOLDER.fullmatch(value)
    if whole and whole.group(1) in arguments:
        return arguments[whole.group(1)]
    pieces, position = [], 0
    for match in INPUT_PLACEHOLDER.finditer(value):
        if match.group(1) in arguments:
            pieces += [repr(value[position:match.start()]), f"str({arguments[match.group(1)]})"]
            position = match.end()
    pieces.append(repr(value[position:]))
    return " + ".join(p for p in pieces if p != "''") if position else repr(value)


def _template_code(value, args: list[str]) -> str:
    """Python for a template: strings with slots become `'...'.format(channels)`, as kfp f-strings."""
    if isinstance(value, str):
        return f"{value!r}.format({', '.join(args)})" if re.search(r"\{\d+\}", value) else repr(value.format())
    if isinstance(value, list):
        return "[" + ", ".join(_template_code(v, args) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_template_code(v, args)}" for k, v in value.items()) + "}"
    return repr(value)


class _Writer:
    def __init__(self, graph: PipelineGraph):
        self.graph = graph
        self.lines: list[str] = []
        self.task_vars: dict[str, str] = {}
        self.loop_vars: dict[str, str] = {}
        self.component_vars: dict[str, str] = {}

    def component_definitions(self) -> list[str]:
        out = []
        for key, spec in sorted(self.graph.components.items()):
            taken = set(self.component_vars.values())
            var = identifier(spec.name if spec.kind != "importer" else key)
            while var in taken:  # one function placed with different images, say: one variable each
                var += "_"
            recovered = python_source_of(spec) if spec.kind == "container" and _pins_this_kfp(spec) else None
            if recovered:
                source, packages = recovered
                function = re.search(r"^def (\w+)\(", source, re.M)
                if function and function.group(1) not in taken:
                    var = function.group(1)
                    args = [f"base_image={spec.image!r}"] + ([f"packages_to_install={packages!r}"] if packages else [])
                    out += [f"@dsl.component({', '.join(args)})", source.rstrip(), "", ""]
                    self.component_vars[key] = var
                    continue
            if spec.kind == "importer":
                self.component_vars[key] = "importer"
                continue
            out += [f"{var} = components.load_component_from_text({_text_literal(spec.to_ir_text())})", "", ""]
            self.component_vars[key] = var
        return out

    def value(self, binding: Binding) -> str:
        if binding.kind == "constant":
            return repr(binding.value)
        if binding.kind == "parameter":
            return identifier(binding.parameter)
        if binding.kind == "one_of":
            return f"dsl.OneOf({', '.join(self.value(part) for part in binding.parts)})"
        if binding.kind == "template":
            return _template_code(binding.value, [self.value(part) for part in binding.parts])
        if binding.kind == "loop_item":
            item = self.loop_vars[binding.loop]
            return f"{item}.{binding.field}" if binding.field else item
        channel = f"{self.task_vars[binding.node]}.outputs[{binding.output!r}]"
        return f"dsl.Collected({channel})" if binding.kind == "collected" else channel

    def condition(self, expr) -> str:
        if isinstance(expr, Comparison):
            return f"{self.value(expr.left)} {expr.op} {self.value(expr.right)}"
        if isinstance(expr, Not) and isinstance(expr.operand, Comparison):
            from workbench.model.expressions import NEGATED_OPERATOR

            inner = expr.operand
            return f"{self.value(inner.left)} {NEGATED_OPERATOR[inner.op]} {self.value(inner.right)}"
        raise CompileError("kfp DSL spells only single comparisons in dsl.If; this condition "
                           f"({type(expr).__name__}) compiles, but cannot be exported as DSL code")

    def steps(self, steps: list[Step], indent: int) -> None:
        pad = "    " * indent
        for step in steps:
            if step.kind == "node":
                self.task(step.id, pad)
                continue
            group = self.graph.groups[step.id]
            name = f"name={group.name!r}" if group.name else ""  # the frame's name, as the IR's taskInfo.name
            if group.kind == "loop":
                item = f"item{len(self.loop_vars) or ''}"
                self.loop_vars[group.id] = item
                limit = f", parallelism={group.parallelism}" if group.parallelism else ""
                self.lines.append(f"{pad}with dsl.ParallelFor({self.value(group.items)}{limit}"
                                  f"{', ' + name if name else ''}) as {item}:")
            elif group.kind == "exit_handler":
                self.lines.append(f"{pad}with dsl.ExitHandler({self.task_vars[group.exit_node]}"
                                  f"{', ' + name if name else ''}):")
            elif group.condition is None:
                self.lines.append(f"{pad}with dsl.Else({name}):")
            else:
                keyword_ = "Elif" if group.follows else "If"
                self.lines.append(f"{pad}with dsl.{keyword_}({self.condition(group.condition)}"
                                  f"{', ' + name if name else ''}):")
            if not step.children:
                self.lines.append(f"{pad}    pass")
            self.steps(step.children, indent + 1)

    def returned(self) -> list[str]:
        outputs = self.graph.outputs
        if not outputs:
            return []
        if list(outputs) == ["Output"]:
            return [f"    return {self.value(outputs['Output'])}"]
        values = ", ".join(f"{name}={self.value(b)}" for name, b in outputs.items())
        return [f"    return NamedTuple('Outputs', [{', '.join(f'({n!r}, {_output_type_code(self.graph, b)})' for n, b in outputs.items())}])({values})"]

    def task(self, node_id: str, pad: str) -> None:
        node = self.graph.nodes[node_id]
        spec = self.graph.components[node.component]
        var = identifier(node.name) + "_task"
        self.task_vars[node.id] = var
        args = [f"{name}={self.value(b)}" for name, b in sorted(node.inputs.items()) if b.kind != "task_final_status"]
        if spec.kind == "importer":
            importer = spec.implementation["importer"]
            schema = importer.get("typeSchema", {})
            type_name = f"{schema.get('schemaTitle', 'system.Artifact')}@{schema.get('schemaVersion', '')}"
            args = [f"artifact_uri={self.value(node.inputs['uri']) if 'uri' in node.inputs else repr(importer.get('artifactUri', {}).get('constant', ''))}",
                    f"artifact_class={artifact_class_code(type_name)}",
                    f"reimport={bool(importer.get('reimport', False))}"]
            if importer.get("metadata") is not None:
                channels = {name: self.value(b) for name, b in node.inputs.items() if name != "uri"}
                args.append(f"metadata={_metadata_code(importer['metadata'], channels)}")
        self.lines.append(f"{pad}{var} = {self.component_vars[node.component]}({', '.join(args)})")
        expected = k8s_name(spec.name)
        if node.name != expected and not re.fullmatch(rf"{re.escape(expected)}-\d+", node.name):
            self.lines.append(f"{pad}# Workbench names this task {node.name!r}; kfp derives the name from the component")
        options = node.options
        calls = [f"set_caching_options({options.caching}"
                 + (f", cache_key={options.cache_key!r})" if options.cache_key else ")")]
        if node.display_name:
            calls.append(f"set_display_name({node.display_name!r})")
        if options.retry.count:
            calls.append(f"set_retry(num_retries={options.retry.count})")
        resources = options.resources
        for name, method in (("cpu_request", "set_cpu_request"), ("cpu_limit", "set_cpu_limit"),
                             ("memory_request", "set_memory_request"), ("memory_limit", "set_memory_limit"),
                             ("accelerator_type", "set_accelerator_type"),
                             ("accelerator_count", "set_accelerator_limit")):
            if name in options.bound:
                calls.append(f"{method}({self.value(options.bound[name])})")
            elif getattr(resources, name):
                calls.append(f"{method}({getattr(resources, name)!r})")
        if "image" in options.bound:
            calls.append(f"set_container_image({self.value(options.bound['image'])})")
        calls += [f"set_env_variable({k!r}, {v!r})" for k, v in sorted(options.env.items())]
        if node.after:
            calls.append(f"after({', '.join(self.task_vars[a] for a in node.after)})")
        if options.ignore_upstream_failure:
            calls.append("ignore_upstream_failure()")
        self.lines += [f"{pad}{var}.{call}" for call in calls]
        if node.kubernetes is not None:
            references = ", ".join(f"({list(path)!r}, {self.value(b)})" for path, b in node.kubernetes.references.items())
            extra = f", [{references}]" if references else ""
            self.lines.append(f"{pad}kubernetes_config({var}, {node.kubernetes.config!r}{extra})")


def _output_type_code(graph: PipelineGraph, binding: Binding) -> str:
    part = binding.parts[0] if binding.kind == "one_of" and binding.parts else binding
    port = graph.component_of(part.node).output(part.output) if part.node in graph.nodes else None
    if port is None:
        raise CompileError("a pipeline output is not bound to a task output", element=graph.name)
    if port.is_artifact:
        artifact = artifact_class_code(port.type)
        return f"List[{artifact}]" if binding.kind == "collected" else artifact
    return "list" if binding.kind == "collected" else _ANNOTATIONS[port.type]


def _returns_code(graph: PipelineGraph) -> str:
    """The return annotation: one output named `Output` is a plain value, several a NamedTuple."""
    types = {name: _output_type_code(graph, b) for name, b in graph.outputs.items()}
    if not types:
        return ""
    if list(types) == ["Output"]:
        return f" -> {types['Output']}"
    return f" -> NamedTuple('Outputs', [{', '.join(f'({n!r}, {t})' for n, t in types.items())}])"


_MAIN = ["", "", 'if __name__ == "__main__":', '    compiler.Compiler().compile(pipeline, "pipeline.yaml")', ""]


def export_python(graph: PipelineGraph) -> str:
    writer = _Writer(graph)
    steps = plan(graph)
    header = [f'"""{graph.name}: {graph.description}"""' if graph.description else f'"""{graph.name}"""', "",
              "# Generated by Pipeline Workbench. Run `python this_file.py` to compile pipeline.yaml.",
              "from typing import *", "", "from kfp import compiler, components, dsl",
              "from kfp.dsl import *", "", ""]
    if lone_component(graph):
        # a PipelineTaskFinalStatus input cannot be passed by a `@dsl.pipeline` function: the
        # component compiled on its own is the pipeline, as kfp loads a compiled component
        body = ["# One component compiled on its own (its PipelineTaskFinalStatus input is the pipeline's).",
                f"pipeline = components.load_component_from_text({_text_literal(compile_graph(graph))})"]
        return "\n".join(header + body + _MAIN)
    body = writer.component_definitions()
    if any(node.kubernetes is not None for node in graph.nodes.values()):
        body += KUBERNETES_HELPER.strip("\n").splitlines() + ["", ""]
    signature = []
    for parameter in sorted(graph.parameters.values(), key=lambda p: not p.required):  # required first
        element = list_element_type(parameter.default) if parameter.type == "List" else None
        if is_artifact(parameter.type):
            annotation = f"Input[{artifact_class_code(parameter.type)}]"
        else:
            annotation = f"List[{element.__name__}]" if element else _ANNOTATIONS[parameter.type]
        default = "" if parameter.required else f" = {parameter.default!r}"
        signature.append(f"{identifier(parameter.name)}: {annotation}{default}")
    description = f", description={graph.description!r}" if graph.description else ""
    if graph.pipeline_root:
        description += f", pipeline_root={graph.pipeline_root!r}"
    if graph.workspace:
        patch = graph.workspace.get("kubernetes", {}).get("pvcSpecPatch")
        description += (f",\n              pipeline_config=dsl.PipelineConfig(workspace=dsl.WorkspaceConfig("
                        f"size={graph.workspace['size']!r}, kubernetes=dsl.KubernetesWorkspaceConfig(pvcSpecPatch={patch!r})))")
    body += [f"@dsl.pipeline(name={k8s_name(graph.name) or 'pipeline'!r}{description})",
             f"def pipeline({', '.join(signature)}){_returns_code(graph)}:"]
    writer.steps(steps, 1)
    body += writer.lines or ["    pass"]
    body += writer.returned()
    return "\n".join(header + body + _MAIN)
