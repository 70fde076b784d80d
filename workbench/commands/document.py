"""`workbench validate | compile | import | export-python`: the document commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.atomic import write_atomic
from workbench.errors import DocumentError, WorkbenchError


def _load_document(path: str):
    from workbench.model.serialize import load

    if not Path(path).exists():
        raise DocumentError("no such file", path=path)
    return load(path)


def _validate(args: argparse.Namespace) -> int:
    from workbench.model.validate import validate

    graph = _load_document(args.document)
    diagnostics = validate(graph)
    for diagnostic in diagnostics:
        print(f"{args.document}: {diagnostic.format(graph)}")
    errors = sum(d.severity == "error" for d in diagnostics)
    if errors:
        print(f"{args.document}: {errors} error(s)", file=sys.stderr)
        return 1
    print(f"{args.document}: valid ({len(graph.nodes)} tasks, {len(graph.groups)} groups)")
    return 0


def _write_derived(args: argparse.Namespace, produce, suffix: str, verb: str) -> int:
    """Load the document, turn it into text with `produce`, write that atomically beside it or
    to `-o`; errors name the document."""
    graph = _load_document(args.document)
    try:
        text = produce(graph)
    except WorkbenchError as exc:
        raise type(exc)(exc.message, path=args.document, element=exc.element) from exc
    output = Path(args.output or Path(args.document).with_suffix(suffix))
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, text)
    print(f"{verb} {args.document} -> {output}")
    return 0


def _compile(args: argparse.Namespace) -> int:
    from workbench.compiler.compile import compile_graph

    return _write_derived(args, compile_graph, ".yaml", "compiled")


def _import(args: argparse.Namespace) -> int:
    from workbench.compiler.importer import import_ir
    from workbench.model.serialize import EXTENSION, save

    if args.pipeline.lower().endswith(".zip"):
        from workbench.commands.share import import_bundle_command

        return import_bundle_command(args.pipeline, args.output, trust=args.trust)
    source = Path(args.pipeline)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(f"cannot read the file ({exc})", path=str(source)) from None
    result = import_ir(text, path=str(source))
    output = Path(args.output or source.with_suffix(EXTENSION))
    save(result.graph, output)
    for item in result.unrepresented:
        print(f"{source}: not represented: {item}", file=sys.stderr)
    print(f"imported {source} -> {output} ({len(result.graph.nodes)} tasks, {len(result.graph.groups)} groups)")
    return 0


def _export_python(args: argparse.Namespace) -> int:
    from workbench.compiler.export_python import export_python

    return _write_derived(args, export_python, ".py", "exported")


def register(subparsers) -> None:
    validate = subparsers.add_parser("validate", help="check a pipeline document and list its problems",
                                     description="Check a .wbp document: cycles, types, missing inputs, groups.")
    validate.add_argument("document", help="the .wbp document")
    validate.set_defaults(handler=_validate)

    compile_ = subparsers.add_parser("compile", help="compile a document to KFP v2 IR YAML",
                                     description="Compile a .wbp document with the kfp SDK compiler to the "
                                                 "pipeline spec Vertex AI and Kubeflow accept.")
    compile_.add_argument("document", help="the .wbp document")
    compile_.add_argument("-o", "--output", help="where to write the YAML (default: beside the document)")
    compile_.set_defaults(handler=_compile)

    import_ = subparsers.add_parser("import", help="import a compiled KFP pipeline YAML or a bundle zip",
                                    description="Turn any compiled KFP v2 pipeline (IR YAML) into an editable "
                                                ".wbp document with an automatic layout, or verify and unpack a "
                                                "shared bundle (.zip) into a folder.")
    import_.add_argument("pipeline", help="the pipeline YAML, or a bundle .zip")
    import_.add_argument("-o", "--output", help="the .wbp to write (default: beside the YAML); for a bundle, "
                                                "the new or empty folder to unpack into")
    import_.add_argument("--trust", action="store_true",
                         help="for a bundle: approve what it runs, after reading the review it prints")
    import_.set_defaults(handler=_import)

    export = subparsers.add_parser("export-python", help="write the document as kfp DSL Python code",
                                   description="Write readable kfp DSL code that compiles to the same pipeline.")
    export.add_argument("document", help="the .wbp document")
    export.add_argument("-o", "--output", help="the .py to write (default: beside the document)")
    export.set_defaults(handler=_export_python)
