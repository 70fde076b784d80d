"""Sessions: the documents open at the end, the active tab and the layout come back at the next
start (`build_window`, the app's start-up path), with the command-line files opened as well. A file
gone since is told in the status bar, never in a dialog each."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from child_process import HERE, run_child, survived

from workbench.gui.layouts import DESIGN, RUN

EXAMPLES = Path(__file__).resolve().parents[2] / "pipelines"


@pytest.fixture
def documents(tmp_path) -> dict[str, str]:
    folder = tmp_path / "documents"
    folder.mkdir()
    found = {}
    for name, example in (("a", "train_compare_deploy"), ("b", "sharded_processing"), ("c", "hyperparameter_sweep"),
                          ("d", "train_compare_deploy")):
        shutil.copyfile(EXAMPLES / f"{example}.wbp", folder / f"{name}.wbp")
        found[name] = str((folder / f"{name}.wbp").resolve())
    return found


def lifetime(data_dir: Path, *args: str) -> dict:
    result = survived(run_child([str(HERE / "session_lifetime.py"), *args], data_dir, timeout=120))
    line = next(line for line in result.stdout.splitlines() if line.startswith("REPORT "))
    return json.loads(line[len("REPORT "):])


def test_two_app_lifetimes_share_the_session(tmp_path, documents):
    data_dir = tmp_path / "data"  # both children get the same XDG_CONFIG_HOME (tmp_path / "config")
    a, b, c, d = (documents[name] for name in "abcd")
    first = lifetime(data_dir, "--activate", b, "--layout", RUN, a, b, c)
    assert first["tabs"] == [a, b, c] and first["active"] == c  # nothing remembered yet: the files given
    assert first["layout"] == DESIGN and first["dialogs"] == []

    Path(c).unlink()
    second = lifetime(data_dir, d)
    assert second["tabs"] == [a, b, d]  # the session's documents, then the one asked for now
    assert second["active"] == d
    assert second["layout"] == RUN
    assert "could not be opened" in second["status"] and f"{c} is gone" in second["status"]
    assert second["dialogs"] == []

    third = lifetime(data_dir)
    assert third["tabs"] == [a, b, d] and third["active"] == d and third["status"] == ""


def build(qtbot, files: list[str] | None = None):
    from workbench.gui.app import build_window

    window = build_window(files or [])
    qtbot.addWidget(window)
    window.show()
    return window


def close(window) -> None:
    for tab in window.tabs_list():
        tab.document.undo_stack.setClean()
    window.close()


def test_the_active_tab_comes_back_and_new_documents_are_left_to_recovery(qtbot, documents):
    window = build(qtbot, [documents["a"], documents["b"]])
    window.new_document()  # never saved: autosave and recovery look after it, not the session
    window.tabs.setCurrentWidget(window.tab_for_path(documents["a"]))
    close(window)

    again = build(qtbot)
    assert [t.document.path for t in again.tabs_list()] == [documents["a"], documents["b"]]
    assert again.current.document.path == documents["a"]
    close(again)


def test_unreadable_documents_are_named_in_the_status_bar_not_in_dialogs(qtbot, documents, dialogs):
    window = build(qtbot, [documents["a"], documents["b"], documents["c"]])
    close(window)
    Path(documents["b"]).write_text("{ not a pipeline", encoding="utf-8")
    Path(documents["c"]).unlink()

    again = build(qtbot)
    assert [t.document.path for t in again.tabs_list()] == [documents["a"]]
    message = again.statusBar().currentMessage()
    assert message.startswith("2 documents of the last session could not be opened")
    assert documents["b"] in message and f"{documents['c']} is gone" in message
    assert dialogs.messages == []
    assert again.width() <= 1400  # a long message does not widen the window
    close(again)


def test_a_recovered_document_replaces_its_last_saved_version(qtbot, documents):
    from workbench.gui.app import recover
    from workbench.gui.autosave import Autosaver, pending_recoveries
    from workbench.gui.editor_document import EditorDocument
    from workbench.gui.opening import read_document
    from workbench.model.document import Parameter

    close(build(qtbot, [documents["a"]]))
    edited = EditorDocument(read_document(documents["a"]), documents["a"])  # a's unsaved edit, left by a crash
    edited.set_parameter(Parameter("unsaved_work", "String", "x"))
    saver = Autosaver(edited)
    saver.write()

    window = build(qtbot)  # the session reopens a as last saved; the recovery then takes its place
    assert [t.document.path for t in window.tabs_list()] == [documents["a"]]
    assert recover(window, pending_recoveries()) == 1
    (only,) = window.tabs_list()
    assert "unsaved_work" in only.document.graph.parameters and only.document.path == documents["a"]
    close(window)
