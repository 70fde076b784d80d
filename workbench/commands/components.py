"""`workbench components list [--search TEXT]`: every component the library offers, one per line
(name, category, scope, source): the built-ins and Google Cloud components (Public), the user's
components folder (Private) and the components published to the library's folders."""

from __future__ import annotations

import argparse
from dataclasses import dataclass


@dataclass(frozen=True)
class ComponentRow:
    name: str
    category: str
    scope: str
    source: str

    def matches(self, words: list[str], description: str) -> bool:
        haystack = f"{self.name} {self.category} {self.scope} {self.source} {description}".lower()
        return all(word in haystack for word in words)


def register(subparsers: argparse._SubParsersAction) -> None:
    components = subparsers.add_parser("components", help="the components of the library")
    actions = components.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="name, category, scope and source of every component")
    listing.add_argument("--search", default="", metavar="TEXT",
                         help="only components whose name, category, source or description hold every word")
    listing.set_defaults(handler=_list)


def library_rows() -> list[tuple[ComponentRow, str]]:
    """(row, description) of every component, built-ins first."""
    from workbench.components.google_cloud import CATEGORY, google_cloud_components, installed_version
    from workbench.components.library import builtin_components, scan_folder
    from workbench.runs.paths import data_dir
    from workbench.share.library import PUBLIC, PRIVATE, FolderStore, Library

    rows = [(ComponentRow(e.spec.name, e.category, PUBLIC, str(e.path)), e.spec.description)
            for e in builtin_components()]
    rows += [(ComponentRow(spec.name, CATEGORY, PUBLIC, f"google-cloud-pipeline-components {installed_version()}"),
              spec.description) for _, spec in google_cloud_components()]
    user_folder = data_dir() / "components"
    if user_folder.is_dir():
        found, _problems = scan_folder(user_folder, "My components")
        rows += [(ComponentRow(e.spec.name, "My components", PRIVATE, str(e.path)), e.spec.description)
                 for e in found]
    library = Library.from_environment()
    for store in library.stores:
        if not isinstance(store, FolderStore):
            continue
        for asset in library.search("", kind="component", scope=store.scope):
            version = library.get(asset.asset_id, scope=store.scope)
            rows.append((ComponentRow(asset.name, "Library", store.scope, str(version.path)), asset.description))
    return rows


def _list(args: argparse.Namespace) -> int:
    words = args.search.lower().split()
    rows = [row for row, description in library_rows() if row.matches(words, description)]
    if not rows:
        print("no component matches" if words else "the library holds no component")
        return 0
    widths = [max(len(getattr(r, f)) for r in rows) for f in ("name", "category", "scope")]
    print(f"{'NAME':<{widths[0]}}  {'CATEGORY':<{widths[1]}}  {'SCOPE':<{widths[2]}}  SOURCE")
    for row in rows:
        print(f"{row.name:<{widths[0]}}  {row.category:<{widths[1]}}  {row.scope:<{widths[2]}}  {row.source}")
    return 0
