"""Create components from what a user types: a Python function (lightweight component) or a
container image with a command line.

Python source is compiled without `inspect.getsource` on user code: kfp needs the function's
source, which `inspect` can only find in a file, so the text is written to a private temporary
module file and imported from there (this also works in a frozen app).
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import tempfile
import uuid
from pathlib import Path

import yaml

from workbench.components.loading import spec_from_ir
from workbench.components.spec import ComponentSpec, Port, PythonSource
from workbench.errors import ComponentError
from workbench.model.types import PARAMETER_TO_IR

DEFAULT_BASE_IMAGE = "python:3.11-slim"


def python_functions(source: str) -> list[str]:
    """Top-level function names in the source, for the editor's function picker."""
    return [node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]


def check_python_source(source: str) -> str | None:
    """A one-line syntax error with its line number, or None when the source parses."""
    try:
        ast.parse(source)
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    return None


def python_component(source: str, function_name: str | None = None, *, base_image: str = DEFAULT_BASE_IMAGE,
                     packages: list[str] | None = None, category: str = "") -> ComponentSpec:
    """Compile one function of `source` into a KFP lightweight Python component."""
    problem = check_python_source(source)
    if problem:
        raise ComponentError(f"Python syntax error at {problem}", element="source")
    names = python_functions(source)
    if not names:
        raise ComponentError("the source defines no function; write one `def` whose parameters are the inputs",
                             element="source")
    function_name = function_name or names[-1]
    if function_name not in names:
        raise ComponentError(f"no function named {function_name!r} (found: {', '.join(names)})", element="source")
    from workbench.compiler.kfp_lock import KFP_LOCK

    with KFP_LOCK, tempfile.TemporaryDirectory(prefix="wb-component-") as tmp:
        from kfp import compiler, dsl

        module_name = f"_workbench_component_{uuid.uuid4().hex}"
        module_path = Path(tmp) / f"{module_name}.py"
        module_path.write_text(source, encoding="utf-8")
        try:
            spec = importlib.util.spec_from_file_location(module_name, module_path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            spec.loader.exec_module(module)
            function = getattr(module, function_name)
            component = dsl.component(function, base_image=base_image, packages_to_install=packages or None)
            out = Path(tmp) / "component.yaml"
            compiler.Compiler().compile(component, str(out))
        except ComponentError:
            raise
        except Exception as exc:  # user code and kfp's type checks raise anything
            raise ComponentError(f"{type(exc).__name__}: {exc}", element=f"function {function_name}") from exc
        finally:
            sys.modules.pop(module_name, None)
        document = yaml.safe_load(out.read_text())
    result = spec_from_ir(document, where=f"function {function_name}")
    result.python = PythonSource(source=source, function_name=function_name, base_image=base_image,
                                 packages=list(packages or []))
    result.category = category
    return result


def input_value(name: str) -> str:
    return f"{{{{$.inputs.parameters['{name}']}}}}"


def input_path(name: str) -> str:
    return f"{{{{$.inputs.artifacts['{name}'].path}}}}"


def output_parameter_path(name: str) -> str:
    return f"{{{{$.outputs.parameters['{name}'].output_file}}}}"


def output_path(name: str) -> str:
    return f"{{{{$.outputs.artifacts['{name}'].path}}}}"


def placeholders_for(inputs: list[Port], outputs: list[Port]) -> list[tuple[str, str]]:
    """(label, placeholder) pairs the container editor offers for its command line."""
    choices = []
    for port in inputs:
        placeholder = input_path(port.name) if port.is_artifact else input_value(port.name)
        choices.append((f"input {port.name} ({port.type})", placeholder))
    for port in outputs:
        placeholder = output_path(port.name) if port.is_artifact else output_parameter_path(port.name)
        choices.append((f"output {port.name} ({port.type})", placeholder))
    return choices


def _definitions(ports: list[Port]) -> dict:
    parameters, artifacts = {}, {}
    for port in ports:
        if port.is_artifact:
            entry = {"artifactType": {"schemaTitle": port.type, "schemaVersion": "0.0.1"}}
            if port.optional:
                entry["isOptional"] = True
            artifacts[port.name] = entry
        else:
            entry = {"parameterType": PARAMETER_TO_IR[port.type]}
            if port.default is not None:
                entry["defaultValue"] = port.default
            if port.optional or port.default is not None:
                entry["isOptional"] = True
            parameters[port.name] = entry
        if port.description:
            entry["description"] = port.description
    return {k: v for k, v in (("artifacts", artifacts), ("parameters", parameters)) if v}


def container_component(name: str, image: str, command: list[str], args: list[str], *,
                        inputs: list[Port] = (), outputs: list[Port] = (), description: str = "",
                        category: str = "") -> ComponentSpec:
    """A container component; command and args may hold the placeholders above."""
    if not image.strip():
        raise ComponentError("a container component needs an image", element=name)
    known = {p.name for p in inputs} | {p.name for p in outputs}
    for part in [*command, *args]:
        for ref in _referenced_ports(part):
            if ref not in known:
                raise ComponentError(f"placeholder refers to {ref!r}, which is not an input or output", element=name)
    container = {"image": image.strip()}
    if command:
        container["command"] = list(command)
    if args:
        container["args"] = list(args)
    spec = ComponentSpec(name=name, implementation={"container": container}, input_definitions=_definitions(list(inputs)),
                         output_definitions=_definitions(list(outputs)), description=description, category=category)
    spec.check(name)
    return spec


def _referenced_ports(text: str) -> list[str]:
    import re

    return re.findall(r"\{\{\$\.(?:inputs|outputs)\.(?:parameters|artifacts)\['([^']+)'\]", text)
