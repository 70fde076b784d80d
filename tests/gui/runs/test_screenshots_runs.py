"""Screenshots for the README (regenerate with `pytest tests/gui/runs/test_screenshots_runs.py`):
a finished run of train_compare_deploy with its states, live loss curves and logs
(docs/screenshots/run-finished.png), its ROC artifact (run-artifacts.png) and the comparison of two
runs (compare-runs.png, compare-parallel.png). Runs the real engine in Docker."""

from __future__ import annotations

from pathlib import Path

import pytest
from run_helpers import start_from_dialog, wait_finished

REPO = Path(__file__).resolve().parents[3]
SHOTS = REPO / "docs" / "screenshots"
pytestmark = pytest.mark.usefixtures("docker_images")


def test_screenshots_of_a_finished_run_and_a_comparison(window, example_tab, qtbot):
    SHOTS.mkdir(parents=True, exist_ok=True)
    workspace = window.runs
    first = start_from_dialog(window, qtbot, {"epochs": "120"})
    wait_finished(qtbot, first)
    second = start_from_dialog(window, qtbot, {"epochs": "40", "threshold": "0.99"})
    wait_finished(qtbot, second)
    assert (first.state, second.state) == ("succeeded", "succeeded")
    window.actions_by_name["run_layout"].trigger()  # the runs succeeded: the window went back to Design
    example_tab.scene.select_ids([example_tab.document.graph.node_by_name("train-model").id])
    workspace.details.setCurrentWidget(workspace.logs)
    qtbot.waitUntil(lambda: sum(workspace.metrics.plotted_points().values()) == 3 * 40, timeout=5000)
    qtbot.wait(200)
    example_tab.view.fit()
    qtbot.wait(200)
    assert window.grab().save(str(SHOTS / "run-finished.png"))

    workspace.details.setCurrentWidget(workspace.artifacts)
    assert workspace.artifacts.select("roc", "train-model")
    qtbot.wait(300)
    assert window.grab().save(str(SHOTS / "run-artifacts.png"))

    view = workspace.compare([first.run_id, second.run_id])
    qtbot.waitUntil(lambda: bool(view.summaries), timeout=30_000)
    view.resize(1200, 720)
    view.tabs.setCurrentIndex(1)
    qtbot.wait(200)
    assert view.grab().save(str(SHOTS / "compare-runs.png"))
    view.tabs.setCurrentIndex(2)
    qtbot.wait(200)
    assert view.grab().save(str(SHOTS / "compare-curves.png"))
    view.close()
