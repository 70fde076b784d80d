"""The exerciser: runs the real app in this process (started as a child by test_exerciser.py, so a
segfault is a failed test with the fault trace) and, for each document given (a .wbp path, or
`new`), selects the pipeline, every task and every group, and in the inspector and the docks picks
every entry of every dropdown through its popup with key events, steps every spin box and toggles
every check box; right-clicks the canvas background, every task, every frame and an edge and the
run history's rows and picks every entry of each context menu; then triggers every enabled menu
action, a timer closing the modal dialogs they open, and works the Help dialogs. Prints one
`EXERCISED {json}` line of counts per document; exits 1 on an uncaught exception.

    python tests/gui/exercise_app.py pipelines/sharded_processing.wbp new
"""

from __future__ import annotations

import faulthandler
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
faulthandler.enable(all_threads=True)

from PySide6.QtCore import QEvent, QPointF, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QCheckBox, QComboBox, QDockWidget,  # noqa: E402
                               QLineEdit, QMenu, QWidget)

from gui_drive import frame_point, node_header  # noqa: E402
from menu_drive import open_menu  # noqa: E402

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

    def context_menus(self, tab) -> None:
        """Every entry of the canvas menus of the background, each task, each frame and the first
        edge, with a run shown on the canvas (so View Logs and Run from Here apply); each pick is
        undone, so the next one starts from the same document."""
        self._show_a_run(tab)
        scene = tab.scene
        targets = [("background", lambda: scene.content_rect().bottomRight() + QPointF(80, 80))]
        targets += [("task", lambda n=n: node_header(scene, n) if n in scene.nodes else None)
                    for n in list(scene.nodes)]
        targets += [("frame", lambda g=g: frame_point(tab, g) if g in scene.frames else None)
                    for g in list(scene.frames)]
        targets += [("edge", lambda e=e: scene.edges[e].path().pointAtPercent(0.5) if e in scene.edges else None)
                    for e in [k for k, edge in scene.edges.items()
                              if scene.item_at(edge.path().pointAtPercent(0.5)) is edge][:1]]
        closer = QTimer(interval=30)
        closer.timeout.connect(lambda: close_modal(menus=False))
        closer.start()
        for kind, point_of in targets:
            index = 0
            while point_of() is not None:
                depth = tab.document.undo_stack.index()
                tab.view.centerOn(point_of())
                seen = open_menu(tab.view.viewport(), tab.view.mapFromScene(point_of()), index)
                settle()
                if index >= len(seen["entries"]):
                    break
                self.counts["menu_picks" if seen["picked"] else "menu_disabled_entries"] += 1
                self.counts[f"menu_{kind}_entries"] += 1
                tab.document.undo_stack.setIndex(depth)
                settle()
                index += 1
        closer.stop()
        close_modal()

    def _show_a_run(self, tab) -> None:
        """A finished run of the document's tasks on its canvas, as the engine would report it (with
        no stored pipeline: Run from Here then says it cannot run it again)."""
        from workbench.gui.runs.session import RunOptions, RunSession
        from workbench.runs.events import LogLine, RunFinished, TaskStateChanged

        session = RunSession("exercised", RunOptions("", {}))
        for node in tab.document.graph.nodes.values():
            session.apply(TaskStateChanged("exercised", node.id, node.name, "succeeded", time.time()))
            session.apply(LogLine("exercised", node.id, f"{node.name} says hello", time.time()))
        session.apply(RunFinished("exercised", "succeeded", time.time()))
        self.window.runs.bind(tab, session)

    def history_menu(self) -> None:
        """Every entry of a history row's menu, with one row selected and with two."""
        from workbench.runs.events import RunFinished

        runs = self.window.runs
        store = runs.controller.store()
        known = {r.id for r in store.list_runs()}
        for number in range(2):
            run_id = f"exercised-{len(known) + number}"
            store.create_run(run_id, "exercised", "pipelineInfo: {name: exercised}\n", {"n": number}, "docker")
            store.on_event(RunFinished(run_id, "succeeded", time.time()))
        store.flush()
        runs.show_runs()
        wait_for(lambda: runs.history.table.rowCount() >= 2 and not runs.history.loading)
        closer = QTimer(interval=30)
        closer.timeout.connect(lambda: close_modal(menus=False))
        closer.start()
        table = runs.history.table
        for selected in (1, 2):
            index = 0
            while True:
                ids = runs.history.visible_run_ids()[:selected]
                runs.history.select_runs(ids)
                row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == ids[-1])
                seen = open_menu(table.viewport(), table.visualRect(table.model().index(row, 1)).center(), index)
                wait_for(lambda: not runs.controller.jobs.busy and not runs.history.loading)
                settle()
                for view in list(runs.compare_views):
                    view.close()
                if index >= len(seen["entries"]):
                    break
                self.counts["menu_picks" if seen["picked"] else "menu_disabled_entries"] += 1
                self.counts["menu_history_entries"] += 1
                index += 1
        closer.stop()
        close_modal()

    def help_dialogs(self) -> None:
        """Filter the shortcuts, search the user guide and scroll it, read About."""
        shortcuts = self.window.show_shortcuts()
        QTest.keyClicks(shortcuts.search, "wrap")
        self.counts["shortcuts_for_wrap"] = len(shortcuts.visible_commands())
        shortcuts.close()
        guide = self.window.show_user_guide()
        QTest.keyClicks(guide.find, "Help menu")
        QTest.keyClick(guide.find, Qt.Key.Key_Return)
        self.counts["guide_found"] = int(guide.found.text() != "not found")
        guide.browser.verticalScrollBar().setValue(guide.browser.verticalScrollBar().maximum())
        settle()
        guide.close()
        about = self.window.show_about()
        self.counts["about_versions"] = len(about.values)
        about.close()
        settle()

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
    from workbench.errors import CompileError
    from workbench.gui.runs.session import RunOptions, RunSession
    from workbench.runs.events import LogLine, MetricLogged, RunFinished, TaskStateChanged
    from workbench.runs.task_names import TaskNames, item_labels, is_group_segment

    graph = tab.document.graph
    if not graph.nodes:
        return 0
    try:
        ir_text = compile_graph(graph)
    except CompileError:  # an unfinished document has no run to show
        return 0
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


def wait_for(condition, timeout_s: float = 10.0) -> None:
    """Let the event loop run until `condition()` holds (background jobs report through it)."""
    end = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < end:
        QTest.qWait(20)


def close_modal(menus: bool = True) -> None:
    """Close what a menu action opened (a modal dialog, a message box, a file dialog, a menu), after
    typing into its first text field: a dialog closed in the middle of an edit. With `menus` False
    a popup menu stays open (a context menu being exercised)."""
    for widget in (QApplication.activePopupWidget(), QApplication.activeModalWidget()):
        if widget is None or not menus and isinstance(widget, QMenu):
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
        exerciser.context_menus(tab)
        exerciser.document(tab)
        exerciser.history_menu()
        exerciser.actions()
        exerciser.themes()
        exerciser.help_dialogs()
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
