"""One exact round trip check for pipelines compiled in the tests: import with nothing dropped, no
validation error, and compile back equivalent with the same platform-spec documents, directly and
through a saved `.wbp`."""

from __future__ import annotations

import yaml

from workbench.compiler.compile import compile_graph
from workbench.compiler.equivalence import equivalent
from workbench.compiler.importer import import_ir
from workbench.model import serialize
from workbench.model.validate import validate


def platform_documents(text: str) -> list:
    return list(yaml.safe_load_all(text))[1:]


def assert_exact_round_trip(original: str) -> None:
    result = import_ir(original)
    assert result.unrepresented == []
    assert [d for d in validate(result.graph) if d.severity == "error"] == []
    saved = serialize.loads(serialize.to_json(result.graph))
    for graph in (result.graph, saved):
        compiled = compile_graph(graph)
        assert equivalent(original, compiled) == []
        assert platform_documents(compiled) == platform_documents(original)
