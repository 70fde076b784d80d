"""Every control and menu action of the app on every example and a new document, in a child
process (see exercise_app.py): a segfault or an uncaught exception fails the test with its trace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from child_process import ROOT, run_child, survived

DOCUMENTS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pipelines").glob("*.wbp")) + ["new"]


@pytest.mark.xserver
def test_exerciser_visits_everything_without_a_crash(tmp_path):
    examples = {p: p.read_bytes() for p in (ROOT / "pipelines").glob("*.wbp")}
    result = survived(run_child(["tests/gui/exercise_app.py", *DOCUMENTS], tmp_path / "data", timeout=900))
    counts = [json.loads(line.removeprefix("EXERCISED ")) for line in result.stdout.splitlines()
              if line.startswith("EXERCISED ")]
    print("\n".join(json.dumps(c, sort_keys=True) for c in counts))
    assert [c["example"] for c in counts] == [Path(d).name for d in DOCUMENTS]
    assert all(p.read_bytes() == data for p, data in examples.items()), "File > Save went to a copy"
    for c in counts:
        assert c["uncaught"] == 0, c
        assert c.get("changed_by_closed_dialog", 0) == 0, "a dialog closed mid-edit leaves the document intact"
        assert c["dialogs_closed_mid_edit"] >= 5, c
        assert c["actions"] >= 30 and c["docks"] >= 5, c
        assert c["themes"] == 3, c
        assert c["menu_background_entries"] == 4 and c["menu_history_entries"] == 8, "every context-menu entry"
        assert c["shortcuts_for_wrap"] == 4 and c["guide_found"] == 1 and c["about_versions"] == 7, c
        if c["example"] == "hyperparameter_sweep.wbp":  # its grid parameter is a List
            assert c.get("json_editors", 0) >= 1 and c["json_refused"] == c["json_editors"], c
        if c["example"] != "new":
            assert c["picks"] >= 20 and c["steps"] >= 3 and c["selections"] >= 5, c
            assert c["menu_task_entries"] >= 9 and c["menu_frame_entries"] >= 3 and c["menu_edge_entries"] == 1, c
        if c["example"] in ("hyperparameter_sweep.wbp", "sharded_processing.wbp"):  # a fed run's loop picker
            assert c["loop_pickers"] >= 1, c
