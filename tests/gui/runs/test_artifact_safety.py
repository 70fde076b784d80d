"""The artifact views read only what lies in the run's own workspace, without following links and
at most PREVIEW_BYTES: a task cannot make the app show a host file by naming it as an artifact."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QTableWidget, QTextBrowser

from workbench.gui.runs.artifact_views import PREVIEW_BYTES, artifact_file, artifact_viewer
from workbench.runs.events import ArtifactProduced


@pytest.fixture
def task_dir(data_dir):
    folder = data_dir / "workspaces" / "run1" / "tasks" / "report"
    folder.mkdir(parents=True)
    return folder


def produced(uri: str, kind: str = "system.Markdown") -> ArtifactProduced:
    return ArtifactProduced(run_id="run1", task_id="report", name="out", type=kind, uri=uri, metadata={}, time=0.0)


def test_a_report_inside_the_run_is_shown(task_dir, qtbot):
    (task_dir / "report.md").write_text("# Accuracy 0.93")
    viewer = artifact_viewer(produced(str(task_dir / "report.md")))
    qtbot.addWidget(viewer)
    assert isinstance(viewer, QTextBrowser) and "Accuracy 0.93" in viewer.toPlainText()


def test_a_folder_shows_its_first_file_even_nested(task_dir, qtbot):
    (task_dir / "data" / "part").mkdir(parents=True)
    (task_dir / "data" / "part" / "rows.csv").write_text("a,b\n1,2\n3,4\n")
    viewer = artifact_viewer(produced(str(task_dir / "data"), "system.Dataset"))
    qtbot.addWidget(viewer)
    table = viewer.findChild(QTableWidget)
    assert table is not None and table.rowCount() == 2 and table.item(1, 0).text() == "3"


@pytest.mark.parametrize("plant", ["outside", "link", "link_on_the_way", "dotdot"])
def test_host_files_are_never_read(task_dir, tmp_path, qtbot, plant):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN-123")
    uri = {"outside": str(secret), "dotdot": str(task_dir / ".." / ".." / ".." / ".." / ".." / "secret.txt")}.get(plant)
    if plant == "link":
        (task_dir / "report.md").symlink_to(secret)
        uri = str(task_dir / "report.md")
    if plant == "link_on_the_way":
        (task_dir / "sub").symlink_to(tmp_path)
        uri = str(task_dir / "sub" / "secret.txt")
    assert artifact_file(produced(uri)) is None
    viewer = artifact_viewer(produced(uri))
    qtbot.addWidget(viewer)
    assert isinstance(viewer, QLabel) and "TOKEN-123" not in viewer.text()


def test_a_huge_artifact_is_read_only_up_to_the_preview_limit(task_dir):
    with open(task_dir / "big.csv", "wb") as handle:
        handle.truncate(PREVIEW_BYTES * 4)
    path, text = artifact_file(produced(str(task_dir / "big.csv"), "system.Dataset"))
    assert path.name == "big.csv" and len(text) == PREVIEW_BYTES
