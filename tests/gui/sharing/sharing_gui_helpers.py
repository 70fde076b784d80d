"""Helpers for the sharing GUI tests: waiting for the worker, clicking list rows and buttons."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

LEFT = Qt.MouseButton.LeftButton
EXAMPLE = Path(__file__).resolve().parents[3] / "pipelines" / "train_compare_deploy.wbp"


def wait_idle(qtbot, window, timeout: int = 60_000) -> None:
    """Until the sharing worker has finished and its result was delivered on the GUI thread."""
    qtbot.waitUntil(lambda: not window.sharing.jobs.busy, timeout=timeout)


def click(widget) -> None:
    QTest.mouseClick(widget, LEFT)


def click_row(list_widget, row: int) -> None:
    rect = list_widget.visualItemRect(list_widget.item(row))
    QTest.mouseClick(list_widget.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, rect.center())


def type_into(line_edit, text: str) -> None:
    line_edit.setFocus()
    line_edit.selectAll()
    QTest.keyClick(line_edit, Qt.Key.Key_Delete)
    QTest.keyClicks(line_edit, text)
