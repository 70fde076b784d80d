"""Recognising the KFP lightweight-component prologue (`sh -c "... pip install ... && "$0" "$@""`).

Backends preinstall the packages (a derived image, a virtual environment) and run the rest of
the command without the prologue, so tasks start without network and without pip.
A package set is a tuple with one entry per `pip install` in the prologue: that command's
arguments, shell-quoted, minus output-only flags.
"""

from __future__ import annotations

import re
import shlex

_PIP_INSTALL = re.compile(r"python3 -m pip install (?P<args>.*?)(?=&&|\n|$)", re.S)
_QUIET_FLAGS = {"--quiet", "-q", "--no-warn-script-location"}
_RUNS_REST = '"$0" "$@"'


def is_lightweight(argv: list[str] | tuple[str, ...]) -> bool:
    return (len(argv) >= 4 and argv[0] == "sh" and argv[1] == "-c"
            and "pip install" in argv[2] and _RUNS_REST in argv[2])


def pip_package_set(argv: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    if not is_lightweight(argv):
        return ()
    package_set = []
    for match in _PIP_INSTALL.finditer(argv[2]):
        try:
            words = shlex.split(match.group("args"))
        except ValueError:
            continue
        kept = [word for word in words if word not in _QUIET_FLAGS]
        if kept:
            package_set.append(shlex.join(kept))
    return tuple(package_set)


def without_prologue(argv: list[str] | tuple[str, ...]) -> list[str]:
    """The command the prologue would have exec'd: `sh -c SCRIPT` runs `"$0" "$@"` = argv[3:]."""
    return list(argv[3:]) if is_lightweight(argv) else list(argv)


def with_python(argv: list[str], python: str) -> list[str]:
    """Point the executor launcher (`python3 -m kfp.dsl.executor_main`) at another interpreter,
    leaving the user's code (the element after the launcher script) untouched."""
    result = list(argv)
    for index, element in enumerate(result):
        if "kfp.dsl.executor_main" in element:
            result[index] = re.sub(r"\bpython3?(?= -m kfp\.dsl\.executor_main)", shlex.quote(python),
                                   element)
            break
    return result
