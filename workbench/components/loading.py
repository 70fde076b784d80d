"""Read components from KFP YAML: v2 component IR (parsed directly, no kfp import) and v1
`component.yaml` (converted through kfp, imported on first use)."""

from __future__ import annotations

from pathlib import Path

import yaml

from workbench.components.spec import ComponentSpec, k8s_name
from workbench.errors import ComponentError

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader


def spec_from_ir(document: dict, *, where: str) -> ComponentSpec:
    """A ComponentSpec from a compiled component (one executor) or a compiled pipeline (a graph)."""
    try:
        name = document["pipelineInfo"]["name"]
        components = document.get("components", {})
        executors = document.get("deploymentSpec", {}).get("executors", {})
        key = f"comp-{k8s_name(name)}"
        description = document["pipelineInfo"].get("description", "")
        single = components.get(key)
        if single is not None and len(components) == 1 and "executorLabel" in single:
            executor = executors[single["executorLabel"]]
            return ComponentSpec(name=name, implementation=executor,
                                 input_definitions=single.get("inputDefinitions", {}),
                                 output_definitions=single.get("outputDefinitions", {}),
                                 description=description or _docstring(executor))
        root = document["root"]
        return ComponentSpec(name=name, implementation={"graph": document},
                             input_definitions=root.get("inputDefinitions", {}),
                             output_definitions=root.get("outputDefinitions", {}), description=description)
    except (KeyError, TypeError) as exc:
        raise ComponentError(f"not a compiled KFP component: missing {exc}", element=where) from exc


def _docstring(executor: dict) -> str:
    """kfp keeps a Python component's docstring only inside its source; show its first line."""
    import ast

    for text in executor.get("container", {}).get("command", []):
        if "def " in text and "import kfp" in text:
            try:
                tree = ast.parse(text)
            except SyntaxError:
                return ""
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef) and ast.get_docstring(node):
                    return ast.get_docstring(node).strip().splitlines()[0]
    return ""


def load_component_text(text: str, *, where: str) -> ComponentSpec:
    try:
        documents = [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]
    except yaml.YAMLError as exc:
        raise ComponentError(f"not valid YAML ({exc.__class__.__name__}: {getattr(exc, 'problem', exc)})",
                             element=where) from exc
    if not documents or not isinstance(documents[0], dict):
        raise ComponentError("empty or not a mapping; expected a KFP component", element=where)
    document = documents[0]
    if "pipelineInfo" in document:
        return spec_from_ir(document, where=where)
    if "implementation" in document:
        return _from_v1(text, where=where)
    raise ComponentError("neither a KFP v2 component (pipelineInfo, deploymentSpec) nor a v1 component.yaml "
                         "(name, inputs, implementation)", element=where)


def _from_v1(text: str, *, where: str) -> ComponentSpec:
    """kfp converts v1 `component.yaml` to v2; compile it to IR and read that back."""
    import tempfile

    from workbench.compiler.kfp_lock import KFP_LOCK

    with KFP_LOCK:
        from kfp import compiler, components

        try:
            component = components.load_component_from_text(text)
        except Exception as exc:  # kfp raises many types for bad specs
            raise ComponentError(f"invalid v1 component: {exc}", element=where) from exc
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "component.yaml"
            compiler.Compiler().compile(component, str(out))
            document = yaml.load(out.read_text(), Loader=_Loader)
    spec = spec_from_ir(document, where=where)
    spec.check(where)
    return spec


def load_component_file(path: str | Path) -> ComponentSpec:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ComponentError(f"cannot read the file ({exc})", path=str(path)) from None
    try:
        spec = load_component_text(text, where="component")
        spec.check("component")
    except ComponentError as exc:
        raise ComponentError(exc.message, path=str(path), element=exc.element) from None
    return spec
