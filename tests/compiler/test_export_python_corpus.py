"""Python export over the KFP corpus: import a compiled pipeline, export it as kfp DSL code, run
that code with kfp's compiler, and compare with the original (the round-trip description)."""

from __future__ import annotations

from corpus import tally

from workbench.compiler.equivalence import equivalent
from workbench.compiler.export_python import export_python
from workbench.compiler.importer import import_ir
from workbench.compiler.kfp_lock import KFP_LOCK
from workbench.errors import WorkbenchError

# Measured with this tree; raise it as causes are fixed, never lower it.
EXPORT_FLOOR = 84


def exported_differences(text: str, tmp_path) -> list[str]:
    try:
        code = export_python(import_ir(text).graph)
    except WorkbenchError as exc:
        return [f"export: {exc.message}"]
    namespace = {"__name__": "exported_pipeline"}
    out = tmp_path / "pipeline.yaml"
    try:
        with KFP_LOCK:
            exec(compile(code, "pipeline.py", "exec", dont_inherit=True), namespace)  # our own generated code, as a user would run it
            from kfp import compiler

            compiler.Compiler().compile(namespace["pipeline"], str(out))
    except Exception as exc:  # the generated code is what is under test
        return [f"{type(exc).__name__}: {exc}"]
    return equivalent(text, out.read_text())


def test_corpus_exports_to_equivalent_python(corpus_dir, tmp_path_factory, capsys):
    with capsys.disabled():
        passed = tally(lambda path: exported_differences(path.read_text(), tmp_path_factory.mktemp(path.stem)),
                       "export to Python that compiles back equivalent")
    assert passed >= EXPORT_FLOOR
