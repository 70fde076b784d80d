"""The main example fitted in a 1280x800 window before and after a run (docs/screenshots/
canvas-fit-before-run.png, canvas-fit-after-run.png), for a person to look at: after the run every
task is a tile in its state's colour with its display name."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from workbench.gui.canvas.style import STATE_COLORS
from workbench.gui.runs.session import RunSession
from workbench.gui.runs.status_overlay import StatusOverlay
from workbench.runs.events import TaskStateChanged

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "docs" / "screenshots"
EXAMPLE = REPO / "pipelines" / "train_compare_deploy.wbp"
RUN = {"load-tabular-data": "succeeded", "validate-and-preprocess": "succeeded", "engineer-features": "cached",
       "train-model": "succeeded", "train-model-2": "failed", "train-model-3": "succeeded",
       "select-best-model": "running", "deploy-model": "pending", "serve-model": "pending", "write-report": "skipped"}


def test_main_example_fitted_before_and_after_a_run(window, qtbot):
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.resize(1280, 800)
    tab = window.open_path(str(EXAMPLE))
    qtbot.wait(100)
    assert window.grab().save(str(SHOTS / "canvas-fit-before-run.png"))
    session = RunSession("r1")
    for name, state in RUN.items():
        session.apply(TaskStateChanged(run_id="r1", task_id=name, task_name=name, state=state, time=time.time(),
                                       message="", details={}))
    overlay = StatusOverlay(tab.scene, session)
    qtbot.wait(100)
    shot = window.grab()
    assert shot.save(str(SHOTS / "canvas-fit-after-run.png"))
    image = tab.view.viewport().grab().toImage()
    view, graph = tab.view, tab.document.graph
    assert set(RUN) == {n.name for n in graph.nodes.values()}
    for node in graph.nodes.values():
        item = tab.scene.nodes[node.id]
        assert item.detail_level(view.zoom) == "overview"
        inside = view.mapFromScene(item.mapToScene(QPointF(3 / view.zoom + 2, item.height / 2)))
        color, wanted = QColor(image.pixel(inside)), QColor(STATE_COLORS[RUN[node.name]])
        if RUN[node.name] != "skipped":  # a skipped tile is translucent grey with a dashed border
            assert sum(abs(a - b) for a, b in zip(color.getRgb()[:3], wanted.getRgb()[:3])) < 40, node.name
        assert item.overview_label(view.zoom) is not None, f"{node.label} has room for no letter"
    overlay.detach()
