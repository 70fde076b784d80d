"""Errors a user can act on: each names the file and element at fault and what to do.

The CLI prints `str(error)` on one line and exits 1; the GUI shows it in a dialog. Anything
that is not a WorkbenchError is a bug and keeps its traceback.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base class: a message for the user, optionally naming a file and an element."""

    def __init__(self, message: str, *, path: str | None = None, element: str | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.element = element
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.path, self.element) if part)
        return f"{where}: {self.message}" if where else self.message


class DocumentError(WorkbenchError):
    """A pipeline document cannot be read or written."""


class ComponentError(WorkbenchError):
    """A component definition is invalid or cannot be loaded."""


class CompileError(WorkbenchError):
    """A document cannot be compiled to a KFP pipeline spec."""


class ImportError_(WorkbenchError):
    """A KFP pipeline spec cannot be imported into a document."""


class RunError(WorkbenchError):
    """A run cannot be started or a backend is unavailable."""


class ShareError(WorkbenchError):
    """A bundle or library operation was refused."""
