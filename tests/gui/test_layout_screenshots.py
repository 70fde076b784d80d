"""Screenshots of the two layouts at 1280x800 and 1920x1080, for a person to look at
(docs/screenshots/layout-<design|run>-<size>.png): the Design layout with a task selected, the Run
layout mid-run (states on the canvas, a trainer's log, the loss curves of the three trainers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from layout_support import EXAMPLE, close_window, docks_on_screen, open_window, synthetic_session

from workbench.gui.layouts import DESIGN, RUN

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = [(1280, 800), (1920, 1080)]


@pytest.mark.parametrize("layout", [DESIGN, RUN])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_screenshot_of_each_layout(qtbot, catalog, size, layout):
    SHOTS.mkdir(parents=True, exist_ok=True)
    window = open_window(qtbot, catalog, *size)
    tab = window.open_path(str(EXAMPLE))
    trainer = tab.document.graph.node_by_name("train-model").id
    if layout == RUN:
        session = synthetic_session("run-7f3a")
        window.runs.bind(tab, session)
        window.runs.show_session(session)
        window.layouts.run_started(session)  # as a run starting from the Design layout does
        metrics = window.runs.metrics
        qtbot.waitUntil(lambda: metrics.plot is not None and sum(metrics.plotted_points().values()) == 90)
    tab.scene.select_ids([trainer])
    qtbot.wait(100)
    tab.view.fit()
    qtbot.wait(100)
    assert window.layouts.current == layout
    if layout == RUN:
        assert "epoch" in window.runs.logs.plain_text()  # the selected trainer's log
        assert {d.objectName() for d in docks_on_screen(window)} == {"dock-runs-run", "dock-runs-metrics"}
    shot = window.grab()
    assert shot.size().toTuple() == size
    path = SHOTS / f"layout-{layout}-{size[0]}x{size[1]}.png"
    assert shot.save(str(path))
    assert path.stat().st_size > 30_000
    close_window(window)
