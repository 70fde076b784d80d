"""`workbench export DOC -o NAME.zip` and `workbench library list|search|show|publish|get`.

`import_bundle_command` is what `workbench import NAME.zip -o DIR [--trust]` calls.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from workbench.errors import DocumentError

SCOPE_CHOICES = ("private", "team", "public")
KIND_CHOICES = ("component", "pipeline")


def _export(args: argparse.Namespace) -> int:
    from workbench.errors import WorkbenchError
    from workbench.share.bundle import export_bundle
    from workbench.share.trust import check_trusted

    if not Path(args.document).is_file():
        raise DocumentError("no such file", path=args.document)
    check_trusted(args.document)
    output = Path(args.output or Path(args.document).with_suffix(".zip"))
    try:
        export_bundle(args.document, output, render=not args.no_picture)
    except WorkbenchError as exc:
        raise type(exc)(exc.message, path=exc.path or args.document, element=exc.element) from exc
    print(f"exported {args.document} -> {output}")
    return 0


def import_bundle_command(source: str | Path, output: str | Path | None, *, trust: bool) -> int:
    """Unpack a bundle zip into `output` (default: beside the zip, named after it), print the review
    of everything it would run, and record the approval when `trust` is given. Returns the exit code."""
    from workbench.share.bundle import import_bundle
    from workbench.share.review import format_review

    source = Path(source)
    target = Path(output) if output else source.with_suffix("")
    result = import_bundle(source, target, trust=trust)
    print(format_review(result.bundle.review()))
    print()
    if result.already_imported:
        print(f"{source} is already imported in {result.folder} (open {result.document})")
    else:
        print(f"imported {source} -> {result.folder} (open {result.document})")
    if result.trusted:
        print(f"trusted: bundle {result.bundle.fingerprint[:12]} approved; its components may run")
    else:
        print(f"untrusted: nothing from it has run. After reading the review above, approve it with\n"
              f"  workbench trust {shlex.quote(str(result.folder))}", file=sys.stderr)
    return 0


def _library():
    from workbench.share.library import Library

    return Library.from_environment()


def _print_assets(assets) -> None:
    if not assets:
        print("no assets found")
    for asset in assets:
        versions = f" ({len(asset.versions)} versions)" if len(asset.versions) > 1 else ""
        description = asset.description.splitlines()[0] if asset.description else ""
        print(f"{asset.scope:8} {asset.asset_id:40} {asset.latest:10}{versions}  {description}")


def _list(args: argparse.Namespace) -> int:
    _print_assets(_library().search("", kind=args.kind, scope=args.scope))
    return 0


def _search(args: argparse.Namespace) -> int:
    _print_assets(_library().search(" ".join(args.text), kind=args.kind, scope=args.scope))
    return 0


def _ports(title: str, ports: list[dict]) -> list[str]:
    lines = [f"{title}:"] if ports else [f"{title}: none"]
    for port in ports:
        default = "" if port.get("default") is None else f" = {json.dumps(port['default'])}"
        note = f"  {port['description']}" if port.get("description") else ""
        lines.append(f"  {port['name']}: {port['type']}{default}{note}")
    return lines


def _show(args: argparse.Namespace) -> int:
    library = _library()
    item = library.get(args.asset, args.version, args.scope)
    meta = item.meta
    lines = [f"{meta['name']} ({meta['kind']}, {item.scope}) {item.asset_id}",
             f"version {item.version}; versions: {', '.join(library.versions(item.asset_id, item.scope))}",
             f"published by {meta.get('published_by')} at {meta.get('published_at')}",
             "", meta.get("description") or "(no description)", "",
             *_ports("inputs", meta.get("inputs", [])), *_ports("outputs", meta.get("outputs", [])),
             "", "example:", *("  " + line for line in item.example.splitlines()), "", f"file: {item.path}"]
    print("\n".join(lines))
    return 0


def _publish(args: argparse.Namespace) -> int:
    from workbench.share.trust import check_trusted

    if not Path(args.file).is_file():
        raise DocumentError("no such file", path=args.file)
    check_trusted(args.file)
    item = _library().publish(args.file, args.scope, args.version, name=args.name,
                                  description=args.description, example=args.example)
    print(f"published {args.file} as {item.asset_id} {item.version} in the {item.scope} library")
    return 0


def _get(args: argparse.Namespace) -> int:
    from workbench.atomic import write_atomic

    item = _library().get(args.asset, args.version, args.scope)
    default = Path(item.asset_id.split("/", 1)[1] + Path(item.meta["file"]).suffix)
    output = Path(args.output or default)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, item.path.read_bytes())
    print(f"wrote {item.asset_id} {item.version} ({item.scope}) -> {output}")
    return 0


def _asset_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("asset", help="the asset id, e.g. component/train-model (see `workbench library search`)")
    parser.add_argument("--version", help="the version (default: the newest)")
    parser.add_argument("--scope", choices=SCOPE_CHOICES, help="look only in this scope (default: private, team, "
                                                                "then public)")


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", choices=KIND_CHOICES, help="only components or only pipelines")
    parser.add_argument("--scope", choices=SCOPE_CHOICES, help="only this scope")


def register(subparsers) -> None:
    export = subparsers.add_parser("export", help="write a shareable bundle zip of a pipeline document",
                                   description="Write a reproducible bundle: pipeline.yaml (compiled, first, so "
                                               "Kubeflow Pipelines accepts the zip as it is), the document, "
                                               "component YAML and Python sources, a README and a manifest "
                                               "of sha256 hashes.")
    export.add_argument("document", help="the .wbp document")
    export.add_argument("-o", "--output", help="the .zip to write (default: beside the document)")
    export.add_argument("--no-picture", action="store_true", help="leave the graph picture out of the README")
    export.set_defaults(handler=_export)

    library = subparsers.add_parser("library", help="browse, publish and fetch shared components and pipelines",
                                    description="The component and pipeline library: Public (built-ins and "
                                                "catalogs in WORKBENCH_CATALOG_DIRS), Team (WORKBENCH_TEAM_DIR) "
                                                "and Private scopes.")
    actions = library.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    list_ = actions.add_parser("list", help="list assets", description="List assets, newest version of each.")
    _filters(list_)
    list_.set_defaults(handler=_list)

    search = actions.add_parser("search", help="search assets by words",
                                description="Find assets whose name, description, inputs, outputs or publisher "
                                            "contain every word.")
    search.add_argument("text", nargs="+", help="words to look for")
    _filters(search)
    search.set_defaults(handler=_search)

    show = actions.add_parser("show", help="show an asset's page",
                              description="Description, inputs and outputs with types, versions, publisher, "
                                          "example usage.")
    _asset_options(show)
    show.set_defaults(handler=_show)

    publish = actions.add_parser("publish", help="publish a component or pipeline as a new version",
                                 description="Publish a component (.yaml) or a pipeline (.wbp). Published "
                                             "versions never change; earlier versions stay available.")
    publish.add_argument("file", help="the component .yaml or pipeline .wbp")
    publish.add_argument("--scope", choices=("private", "team"), default="private", help="where (default: private)")
    publish.add_argument("--version", help="e.g. 1.2.0 (default: the newest + 1, or 1.0.0)")
    publish.add_argument("--name", help="the asset name (default: the component's or pipeline's name)")
    publish.add_argument("--description", help="replace the description")
    publish.add_argument("--example", help="example usage shown on the asset page")
    publish.set_defaults(handler=_publish)

    get = actions.add_parser("get", help="write an asset to a file",
                             description="Write a component as KFP component YAML or a pipeline as a .wbp.")
    _asset_options(get)
    get.add_argument("-o", "--output", help="the file to write (default: NAME.yaml or NAME.wbp here)")
    get.set_defaults(handler=_get)
