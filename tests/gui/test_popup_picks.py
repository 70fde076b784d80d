"""The three crashes users hit (issue 10), replayed in a child process with real popups and key
events: the child must survive and the pick must reach the graph."""

from __future__ import annotations

import json

import pytest

from child_process import run_child, survived


def scenario(name: str, tmp_path) -> dict:
    result = survived(run_child(["tests/gui/popup_scenarios.py", name], tmp_path / "data", timeout=300))
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


@pytest.mark.xserver
def test_binding_dropdown_pick_value(tmp_path):
    assert scenario("binding_value", tmp_path)["kind"] == "constant"


@pytest.mark.xserver
def test_condition_operator_pick(tmp_path):
    assert scenario("condition_operator", tmp_path) == {"op": ">="}


@pytest.mark.xserver
def test_loop_parallelism_step_then_items_source_pick(tmp_path):
    result = scenario("loop_parallelism_then_items", tmp_path)
    before, after = result["parallelism"]
    assert after == before + 1
    assert result["items"][0] != result["items"][1], "the pick changed where the items come from"
