"""Compile a snapshot of the graph on a worker thread; the result arrives on the GUI thread. kfp
is imported by the compiler on first use, never at start-up."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from workbench.gui.jobs import Jobs
from workbench.model.document import PipelineGraph


def _compile(graph: PipelineGraph) -> str:
    from workbench.compiler.compile import compile_graph

    return compile_graph(graph)


class Compiler(QObject):
    """Starts compiles of graph copies; only the newest request's answer is reported."""

    compiled = Signal(str, str)  # IR YAML ('' on failure), error

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.jobs = Jobs(self, max_threads=1)
        self.number = 0

    def start(self, graph: PipelineGraph) -> None:
        self.number += 1
        number, snapshot = self.number, graph.copy()
        self.jobs.run(lambda: _compile(snapshot), lambda text: self._finished(number, text, ""),
                      lambda error: self._finished(number, "", str(error)))

    def _finished(self, number: int, text: str, error: str) -> None:
        if number == self.number:
            self.compiled.emit(text, error)

    def wait(self, msecs: int = -1) -> bool:
        return self.jobs.wait(msecs)
