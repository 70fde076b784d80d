"""The Endpoints dock against real process endpoints (uvicorn on this interpreter): serve a run's
model from the history, see it healthy, try the sample and a malformed request typed into the
editor, stop it; a run without a model says so; Open in TensorBoard without TensorBoard says how to
install it."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).parents[1] / "serving"))
from serving_models import sklearn_model  # noqa: E402

from workbench.runs.events import ArtifactProduced  # noqa: E402

TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory) -> Path:
    return sklearn_model(tmp_path_factory.mktemp("panel") / "churn-model")


def record_run(run_id: str, model: Path | None) -> None:
    """A finished local run in the history; with `model`, its train task produced that model."""
    from workbench.runs import paths
    from workbench.runs.store import RunStore

    store = RunStore(paths.runs_db_path())
    store.create_run(run_id, "churn", "pipelineInfo: {name: churn}\n", {}, "subprocess")
    if model is not None:
        target = paths.workspace_root() / run_id / "tasks" / "train" / "model"
        shutil.copytree(model, target)
        store.on_event(ArtifactProduced(run_id=run_id, task_id="train", name="model", type="system.Model",
                                        uri=str(target), metadata={}, time=time.time()))
    store.flush()
    store.close()


@pytest.fixture
def panel_window(window, monkeypatch, qtbot):
    monkeypatch.setenv("WORKBENCH_SERVING_PYTHON", sys.executable)
    panel = window.serving.panel
    panel.backend_choice.setCurrentIndex(panel.backend_choice.findData("subprocess"))
    yield window
    for endpoint, _ in panel.rows:
        try:
            panel.manager.stop(endpoint.name)
        except Exception:  # noqa: BLE001 - already stopped by the test
            pass
    panel.jobs.wait(10_000)


def select_history_run(window, qtbot, run_id: str) -> None:
    window.show_runs()
    history = window.runs.history
    qtbot.waitUntil(lambda: run_id in history.visible_run_ids(), timeout=TIMEOUT_MS)
    history.select_runs([run_id])


def test_serve_from_history_try_it_and_stop(panel_window, qtbot, model_folder, tmp_path):
    window = panel_window
    panel = window.serving.panel
    record_run("run-with-model", model_folder)
    select_history_run(window, qtbot, "run-with-model")
    assert window.runs.history.serve_button.isEnabled()
    qtbot.mouseClick(window.runs.history.serve_button, Qt.MouseButton.LeftButton)
    assert window.serving.dock.isVisible()

    qtbot.waitUntil(lambda: panel.table.rowCount() == 1 and panel.table.item(0, 1).text() == "healthy",
                    timeout=TIMEOUT_MS)
    name = panel.table.item(0, 0).text()
    assert name == "churn-model-model" and panel.table.item(0, 3).text() == "process"
    assert panel.table.item(0, 2).text().startswith("http://127.0.0.1:")
    assert "run run-with-model (train)" in panel.table.item(0, 4).text()
    card = json.loads((model_folder / "model_card.json").read_text())
    qtbot.waitUntil(lambda: panel.request_editor.toPlainText().strip() != "", timeout=TIMEOUT_MS)
    assert json.loads(panel.request_editor.toPlainText()) == card["example_request"]

    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.latency.text().startswith("HTTP"), timeout=TIMEOUT_MS)
    assert panel.latency.text().startswith("HTTP 200 \u00b7 ") and panel.latency.text().endswith(" ms")
    answer = json.loads(panel.response_view.toPlainText())
    assert len(answer["predictions"]) == len(card["example_request"]["instances"])

    panel.request_editor.clear()
    qtbot.keyClicks(panel.request_editor, '{"instances": [[1, 2')  # typed, unfinished JSON
    panel.latency.clear()
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.latency.text().startswith("HTTP"), timeout=TIMEOUT_MS)
    assert panel.latency.text().startswith("HTTP 400")
    error = json.loads(panel.response_view.toPlainText())
    assert "JSON" in json.dumps(error) and "Traceback" not in panel.response_view.toPlainText()

    panel.request_editor.setPlainText('{"instances": [[1.0, 2.0]]}')  # wrong shape: 2 features of 3
    panel.latency.clear()
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.latency.text().startswith("HTTP"), timeout=TIMEOUT_MS)
    assert panel.latency.text().startswith("HTTP 400")

    shot = Path(os.environ.get("WORKBENCH_SCREENSHOT_DIR", tmp_path)) / "endpoints_panel.png"
    assert panel.grab().save(str(shot)) and shot.stat().st_size > 0

    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 0, timeout=TIMEOUT_MS)
    assert "Stopped endpoint churn-model-model" in panel.status.text()
    assert [e.name for e in panel.manager.list()] == []


def test_serving_the_same_run_twice_names_the_taken_endpoint(panel_window, qtbot, model_folder):
    panel = panel_window.serving.panel
    record_run("run-twice", model_folder)
    panel_window.serving.serve_run("run-twice")
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=TIMEOUT_MS)
    panel_window.serving.serve_run("run-twice")
    qtbot.waitUntil(lambda: "Cannot serve the model" in panel.status.text(), timeout=TIMEOUT_MS)
    assert "endpoint name 'churn-model-twice' is taken" in panel.status.text()
    assert panel.table.rowCount() == 1


def test_a_run_without_a_model_is_named(panel_window, qtbot):
    panel = panel_window.serving.panel
    record_run("run-no-model", None)
    panel_window.serving.serve_run("run-no-model")
    qtbot.waitUntil(lambda: "Cannot serve the model" in panel.status.text(), timeout=TIMEOUT_MS)
    assert "run run-no-model produced no model" in panel.status.text()


def test_the_artifact_panel_offers_serve_only_for_models(window):
    from workbench.gui.runs.session import RunOptions, RunSession

    artifacts = window.runs.artifacts
    session = RunSession("r1", RunOptions("pipelineInfo: {name: x}\n", {}, "subprocess"))
    for kind in ("system.Dataset", "system.Model"):
        session.artifacts.append(ArtifactProduced(run_id="r1", task_id="train", name=kind, type=kind,
                                                  uri="/nowhere", metadata={}, time=0.0))
    artifacts.set_session(session)
    served = []
    artifacts.serve_requested.connect(served.append)
    artifacts.list.setCurrentRow(0)
    assert not artifacts.serve_button.isEnabled()
    artifacts.list.setCurrentRow(1)
    assert artifacts.serve_button.isEnabled()
    artifacts.serve_button.click()
    assert [a.type for a in served] == ["system.Model"]


def test_open_in_tensorboard_without_tensorboard_says_how_to_install(window, qtbot, dialogs, monkeypatch):
    from workbench.runs import tensorboard_launch

    monkeypatch.setattr(tensorboard_launch, "installed", lambda: False)
    record_run("run-logs", None)
    select_history_run(window, qtbot, "run-logs")
    qtbot.mouseClick(window.runs.history.tensorboard_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialogs.messages), timeout=TIMEOUT_MS)
    assert "pip install 'pipeline-workbench[tensorboard]'" in str(dialogs.messages[-1])


def test_open_in_tensorboard_serves_the_run_logs_and_opens_the_browser(window, qtbot, monkeypatch):
    pytest.importorskip("tensorboardX")
    import urllib.request

    from PySide6.QtGui import QDesktopServices
    from tensorboardX import SummaryWriter

    from workbench.runs import paths

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toString())))
    record_run("run-tb", None)
    writer = SummaryWriter(str(paths.workspace_root() / "run-tb" / "tasks" / "train" / "tensorboard"))
    writer.add_scalar("loss", 0.25, 1)
    writer.close()
    select_history_run(window, qtbot, "run-tb")
    qtbot.mouseClick(window.runs.history.tensorboard_button, Qt.MouseButton.LeftButton)
    try:
        qtbot.waitUntil(lambda: bool(opened), timeout=TIMEOUT_MS)
        assert opened[0].startswith("http://127.0.0.1:")
        with urllib.request.urlopen(opened[0] + "data/plugin/scalars/tags", timeout=30) as response:
            assert "loss" in json.loads(response.read())["train/tensorboard"]
        window.serving.open_tensorboard("run-tb")  # again: the same server, not a second one
        assert opened[1] == opened[0] and len(window.serving.tensorboards) == 1
    finally:
        window.serving.stop_tensorboards()
