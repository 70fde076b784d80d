"""The `workbench` command line. Never imports Qt; each command's heavy imports happen inside it.

Commands live in `workbench/commands/*.py`, each module exposing `register(subparsers)` that adds
its sub-commands with `set_defaults(handler=...)`. A handler returns an exit code.
Exit codes: 0 success, 1 a user error (one line naming file and element), 2 a usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from workbench import __version__
from workbench.errors import WorkbenchError

COMMAND_MODULES = (
    "workbench.commands.document",
    "workbench.commands.run",
    "workbench.commands.history",
    "workbench.commands.image",
    "workbench.commands.remote",
    "workbench.commands.share",
    "workbench.commands.render",
    "workbench.commands.serving",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Design, compile and run Kubeflow Pipelines (KFP v2) on your machine or in the cloud.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except WorkbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
