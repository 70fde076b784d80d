"""The `workbench` command line. Never imports Qt; each command's heavy imports happen inside it.

Commands live in `workbench/commands/*.py`, each module exposing `register(subparsers)` that adds
its sub-commands with `set_defaults(handler=...)`. A handler returns an exit code.
Exit codes: 0 success, 1 a user error (one line naming file and element), 2 a usage error,
3 an internal error (one line, then `details: PATH` of the log file that holds its traceback),
130 interrupted. Output cut short by a closed pipe (`workbench runs list | head`) ends quietly.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import logging
import os
import sys

from workbench import __version__
from workbench.errors import WorkbenchError

EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 3
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a program a closed pipe stopped

log = logging.getLogger(__name__)

COMMAND_MODULES = (
    "workbench.commands.document",
    "workbench.commands.run",
    "workbench.commands.history",
    "workbench.commands.image",
    "workbench.commands.remote",
    "workbench.commands.share",
    "workbench.commands.trust",
    "workbench.commands.render",
    "workbench.commands.serving",
    "workbench.commands.tensorboard",
    "workbench.commands.kubernetes_store",
    "workbench.commands.components",
)


@functools.lru_cache(maxsize=1)
def build_parser() -> argparse.ArgumentParser:
    """The parser of every command (built once: `main` may run many times in one process)."""
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
    from workbench.logs import configure_file_logging

    parser = build_parser()
    args = parser.parse_args(argv)
    log_file = configure_file_logging()
    try:
        code = int(args.handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except WorkbenchError as exc:
        log.info("workbench %s: %s", args.command, exc, exc_info=True)
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # noqa: BLE001 - a bug: one line for the user, the traceback in the log
        log.exception("internal error in `workbench %s`", " ".join(sys.argv[1:] if argv is None else argv))
        message = " ".join(str(exc).split())[:300]
        print(f"internal error: {type(exc).__name__}: {message} (a bug in workbench, please report it)",
              file=sys.stderr)
        print(f"details: {log_file}", file=sys.stderr)
        return EXIT_INTERNAL_ERROR


def _silence_stdout() -> None:
    """The reader is gone: send what is still buffered nowhere, so exit prints no second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests capture it)
        pass
