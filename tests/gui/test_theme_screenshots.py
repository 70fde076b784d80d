"""Screenshots of the light and the dark theme at 1280x800 (docs/screenshots/theme-*.png): the main
example open with a run's task states on the canvas, its live loss curves and its log, for a
person to look at; the test checks the pixels that decide readability."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
from layout_support import close_window, open_window
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from workbench.gui import theme
from workbench.gui.runs import plot_style

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "docs" / "screenshots"
EXAMPLE = REPO / "pipelines" / "train_compare_deploy.wbp"
STATES = {"load-tabular-data": "succeeded", "validate-and-preprocess": "succeeded", "engineer-features": "cached",
          "train-model": "succeeded", "train-model-2": "running", "train-model-3": "failed"}


def demo_session():
    """A run part-way through: states, three loss curves and a coloured log."""
    from workbench.gui.runs.session import RunSession
    from workbench.runs.events import LogLine, MetricLogged, RunStarted, TaskStateChanged

    now = time.time()
    session = RunSession("run-theme-demo")
    session.apply(RunStarted(session.run_id, "train-compare-deploy", "docker", {}, now))
    for name, state in STATES.items():
        session.apply(TaskStateChanged(session.run_id, name, name, state, now))
    for scale, task in ((1.0, "train-model"), (0.8, "train-model-2"), (1.3, "train-model-3")):
        for step in range(60):
            session.apply(MetricLogged(session.run_id, task, "loss", scale / (1 + step / 8) + 0.05, step, now + step))
    for line in ("\x1b[32mINFO\x1b[0m loaded 5000 rows", "\x1b[33mWARN\x1b[0m 12 rows with missing values dropped",
                 "\x1b[31mERROR\x1b[0m ValueError: hidden_units must be positive", "epoch 12: loss=0.2130"):
        session.apply(LogLine(session.run_id, "train-model-3", line, now))
    return session


@pytest.fixture
def themed_window(qtbot, isolated_data_dir):
    from workbench.gui.catalog import ComponentCatalog

    window = open_window(qtbot, ComponentCatalog(), 1280, 800)
    yield window
    close_window(window)
    theme.apply_theme(QApplication.instance(), "system")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_theme_screenshot(themed_window, qtbot, scheme):
    window = themed_window
    tab = window.open_path(str(EXAMPLE))
    window.theme_menu.actions_by_choice[scheme].trigger()
    window.actions_by_name["run_layout"].trigger()  # the canvas, the plot and the log, as mid-run
    window.actions_by_name["reset_layout"].trigger()
    session = demo_session()
    window.runs.bind(tab, session).refresh()
    window.runs.show_session(session)
    qtbot.wait(50)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.runs.metrics.curves.get("train-model-3") is not None)
    qtbot.wait(200)
    trainers = [tab.scene.nodes[n].sceneBoundingRect() for n in tab.document.graph.nodes
                if tab.document.graph.nodes[n].name.startswith("train-model")]
    area = trainers[0]
    for rect in trainers[1:]:
        area = area.united(rect)
    tab.view.fitInView(area.adjusted(-260, -40, 260, 40), Qt.AspectRatioMode.KeepAspectRatio)
    qtbot.wait(100)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = window.grab()
    assert (shot.width(), shot.height()) == (1280, 800)
    assert shot.save(str(SHOTS / f"theme-{scheme}.png"))

    image = shot.toImage()
    plot = window.runs.metrics.plot
    corner = plot.mapTo(window, QPoint(plot.width() - 30, 4))  # beside the axes: the plot's own background
    patch = Counter(image.pixelColor(corner.x() + dx, corner.y() + dy).name() for dx in range(24) for dy in range(8))
    expected = plot_style.DARK_PLOT if scheme == "dark" else plot_style.LIGHT_PLOT
    assert patch.most_common(1)[0][0] == expected.background  # most of it: grid lines cross it
    canvas = tab.view.viewport().mapTo(window, QPoint(3, 3))
    assert (QColor(image.pixelColor(canvas)).lightness() < 100) == (scheme == "dark")
    assert window.palette().color(window.backgroundRole()).name() == theme.colors(scheme)[theme.Role.Window]
