"""The exerciser: runs the real app in this process (started as a child by test_exerciser.py, so a
segfault is a failed test with the fault trace) and, for each document given (a .wbp path, or
`new`), selects the pipeline, every task and every group, and in the inspector and the docks picks
every entry of every dropdown through its popup with key events, steps every spin box and toggles
every check box; then triggers every enabled menu action, a timer closing the modal dialogs they
open. Prints one `EXERCISED {json}` line of counts per document; exits 1 on an uncaught exception.

    python tests/gui/exercise_app.py pipelines/sharded_processing.wbp new
"""

from __future__ import annotations

import faulthandler
import json
import os
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
faulthandler.enable(all_threads=True)

from PySide6.QtCore import QEvent, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QCheckBox, QComboBox, QDockWidget,  # noqa: E402
                               QLineEdit, QWidget)

SKIPPED_ACTIONS = {"quit", "close"}  # they end the session being exercised


def settle() -> None:
    """Let deferred rebuilds run and retired widgets be deleted, as the event loop would."""
    for _ in range(3):
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def usable(widget: QWidget) -> bool:
    return widget.isVisible() and widget.isEnabled() and widget.objectName() != "retired"


def pick(combo: QComboBox, index: int) -> None:
    """Open the popup and walk to entry `index` with the arrow keys, then press Enter."""
    combo.showPopup()
    view = combo.view()
    delta = index - combo.currentIndex()
    key = Qt.Key.Key_Down if delta > 0 else Qt.Key.Key_Up
    for _ in range(abs(delta)):
        QTest.keyClick(view, key)
    QTest.keyClick(view, Qt.Key.Key_Return)
    if view.isVisible():  # a disabled entry: Enter does not close the popup
        combo.hidePopup()
    settle()


class Exerciser:
    def __init__(self, window):
        self.window = window
        self.counts: Counter[str] = Counter()

    def panel(self, root_of) -> None:
        """Every control under `root_of()`, looked up again after each edit (the panel rebuilds)."""
        from workbench.gui.json_editor import JsonField

        for kind, act in ((QComboBox, self._combo), (QAbstractSpinBox, self._spin), (QCheckBox, self._check),
                          (JsonField, self._json)):
            position = 0
            while True:
                controls = [w for w in root_of().findChildren(kind) if usable(w)]
                if position >= len(controls):
                    break
                act(root_of, kind, position, controls[position])
                position += 1

    def _again(self, root_of, kind, position):
        controls = [w for w in root_of().findChildren(kind) if usable(w)]
        return controls[position] if position < len(controls) else None

    def _combo(self, root_of, kind, position, combo: QComboBox) -> None:
        for index in range(combo.count()):
            combo = self._again(root_of, kind, position)
            if combo is None or index >= combo.count():
                return
            pick(combo, index)
            self.counts["picks"] += 1

    def _spin(self, root_of, kind, position, spin: QAbstractSpinBox) -> None:
        for key in (Qt.Key.Key_Up, Qt.Key.Key_Up, Qt.Key.Key_Down):
            spin = self._again(root_of, kind, position)
            if spin is None:
                return
            spin.setFocus()
            QTest.keyClick(spin, key)
            settle()
            self.counts["steps"] += 1

    def _check(self, root_of, kind, position, box: QCheckBox) -> None:
        for _ in range(2):
            box = self._again(root_of, kind, position)
            if box is None:
                return
            QTest.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
            settle()
            self.counts["toggles"] += 1

    def _json(self, root_of, kind, position, field) -> None:
        """Open the JSON editor, type half a value (refused: stays open), then cancel with Esc."""
        dialog = field.open_editor()
        settle()
        QTest.keyClicks(dialog.editor, "half-typed")
        QTest.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
        self.counts["json_refused"] += dialog.isVisible()
        QTest.keyClick(dialog.editor, Qt.Key.Key_Escape)
        settle()
        self.counts["json_editors"] += 1

    def themes(self) -> None:
        """Settings > Theme: every choice, back to following the system."""
        for action in [*self.window.theme_menu.actions()[1:], self.window.theme_menu.actions()[0]]:
            action.trigger()
            settle()
            self.counts["themes"] += 1

    def document(self, tab) -> None:
        graph = tab.document.graph
        targets = [[]] + [[n] for n in graph.nodes] + [[g] for g in graph.groups]
        for target in targets:
            if any(t not in graph.nodes and t not in graph.groups for t in target):
                continue  # removed by an earlier pick (e.g. Unwrap is a button, not visited)
            tab.scene.select_ids(target)
            settle()
            self.counts["selections"] += 1
            self.panel(lambda: self.window.inspector.page)
        tab.scene.select_ids([])
        for dock in self.window.findChildren(QDockWidget):
            if dock.widget() is None or dock.widget() is self.window.inspector:
                continue
            dock.show()
            dock.raise_()
            settle()
            self.panel(dock.widget)
            self.counts["docks"] += 1

    def actions(self) -> None:
        closer = QTimer(interval=30)
        closer.timeout.connect(close_modal)
        closer.start()
        for name, action in list(self.window.actions_by_name.items()):
            if name in SKIPPED_ACTIONS or not action.isEnabled():
                continue
            before, closed = self._document_text(), CLOSED["dialogs"]
            action.trigger()
            settle()
            self.counts["actions"] += 1
            if CLOSED["dialogs"] > closed and before is not None and self._document_text() != before:
                self.counts["changed_by_closed_dialog"] += 1
                print(f"closing the dialog of {name} mid-edit changed the document", file=sys.stderr)
        closer.stop()
        close_modal()
        self.counts["dialogs_closed_mid_edit"] = CLOSED["dialogs"]

    def _document_text(self) -> str | None:
        from workbench.model.serialize import to_json

        current = self.window.current
        return to_json(current.document.graph) if current is not None else None


