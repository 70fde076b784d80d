"""The README.md of a bundle: what the pipeline does and how to run it, for someone without Workbench."""

from __future__ import annotations

import json

from workbench.model.document import PipelineGraph


def _cell(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text.replace("|", "\\|").replace("\n", " ")


def _parameters(graph: PipelineGraph) -> list[str]:
    if not graph.parameters:
        return ["This pipeline takes no parameters."]
    lines = ["| Name | Type | Default | Description |", "|---|---|---|---|"]
    for parameter in sorted(graph.parameters.values(), key=lambda p: p.name):
        default = "(required)" if parameter.required else _cell(parameter.default)
        lines.append(f"| `{parameter.name}` | {parameter.type} | {default} | {_cell(parameter.description)} |")
    return lines


def _components(graph: PipelineGraph, files: dict[str, dict[str, str]]) -> list[str]:
    lines = ["| Component | Kind | Image | Files |", "|---|---|---|---|"]
    for key in sorted(graph.components):
        spec = graph.components[key]
        listed = ", ".join(f"[{name}]({name})" for name in files[key].values())
        lines.append(f"| {_cell(spec.name)} | {spec.kind} | `{spec.image or '-'}` | {listed} |")
    return lines


def readme(graph: PipelineGraph, *, files: dict[str, dict[str, str]], picture: str | None) -> str:
    """`files` maps each component key to its bundle files ({"yaml": ..., "python": ...})."""
    figure = (f"![The pipeline graph]({picture})" if picture else
              "_No picture of the graph: rendering was not available when this bundle was exported._")
    lines = [
        f"# {graph.name}", "",
        graph.description or "_No description._", "",
        figure, "",
        "## Parameters", "",
        *_parameters(graph), "",
        "## Components", "",
        *_components(graph, files), "",
        "## Files", "",
        "- `pipeline.yaml`: the compiled pipeline (KFP v2 IR). Upload this zip, or that file, to a Kubeflow "
        "Pipelines server, or submit it with `kfp.Client().create_run_from_pipeline_package(...)`.",
        "- `pipeline.wbp`: the Pipeline Workbench document (open it in Workbench to edit).",
        "- `components/`: each component's KFP component YAML, and the source of Python components.",
        "- `manifest.json`: the sha256 of every file; `workbench import` checks them.", "",
        "## Use it", "",
        "```sh",
        "workbench import THIS.zip -o my-pipeline   # verifies the bundle and shows what it would run",
        "workbench run my-pipeline/pipeline.wbp",
        "```", "",
    ]
    return "\n".join(lines)
