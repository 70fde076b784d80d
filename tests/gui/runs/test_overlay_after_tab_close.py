"""Closing a tab mid-run must not leave its run overlay's one-second refresh painting on deleted
task items (an error a second in the app): the overlay goes with its tab, or at least stops."""

from __future__ import annotations

import time

from shiboken6 import isValid

from workbench.gui.runs.session import RunSession
from workbench.runs.events import RunStarted, TaskStateChanged


def test_closing_a_tab_stops_its_overlay(window, tab, qtbot):
    session = RunSession("r1")
    session.apply(RunStarted("r1", "demo", "docker", {}, time.time()))
    session.apply(TaskStateChanged("r1", "train", "train", "running", time.time()))
    overlay = window.runs.bind(tab, session)
    assert overlay.timer.isActive()
    tab.document.undo_stack.setClean()
    window.close_tab(tab)
    qtbot.waitUntil(lambda: not isValid(overlay) or not overlay.timer.isActive(), timeout=3000)
    qtbot.wait(1200)  # a refresh would have come by now; pytest-qt fails on an exception in it
