"""Screenshots for people to look at: the trust review of the example bundle and the Library dock
(docs/screenshots/bundle-review.png, library-browser.png)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from sharing_gui_helpers import EXAMPLE, click_row, wait_idle

from workbench.components.authoring import container_component
from workbench.components.spec import Port

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def test_screenshot_of_the_trust_review(window, example_bundle, qtbot):
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.open_path(str(example_bundle))
    qtbot.waitUntil(lambda: window.sharing.opener.dialog is not None, timeout=30_000)
    dialog = window.sharing.opener.dialog
    row = next(i for i in range(dialog.list.count()) if dialog.list.item(i).text().startswith("train-model"))
    click_row(dialog.list, row)
    qtbot.wait(100)
    assert dialog.grab().save(str(SHOTS / "bundle-review.png"))
    dialog.reject()
    wait_idle(qtbot, window)


def test_screenshot_of_the_library(window, qtbot):
    library = window.sharing.library.browser.library
    library.publish(EXAMPLE, "private", "1.0.0", description="Train three models, keep the best, deploy it.")
    library.publish(EXAMPLE, "private", "1.1.0", description="Train three models, keep the best, deploy it.")
    scorer = container_component("Score batch", "python:3.11-slim", ["python", "score.py"], [],
                                 inputs=[Port("model", "system.Model"), Port("rows", "system.Dataset"),
                                         Port("threshold", "Float", optional=True, default=0.5)],
                                 outputs=[Port("scores", "system.Dataset")],
                                 description="Score a dataset with a trained model.")
    library.publish(scorer, "private", "0.3.0")
    window.open_path(str(EXAMPLE))
    window.actions_by_name["reset_layout"].trigger()
    window.show_library()
    window.resizeDocks([window.docks["library"]], [460], Qt.Orientation.Horizontal)
    browser = window.sharing.library.browser
    browser.set_scope("private")
    browser.refresh(select="pipeline/train-compare-deploy")
    window.current.view.fit()
    qtbot.wait(150)
    assert window.grab().save(str(SHOTS / "library-browser.png"))
