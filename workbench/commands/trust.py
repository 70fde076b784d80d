"""`workbench trust DIR [--yes | --revoke]`: review an imported bundle and approve (or withdraw) it.

The review is the one the app shows. Approval needs a yes at the terminal, or `--yes` for scripts;
without a terminal and without `--yes` the review is printed and nothing is approved (exit 1).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from workbench.errors import ShareError


def register(subparsers: argparse._SubParsersAction) -> None:
    trust = subparsers.add_parser(
        "trust", help="review an imported bundle and approve what it runs",
        description="Show everything an imported bundle would run (every task: name, image, command, args, "
                    "Python source, env, resources, Kubernetes platform config) and, after you confirm, "
                    "allow its pipeline to be run, submitted, exported and published.")
    trust.add_argument("folder", metavar="DIR", help="the folder the bundle was imported into (or a file in it)")
    choice = trust.add_mutually_exclusive_group()
    choice.add_argument("--yes", action="store_true", help="approve without asking (after reading the review)")
    choice.add_argument("--revoke", action="store_true", help="withdraw an approval given before")
    trust.set_defaults(handler=_trust)


def _bundle_folder(given: str) -> Path:
    from workbench.share import manifest as manifest_
    from workbench.share.trust import bundle_folders_of

    path = Path(given)
    if not path.exists():
        raise ShareError("no such folder", path=given)
    folders = bundle_folders_of(path / manifest_.NAME if path.is_dir() else path)
    if not folders:
        raise ShareError("not an imported bundle (no manifest.json here or above); `workbench import NAME.zip` "
                         "unpacks one", path=given)
    return folders[0]


def _confirmed(folder: Path) -> bool:
    try:
        answer = input(f"Trust the bundle in {folder}? Its pipeline may then run on this machine and be "
                       "submitted, exported and published. [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _trust(args: argparse.Namespace) -> int:
    from workbench.share.bundle import read_folder
    from workbench.share.review import format_review
    from workbench.share.trust import TrustStore

    folder = _bundle_folder(args.folder)
    store = TrustStore()
    if args.revoke:
        from workbench.share import manifest as manifest_
        from workbench.share.bundle import read_unpacked

        try:
            fingerprint = manifest_.sha256(read_unpacked(folder / manifest_.NAME, manifest_.NAME))
        except ShareError as exc:
            raise ShareError(f"cannot read the manifest ({exc.message})", path=str(folder),
                             element=manifest_.NAME) from None
        revoked = store.revoke(fingerprint)
        print(f"revoked: the bundle in {folder} may no longer run" if revoked else
              f"the bundle in {folder} was not trusted; nothing to revoke")
        return 0
    bundle = read_folder(folder)
    store.record_import(folder, bundle.fingerprint)
    print(format_review(bundle.review()))
    print()
    if store.is_trusted(bundle.fingerprint):
        print(f"already trusted: the bundle in {folder} ({bundle.fingerprint[:12]}) may run")
        return 0
    if not args.yes and not sys.stdin.isatty():
        print(f"not trusted: no terminal to confirm; after reading the review above, approve it with "
              f"`workbench trust {shlex.quote(str(folder))} --yes`", file=sys.stderr)
        return 1
    if not args.yes and not _confirmed(folder):
        print("not trusted: nothing was approved", file=sys.stderr)
        return 1
    store.approve(bundle.fingerprint, bundle.graph.name)
    print(f"trusted: the bundle in {folder} ({bundle.fingerprint[:12]}) may run; any change to its files "
          "makes it untrusted again")
    return 0
