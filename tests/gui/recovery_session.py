"""One app session for the recovery test (run as a child process): start as the app does (fault
log, crash report, recovery offer, answered "Recover"), optionally edit, then die by SIGKILL or
os.abort() once the recovery file holds the edit, or report what the start offered and exit.

    python recovery_session.py edit NAME kill|abort   add parameter NAME, then die
    python recovery_session.py recover kill|abort     recover, no edit, then die
    python recovery_session.py report                 print REPORT {json} and exit cleanly
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402


def start():
    from workbench.gui import app as gui_app
    from workbench.gui.autosave import pending_recoveries
    from workbench.gui.crash.fault_log import FaultLog, previous_crashes
    from workbench.gui.crash.report_dialog import RECOVER

    QApplication.instance() or QApplication(sys.argv[:1])
    crashes = previous_crashes()
    fault_log = FaultLog()
    assert fault_log.start() is None
    window = gui_app.MainWindow()
    window.show()
    offered = pending_recoveries()
    dialog = gui_app.startup_dialog(window, crashes, offered)
    report = {"crashes": [c.summary for c in crashes], "trace": dialog.trace.toPlainText() if dialog else "",
              "offered": len(offered)}
    if dialog is not None:
        report["recovered"] = gui_app.settle_startup(window, dialog, RECOVER, crashes)
    if window.current is None:
        window.new_document()
    return window, fault_log, report


def die(how: str) -> None:
    sys.stdout.flush()
    if how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    os.abort()


def wait_for_autosave(window, text: str) -> None:
    autosaver = window.autosavers[window.current]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if autosaver.document_file.exists() and text in autosaver.document_file.read_text(encoding="utf-8"):
            return
        time.sleep(0.05)
    raise SystemExit("the recovery file was not written")


def main(argv: list[str]) -> int:
    from workbench.model.document import Parameter

    window, fault_log, report = start()
    mode = argv[0]
    if mode == "edit":
        window.current.document.set_parameter(Parameter(argv[1], "String", "unsaved work"))
        wait_for_autosave(window, argv[1])
        die(argv[2])
    if mode == "recover":
        for _ in range(20):
            QApplication.processEvents()
        die(argv[1])
    documents = [tab.document for tab in window.tabs_list()]
    report["parameters"] = sorted(p for d in documents for p in d.graph.parameters)
    report["modified"] = [d.modified for d in documents]
    print("REPORT " + json.dumps(report), flush=True)
    for document in documents:
        document.undo_stack.setClean()
    fault_log.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
