"""The scheduler's policy and decisions in the GUI: the Run dialog states the policy and sets the
cap; a pending node shows why it waits (from the same events `--events jsonl` prints)."""

from __future__ import annotations

import os
import time

from workbench.gui.runs.run_dialog import RunDialog
from workbench.gui.runs.session import RunSession
from workbench.gui.runs.status_overlay import StatusOverlay
from workbench.runs.events import TaskStateChanged


def test_run_dialog_states_the_policy_and_sets_the_cap(qtbot):
    dialog = RunDialog("demo", [])
    qtbot.addWidget(dialog)
    cpus = os.cpu_count() or 1
    assert dialog.max_parallel.value() == 4 * cpus
    assert f"({cpus} CPUs" in dialog.policy.text() and "requests fit this machine" in dialog.policy.text()
    assert "10% of RAM" in dialog.policy.text()
    dialog.max_parallel.setValue(3)
    assert dialog.choice()["max_parallel"] == 3


def test_a_waiting_node_shows_its_reason_until_it_runs(window, example_tab):
    graph = example_tab.document.graph
    node = next(iter(graph.nodes.values()))
    item = example_tab.scene.nodes[node.id]
    session = RunSession("r1")

    def state(value: str, message: str = "", **details) -> None:
        session.apply(TaskStateChanged(run_id="r1", task_id=node.name, task_name=node.name, state=value,
                                       time=time.time(), message=message, details=details))
        overlay.refresh()

    overlay = StatusOverlay(example_tab.scene, session)
    state("pending")
    assert (item.run_state, item.run_text) == ("pending", "pending")
    state("pending", "waiting for CPU: needs 1, 0 of 2 free", waiting_for="cpu")
    assert (item.run_state, item.run_text) == ("pending", "waiting for CPU")
    state("pending", "waiting for memory: 1.0 GiB available, keeping 2.4 GiB free", waiting_for="memory")
    assert item.run_text == "waiting for memory"
    state("running")
    assert item.run_text.startswith("running")
    overlay.detach()
