"""Opening a remote run's console page: the address comes from the recorded target (no network);
a local run says it has none."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtGui import QDesktopServices

from workbench.gui.console_page import open_console_page
from workbench.settings import KfpTarget, VertexTarget, target_to_dict


def test_remote_runs_open_their_page(monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toString()) or True))
    vertex = SimpleNamespace(id="r1", target={**target_to_dict(VertexTarget(project="p", region="europe-west4")),
                                              "remote_id": "projects/p/locations/europe-west4/pipelineJobs/job-1"})
    kfp = SimpleNamespace(id="r2", target={**target_to_dict(KfpTarget(host="https://kfp.example.com/")),
                                           "remote_id": "abc"})
    assert open_console_page(vertex) == ("https://console.cloud.google.com/vertex-ai/locations/europe-west4/"
                                         "pipelines/runs/job-1?project=p")
    assert open_console_page(kfp) == "https://kfp.example.com/#/runs/details/abc"
    assert len(opened) == 2


def test_a_local_run_has_no_page(dialogs):
    assert open_console_page(SimpleNamespace(id="r3", target=None)) is None
    assert dialogs.messages[-1][:2] == ("information", "No console page")
