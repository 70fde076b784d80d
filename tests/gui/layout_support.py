"""Helpers for the layout tests: a window shown at a given size, a run of train_compare_deploy made of
events (mid-run or finished, with logs, loss curves and a ROC artifact; no engine), and what a
person would measure on screen."""

from __future__ import annotations

import functools
import time
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from workbench.gui.runs.session import RunOptions, RunSession
from workbench.runs.events import ArtifactProduced, LogLine, MetricLogged, RunFinished, RunStarted, TaskStateChanged

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "pipelines" / "train_compare_deploy.wbp"
TRAINERS = ("train-model", "train-model-2", "train-model-3")
BEFORE = ("load-tabular-data", "validate-and-preprocess", "engineer-features")
AFTER = ("select-best-model", "deploy-model", "serve-model", "write-report")


def open_window(qtbot, catalog, width: int, height: int) -> QMainWindow:
    """A main window laid out at width x height from its first show (as on a screen that size)."""
    from workbench.gui.main_window import MainWindow

    window = MainWindow(catalog)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)  # the layout's default dock sizes are applied once the window is shown
    return window


def close_window(window: QMainWindow) -> None:
    for tab in window.tabs_list():
        tab.document.undo_stack.setClean()
    window.close()


def area_in(window: QMainWindow, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def canvas_share(window: QMainWindow) -> tuple[float, float]:
    """(width share, area share) of the window that the current document's canvas gets."""
    view = window.current.view
    return view.width() / window.width(), view.width() * view.height() / (window.width() * window.height())


def docks_on_screen(window: QMainWindow) -> list[QDockWidget]:
    """Docks a person sees: shown, and the raised one of a tab group (Qt keeps the others visible
    but moved outside the window)."""
    inside = window.rect()
    return [d for d in window.findChildren(QDockWidget)
            if d.isVisible() and not d.isFloating() and inside.contains(QRect(d.mapTo(window, d.rect().topLeft()),
                                                                               d.size()))]


def _roc_metadata() -> dict:
    rows = [{"falsePositiveRate": fpr, "recall": min(1.0, 0.2 + 1.6 * fpr ** 0.5), "threshold": 1 - fpr}
            for fpr in (0.0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0)]
    matrix = {"annotationSpecs": [{"displayName": "negative"}, {"displayName": "positive"}],
              "rows": [{"row": [412, 38]}, {"row": [51, 399]}]}
    return {"confidenceMetrics": rows, "confusionMatrix": matrix}


def run_events(run_id: str, *, finished: bool, steps: int = 60) -> list:
    """The events of a train_compare_deploy run: the data tasks done, the three trainers reporting
    loss (done when `finished`, else halfway and running), then the rest."""
    now = time.time()
    events: list = [RunStarted(run_id, "train-compare-deploy", "docker", {"epochs": steps}, now)]

    def state(task: str, value: str, message: str = "") -> None:
        events.append(TaskStateChanged(run_id, task, task, value, now, message=message))

    for task in BEFORE:
        state(task, "running")
        events.append(LogLine(run_id, task, f"{task}: reading inputs", now))
        events.append(LogLine(run_id, task, f"{task}: wrote 1,000 rows to the output dataset", now))
        state(task, "succeeded")
    shown = steps if finished else steps // 2
    for index, task in enumerate(TRAINERS):
        state(task, "running")
        for step in range(shown):
            loss = 0.9 * (0.94 + 0.02 * index) ** step + 0.05 * (index + 1)
            events.append(MetricLogged(run_id, task, "loss", loss, step, now + step))
            if step % 10 == 0:
                events.append(LogLine(run_id, task, f"epoch {step:3d}  loss={loss:.4f}", now + step))
        if finished:
            events.append(ArtifactProduced(run_id, task, "roc", "system.ClassificationMetrics",
                                           f"file:///tmp/{run_id}/{task}/roc", _roc_metadata(), now + steps))
            state(task, "succeeded")
    for task in AFTER:
        if finished:
            state(task, "skipped" if task == "write-report" else "succeeded")
        else:
            state(task, "pending")
    if finished:
        events.append(RunFinished(run_id, "succeeded", now + steps + 5))
    return events


@functools.lru_cache
def example_ir() -> str:
    """The example compiled, as a run of it carries it (the run views name tasks from it)."""
    from workbench.compiler.compile import compile_graph
    from workbench.model.serialize import load

    return compile_graph(load(EXAMPLE))


def synthetic_session(run_id: str = "run-demo", *, finished: bool = False) -> RunSession:
    session = RunSession(run_id, RunOptions(example_ir(), {"epochs": 60}, pipeline_name="train-compare-deploy"))
    for event in run_events(run_id, finished=finished):
        session.apply(event)
    return session
