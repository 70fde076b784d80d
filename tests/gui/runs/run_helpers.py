"""Driving runs from the window in tests: start one through the Run dialog, wait for its end."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "pipelines" / "train_compare_deploy.wbp"
RUN_TIMEOUT_MS = 300_000


def start_from_dialog(window, qtbot, values: dict[str, str] | None = None, target: str = "docker"):
    """Drive Run > Run...: fill the dialog, press Run; return the session once it exists."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    workspace = window.runs
    before = workspace.current
    window.actions_by_name["run"].trigger()
    dialog = workspace.run_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.target.setCurrentIndex(dialog.target.findData(target))
    for name, text in (values or {}).items():
        dialog.form.edits[name].setText(text)
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert button.isEnabled(), dialog.form.problems()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: workspace.current is not None and workspace.current is not before, timeout=60_000)
    return workspace.current


def wait_finished(qtbot, session, timeout: int = RUN_TIMEOUT_MS) -> None:
    qtbot.waitUntil(lambda: session.finished, timeout=timeout)
