"""Every pipeline of the KFP corpus imports into a document that validates (or whose remaining
problems are ones the importer reported), and saves and reloads as .wbp unchanged."""

from __future__ import annotations

import pytest
from corpus import corpus_files

from workbench.compiler.importer import import_ir
from workbench.model.serialize import load, save, to_dict
from workbench.model.validate import validate


def _unexplained_errors(result) -> list[str]:
    graph = result.graph
    problems = []
    for diagnostic in validate(graph):
        if diagnostic.severity != "error":
            continue
        node = graph.nodes.get(diagnostic.element)
        if node is None or not any(u.startswith(f"task {node.name!r}") for u in result.unrepresented):
            problems.append(diagnostic.format(graph))
    return problems


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem)
def test_corpus_file_imports_validates_and_saves(path, corpus_dir, tmp_path):
    result = import_ir(path.read_text(encoding="utf-8"), path=str(path))
    graph = result.graph
    assert graph.nodes, "no task was imported"
    assert _unexplained_errors(result) == []
    assert all(u.split(": ", 1)[0].startswith(("task '", "pipeline", "condition", "loop", "exit handler"))
               for u in result.unrepresented), result.unrepresented
    target = tmp_path / f"{path.stem}.wbp"
    save(graph, target)
    assert to_dict(load(target)) == to_dict(graph)


def test_the_whole_corpus_is_there(corpus_dir):
    assert len(corpus_files()) == 89