CLOSED = Counter()


def feed_run(window, tab) -> int:
    """A finished run of the document, fed as the engine's events (no Docker): every task succeeds,
    logs a line and a short loss curve, loops report their items, so the run docks, the loop
    pickers and the names in them are visited too. Returns the number of loop pickers opened."""
    import time

    from workbench.compiler.compile import compile_graph
    from workbench.gui.runs.session import RunOptions, RunSession
    from workbench.runs.events import LogLine, MetricLogged, RunFinished, TaskStateChanged
    from workbench.runs.task_names import TaskNames, item_labels, is_group_segment

    graph = tab.document.graph
    if not graph.nodes:
        return 0
    ir_text = compile_graph(graph)
    parents = TaskNames.from_ir(ir_text).parents
    session, now = RunSession("exercised", RunOptions(ir_text, {})), time.time()

    def path(name: str) -> str:
        """The engine's task id: the DAG path, the first iteration of every loop on the way."""
        parent = parents.get(name, "")
        return f"{path(parent)}{'[0]' if parent.startswith('for-loop-') else ''}/{name}" if parent else name

    for name in parents:
        task_id = path(name)
        details = {"iterations": 2, "items": item_labels([{"lr": 0.1, "note": "a & <b>"}, "x" * 300])} \
            if name.startswith("for-loop-") else {}
        session.apply(TaskStateChanged("exercised", task_id, name, "succeeded", now, details=details))
        if not is_group_segment(name):
            session.apply(LogLine("exercised", task_id, f"hello from {name}", now))
            for step in range(3):
                session.apply(MetricLogged("exercised", task_id, "loss", 1.0 / (step + 1), step, now))
    session.apply(RunFinished("exercised", "succeeded", now + 1))
    session.names  # read from the IR now; then the pipeline is dropped, so that Run Again refuses
    session.options = None  # instead of starting a real run
    window.runs.bind(tab, session)
    window.runs.show_session(session)
    settle()
    opened = 0
    for badge in window.runs.overlays[tab].badges.values():
        if badge.iterations:
            menu = badge.picker()
            menu.popup(window.mapToGlobal(window.rect().center()))
            QTest.keyClick(menu, Qt.Key.Key_Down)
            QTest.keyClick(menu, Qt.Key.Key_Down)
            QTest.keyClick(menu, Qt.Key.Key_Return)
            settle()
            opened += 1
    return opened


def close_modal() -> None:
    """Close what a menu action opened (a modal dialog, a message box, a file dialog, a menu), after
    typing into its first text field: a dialog closed in the middle of an edit."""
    for widget in (QApplication.activePopupWidget(), QApplication.activeModalWidget()):
        if widget is None:
            continue
        fields = [f for f in widget.findChildren(QLineEdit) if usable(f) and not f.isReadOnly()]
        if fields:
            QTest.keyClicks(fields[0], "half-typed")
        reject = getattr(widget, "reject", None)
        reject() if reject else widget.close()
        CLOSED["dialogs"] += 1


def exercise(paths: list[str]) -> int:
    from workbench.gui.crash.error_reporter import ErrorReporter
    from workbench.gui.editor_document import EditorDocument
    from workbench.gui.main_window import MainWindow
    from workbench.gui.opening import open_file

    app = QApplication.instance() or QApplication(sys.argv[:1])
    reporter = ErrorReporter(app)
    reporter.install()
    # a background job started by an action (TensorBoard on the fed run) may answer with a message
    # box while the window closes: close those too
    late_closer = QTimer(interval=100)
    late_closer.timeout.connect(close_modal)
    late_closer.start()
    failed = 0
    for path in paths:
        window = MainWindow()
        window.resize(1400, 900)
        window.show()
        QTest.qWaitForWindowExposed(window, 2000)
        window.layouts.switch("design")  # the last window's actions left it in the Run layout
        CLOSED.clear()
        if path == "new":
            tab = window.new_document()
        else:  # a copy: File > Save is one of the actions exercised
            copy = Path(os.environ.get("WORKBENCH_DATA_DIR") or tempfile.mkdtemp()) / "documents" / Path(path).name
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
            opened = open_file(str(copy))
            tab = window.add_document(EditorDocument(opened.graph, opened.path))
        settle()
        exerciser = Exerciser(window)
        exerciser.counts["loop_pickers"] = feed_run(window, tab)
        exerciser.document(tab)
        exerciser.actions()
        exerciser.themes()
        counts = dict(exerciser.counts, uncaught=reporter.count, example=os.path.basename(path))
        print("EXERCISED " + json.dumps(counts, sort_keys=True), flush=True)
        failed += reporter.count
        reporter.count = 0
        for each in window.tabs_list():
            each.document.undo_stack.setClean()
        window.close()
        window.deleteLater()
        settle()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(exercise(sys.argv[1:] or ["new"]))
