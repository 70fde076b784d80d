"""Fixtures for running pipelines from the window on the real engine (Docker)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "pipelines" / "train_compare_deploy.wbp"
RUN_TIMEOUT_MS = 300_000


@pytest.fixture
def docker_images(base_image, monkeypatch):
    """The examples name python:3.11-slim; no registry here, so they run in the local base image."""
    monkeypatch.setenv("WORKBENCH_IMAGE_MAP", f"python:3.11-slim={base_image}")
    return base_image


@pytest.fixture
def example_tab(window):
    tab = window.open_path(str(EXAMPLE))
    assert tab is not None
    return tab


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
