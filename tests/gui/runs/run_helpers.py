"""Driving runs from the window in tests: start one through the Run dialog, wait for its end."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "pipelines" / "train_compare_deploy.wbp"
RUN_TIMEOUT_MS = 300_000
TASKS = ("load-tabular-data", "validate-and-preprocess", "engineer-features", "train-model", "train-model-2",
         "train-model-3", "select-best-model", "deploy-model")


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


def remote_frames() -> list[dict]:
    """What the fake Kubeflow Pipelines server answers, poll after poll, for a run of the example."""
    done = {task: "SUCCEEDED" for task in TASKS}
    return [
        {"run": "PENDING", "tasks": {}},
        {"run": "RUNNING", "tasks": {"load-tabular-data": "RUNNING"}},
        {"run": "RUNNING", "tasks": {"load-tabular-data": "SUCCEEDED", "validate-and-preprocess": "RUNNING"}},
        {"run": "SUCCEEDED", "tasks": {**done, "write-report": "SKIPPED"}},
    ]
