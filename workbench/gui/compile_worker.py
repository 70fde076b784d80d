"""Compile a snapshot of the graph on a worker thread; the result arrives on the GUI thread as a
queued signal. kfp is imported by the compiler on first use, never at start-up."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from workbench.errors import WorkbenchError
from workbench.model.document import PipelineGraph


class CompileResult(QObject):
    finished = Signal(int, str, str)  # request number, IR YAML ('' on failure), error message


class _CompileTask(QRunnable):
    def __init__(self, graph: PipelineGraph, number: int, result: CompileResult):
        super().__init__()
        self.graph, self.number, self.result = graph, number, result

    def run(self) -> None:
        from workbench.compiler.compile import compile_graph

        try:
            text, error = compile_graph(self.graph), ""
        except WorkbenchError as exc:
            text, error = "", str(exc)
        except Exception as exc:  # a compiler bug must not kill the worker thread; show it
            text, error = "", f"internal compiler error: {type(exc).__name__}: {exc}"
        self.result.finished.emit(self.number, text, error)


class Compiler(QObject):
    """Starts compiles of graph copies; only the newest request's answer is reported."""

    compiled = Signal(str, str)  # IR YAML, error

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.result = CompileResult(self)
        self.result.finished.connect(self._finished)
        self.number = 0
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)

    def start(self, graph: PipelineGraph) -> None:
        self.number += 1
        self.pool.start(_CompileTask(graph.copy(), self.number, self.result))

    def _finished(self, number: int, text: str, error: str) -> None:
        if number == self.number:
            self.compiled.emit(text, error)

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)
