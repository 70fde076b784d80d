"""Reading what the user opens: a `.wbp` document, or a compiled KFP pipeline (IR YAML), which is
imported as a new, unsaved graph and laid out when it carries no positions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import DocumentError
from workbench.model import serialize
from workbench.model.document import PipelineGraph

IR_SUFFIXES = (".yaml", ".yml")


@dataclass
class OpenedFile:
    graph: PipelineGraph
    path: str | None  # where Save writes; None for an import (Save asks for a .wbp name)
    notes: list[str] = field(default_factory=list)  # what an import could not represent


def open_file(path: str | Path) -> OpenedFile:
    path = Path(path)
    if path.suffix.lower() not in IR_SUFFIXES:
        return OpenedFile(serialize.load(path), str(path))
    from workbench.compiler.importer import import_ir

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(f"cannot read the file ({exc})", path=str(path)) from None
    result = import_ir(text, path=str(path))
    graph = result.graph
    if graph.nodes and all(tuple(n.position) == (0.0, 0.0) for n in graph.nodes.values()):
        from workbench.compiler.layout import auto_layout

        auto_layout(graph)
    return OpenedFile(graph, None, [str(n) for n in result.unrepresented])


def read_document(path: str | Path) -> PipelineGraph:
    return open_file(path).graph
