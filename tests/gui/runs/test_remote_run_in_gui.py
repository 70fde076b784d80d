"""Running on a saved Kubeflow Pipelines target from the window: the real kfp client against a
fake KFP v2beta1 server on 127.0.0.1; the remote run's states arrive on the canvas like a local
run's, the run is in the history with its target, and its console page opens from there."""

from __future__ import annotations

from fake_services import FakeKfp
from run_helpers import EXAMPLE, TASKS, start_from_dialog, wait_finished


def test_a_remote_run_streams_states_onto_the_canvas(window, example_tab, qtbot, kfp_target, monkeypatch):
    session = start_from_dialog(window, qtbot, {"epochs": "7"}, target="lab")
    wait_finished(qtbot, session, timeout=60_000)
    assert session.state == "succeeded", session.message

    graph, scene = example_tab.document.graph, example_tab.scene
    assert scene.nodes[graph.node_by_name("load-tabular-data").id].run_state == "succeeded"
    assert scene.nodes[graph.node_by_name("write-report").id].run_state == "skipped"

    (created,) = kfp_target.received("POST", "/apis/v2beta1/runs")
    assert created["pipeline_spec"]["pipelineInfo"]["name"] == "train-compare-deploy"
    assert created["runtime_config"]["parameters"]["epochs"] == 7

    record = window.runs.controller.store().get_run(session.run_id)
    assert record.backend == "kfp" and record.target["host"] == kfp_target.url and record.state == "succeeded"

    # the history offers the run's page in the Kubeflow Pipelines UI
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    history = window.runs.history
    window.runs.show_runs()
    history.reload()
    qtbot.waitUntil(lambda: session.run_id in history.visible_run_ids(), timeout=10_000)
    history.select_runs([session.run_id])
    assert history.console_button.isEnabled()
    history.console_button.click()
    assert opened == [f"{kfp_target.url}/#/runs/details/{record.target['remote_id']}"]


def test_remote_runs_submitted_earlier_are_refreshed_when_the_app_starts(qtbot, catalog, tmp_path, monkeypatch):
    from workbench.compiler import ir_text_for
    from workbench.gui.main_window import MainWindow
    from workbench.runs import paths
    from workbench.runs.remote.client import client_for
    from workbench.runs.remote.tracking import record_submission
    from workbench.runs.store import RunStore
    from workbench.settings import KfpTarget

    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "config"))
    finished = [{"run": "SUCCEEDED", "tasks": {task: "SUCCEEDED" for task in TASKS}}]
    with FakeKfp(finished) as fake:
        target = KfpTarget(name="lab", host=fake.url)
        ir_text = ir_text_for(EXAMPLE)
        store = RunStore(paths.runs_db_path())
        submission = client_for(target).submit(ir_text, {}, "earlier-run")
        record_submission(store, "earlier-run", "train-compare-deploy", ir_text, {}, target, submission)
        store.close()
        assert RunStore(paths.runs_db_path()).get_run("earlier-run").state == "running"

        window = MainWindow(catalog)
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: window.runs.controller.store().get_run("earlier-run").state == "succeeded",
                        timeout=20_000)
        window.close()
