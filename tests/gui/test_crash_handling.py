"""Uncaught exceptions become a logged error dialog (never the end of the app); damaged recovery
files, damaged or unwritable crash logs give a message and leave the documents intact."""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer

from gui_drive import node_named
from workbench.gui import app as gui_app
from workbench.gui.autosave import pending_recoveries, recovery_dir
from workbench.gui.crash.error_reporter import ErrorReporter
from workbench.gui.crash.fault_log import CrashReport, FaultLog, archive, previous_crashes
from workbench.gui.crash.report_dialog import DISCARD, StartupReportDialog
from workbench.model.bindings import Binding
from workbench.model.document import Parameter
from workbench.model.serialize import to_json

DEAD_PID = 2 ** 22 + 12345  # above the kernel's pid_max default


@pytest.fixture
def reporter(qtbot):
    reporter = ErrorReporter()
    reporter.install()
    yield reporter
    reporter.uninstall()
    if reporter.dialog is not None:
        reporter.dialog.done(0)


def test_exception_in_a_slot_is_logged_and_shown_with_details(reporter, qtbot, caplog):
    def broken_slot():
        raise ZeroDivisionError("broken slot")

    with caplog.at_level(logging.ERROR, logger="workbench.gui.crash.error_reporter"):
        QTimer.singleShot(0, broken_slot)
        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.count == 2, timeout=3000)
    assert "ZeroDivisionError: broken slot" in reporter.dialog.informativeText()
    details = reporter.dialog.detailedText()
    assert details.count("in broken_slot") == 2, "both errors in one dialog, with their tracebacks"
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)
    reporter.dialog.done(0)
    qtbot.waitUntil(lambda: reporter.dialog is None)
    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: reporter.dialog is not None, timeout=3000)
    assert reporter.dialog.detailedText().count("in broken_slot") == 1, "a new dialog starts afresh"


def test_exception_in_a_worker_thread_reaches_the_gui_thread(reporter, qtbot):
    def worker():
        raise KeyError("from the worker")

    thread = threading.Thread(target=worker, name="compile-worker")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None, timeout=3000)
    assert "in thread compile-worker" in reporter.dialog.informativeText()
    assert "from the worker" in reporter.dialog.detailedText()


def test_damaged_recovery_files_give_a_message_and_the_rest_is_recovered(window, tab, qtbot, dialogs):
    graph = tab.document.graph
    tab.document.set_parameter(Parameter("kept", "String", "x"))
    qtbot.waitUntil(lambda: len(pending_recoveries()) == 1, timeout=3000)
    folder = recovery_dir()
    (folder / "garbage.wbp").write_bytes(b"\x00\xffnot a document{")
    (folder / "garbage.json").write_text("[1, 2", encoding="utf-8")  # damaged metadata as well
    (folder / "wrongtypes.wbp").write_text(json.dumps({"schema_version": 999, "nodes": "x"}), encoding="utf-8")
    (folder / "wrongtypes.json").write_text(json.dumps({"path": 7, "saved_at": "soon", "pid": "me"}),
                                            encoding="utf-8")
    offered = pending_recoveries()
    assert len(offered) == 3 and {r.title for r in offered} == {"(never saved)"}
    before = to_json(graph)
    assert gui_app.recover(window, offered) == 1
    warnings = [m for m in dialogs.messages if m[1] == "Cannot recover"]
    assert len(warnings) == 2 and any("garbage.wbp" in m[2] for m in warnings)
    assert all("moved to" in m[2] for m in warnings)
    assert sorted(p.name for p in (folder / "damaged").iterdir()) == ["garbage.wbp", "wrongtypes.wbp"]
    assert to_json(graph) == before, "the open document is untouched"
    assert "kept" in window.current.document.graph.parameters


def test_discard_deletes_only_the_checked_recoveries(window, tab, qtbot):
    tab.document.set_binding(node_named(tab.document.graph, "train"), "label", Binding.constant("z"))
    qtbot.waitUntil(lambda: len(pending_recoveries()) == 1, timeout=3000)
    (recovery_dir() / "other.wbp").write_text(to_json(tab.document.graph), encoding="utf-8")
    (recovery_dir() / "other.json").write_text("{}", encoding="utf-8")
    offered = pending_recoveries()
    dialog = StartupReportDialog([], offered, window)
    dialog.documents.item(0).setCheckState(Qt.CheckState.Unchecked)
    gui_app.settle_startup(window, dialog, DISCARD, [])
    assert [r.document_file for r in pending_recoveries()] == [offered[0].document_file]


def test_unwritable_crash_log_gives_a_message(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the crash folder should be")
    fault_log = FaultLog(blocker / "crashes")
    message = fault_log.start()
    assert message is not None and str(blocker / "crashes") in message
    fault_log.stop()  # nothing to undo, and no error


def test_damaged_crash_logs_are_reported_then_archived(tmp_path):
    folder = tmp_path / "crashes"
    folder.mkdir()
    (folder / f"session-{DEAD_PID}.log").write_bytes(b"\xff\xfe garbage without a header\nFatal Python error: "
                                                     b"Segmentation fault\n\nThread 0x1 (most recent call first):")
    (folder / f"session-{DEAD_PID + 1}.log").mkdir()  # unreadable: skipped with a warning
    (folder / "session-notapid.log").write_text("")
    (folder / f"session-{os.getpid()}.log").write_text("this very session: not a crash")
    reports = previous_crashes(folder)
    assert [r.session_file.name for r in reports] == [f"session-{DEAD_PID}.log", "session-notapid.log"]
    assert "Segmentation fault" in reports[0].summary and reports[0].started == "earlier"
    assert "no trace" in reports[1].summary
    for report in reports:
        archive(report)
    assert len(list((folder / "reported").glob("crash-*.log"))) == 2
    assert previous_crashes(folder) == []


def test_archive_that_cannot_move_the_log_still_clears_it(tmp_path):
    folder = tmp_path / "crashes"
    folder.mkdir()
    (folder / "reported").write_text("a file, not a folder")
    session = folder / f"session-{DEAD_PID}.log"
    session.write_text("Pipeline Workbench session pid 1 started 2026-01-01 00:00:00\n")
    archive(CrashReport(session, "then", ""))
    assert not session.exists()


def test_crash_report_dialog_copies_the_trace(window, qtbot):
    from PySide6.QtGui import QGuiApplication

    report = CrashReport(Path("session-1.log"), "2026-12-02 10:00:00",
                         "Fatal Python error: Segmentation fault\n  File \"x.py\", line 3 in pick")
    dialog = StartupReportDialog([report], [], window)
    qtbot.addWidget(dialog)
    assert "closed unexpectedly" in dialog.windowTitle()
    dialog.copy_button.click()
    assert dialog.copy_button.text() == "Copied"
    assert "line 3 in pick" in QGuiApplication.clipboard().text()


def test_slot_exception_reaches_the_log_file_the_dialog_names(data_dir, qtbot):
    from workbench.logs import configure_file_logging

    log_file = configure_file_logging()
    reporter = ErrorReporter(log_file=str(log_file))
    reporter.install()
    try:
        def broken_slot():
            raise KeyError("lost key")

        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: reporter.dialog is not None, timeout=3000)
        assert str(log_file) in reporter.dialog.text()
        for handler in logging.getLogger("workbench").handlers:
            handler.flush()
        logged = log_file.read_text()
        assert "KeyError: 'lost key'" in logged and "in broken_slot" in logged
    finally:
        reporter.uninstall()
        if reporter.dialog is not None:
            reporter.dialog.done(0)
