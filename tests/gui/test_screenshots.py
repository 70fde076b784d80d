"""Screenshots of every example pipeline, for a person to look at: the whole window (docs/
screenshots/<name>-window.png) and the canvas alone (<name>.png), with the palette a new user
sees (built-ins only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from layout_support import close_window, open_window

from workbench.gui.render import export_scene

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "docs" / "screenshots"
EXAMPLES = sorted((REPO / "pipelines").glob("*.wbp"))


@pytest.fixture
def fresh_window(qtbot, isolated_data_dir):
    from workbench.gui.catalog import ComponentCatalog

    window = open_window(qtbot, ComponentCatalog(), 1400, 900)
    yield window
    close_window(window)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_screenshot_of_example(fresh_window, example, qtbot):
    SHOTS.mkdir(parents=True, exist_ok=True)
    window = fresh_window
    tab = window.open_path(str(example))
    assert tab is not None
    window.actions_by_name["reset_layout"].trigger()
    node = next(iter(tab.document.graph.nodes))
    tab.scene.select_ids([node])
    qtbot.wait(100)
    tab.view.fit()
    shot = window.grab()
    assert shot.save(str(SHOTS / f"{example.stem}-window.png"))
    export_scene(tab.scene, SHOTS / f"{example.stem}.png")
    assert (SHOTS / f"{example.stem}.png").stat().st_size > 10_000
