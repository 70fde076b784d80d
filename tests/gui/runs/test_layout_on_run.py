"""A run started from the window as a user starts one (Run dialog, real compile, the real kfp client
against a fake Kubeflow Pipelines server): the Run layout comes up as it starts and the Design
layout comes back when it has succeeded; the status bar says what is happening now, not what was."""

from __future__ import annotations

from run_helpers import start_from_dialog, wait_finished

from workbench.gui.layouts import DESIGN, RUN


def test_the_layout_follows_a_run_and_the_status_bar_its_current_state(window, example_tab, qtbot, kfp_target):
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    assert window.layouts.current == DESIGN
    session = start_from_dialog(window, qtbot, {"epochs": "7"}, target="lab")
    assert window.layouts.current == RUN
    assert window.runs.docks["run"].isVisible() and window.runs.docks["metrics"].isVisible()
    assert not window.docks["palette"].isVisible()
    assert messages[0] == "Compiling train-compare-deploy\u2026"
    assert "Compiling" not in window.statusBar().currentMessage()  # the compile is over
    assert window.runs.progress.text().startswith(f"Run {session.run_id}")

    wait_finished(qtbot, session, timeout=60_000)
    assert session.state == "succeeded", session.message
    qtbot.waitUntil(lambda: window.layouts.current == DESIGN, timeout=5000)  # once the end event is handled
    assert window.docks["palette"].isVisible()
    assert window.statusBar().currentMessage() == ""  # the progress label says it, once
    assert window.runs.progress.text().startswith(f"Run {session.run_id}: succeeded")
