"""One app lifetime for the session tests (run as a child process, with its own XDG_CONFIG_HOME):
start as the app does (`build_window` with the command-line files), report what it opened, then
maybe pick a tab and a layout, and close the window as a user would.

    python session_lifetime.py [--activate PATH] [--layout design|run] [FILE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402


def count_dialogs(shown: list[str]) -> None:
    """Message boxes would block a child with no one to answer them: record them instead."""
    def make(kind: str):
        def show(parent, title, text, *args, **kwargs):
            shown.append(f"{kind}: {title}: {text}")
            return QMessageBox.StandardButton.Ok
        return staticmethod(show)
    for kind in ("question", "warning", "information", "critical"):
        setattr(QMessageBox, kind, make(kind))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activate")
    parser.add_argument("--layout")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("pipeline-workbench")
    dialogs: list[str] = []
    count_dialogs(dialogs)
    from workbench.gui import app as gui_app

    window = gui_app.build_window(args.files)
    window.show()
    app.processEvents()
    current = window.current
    report = {"tabs": [tab.document.path for tab in window.tabs_list()],
              "active": current.document.path if current else None, "layout": window.layouts.current,
              "status": window.statusBar().currentMessage(), "dialogs": dialogs}
    if args.activate:
        window.tabs.setCurrentWidget(window.tab_for_path(args.activate))
    if args.layout:
        window.layouts.switch(args.layout)
    window.close()
    print("REPORT " + json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
