"""The window's run features in one place: the Run menu's slots, the run docks (logs and step
details, live metrics, history), the status overlays on canvases, comparisons and sweeps.

The main window only creates this object and forwards its Run-menu actions here. The run docks
belong to the Run layout (see layouts), which a starting run brings up, so an editing session never
loads pyqtgraph. They show the run of the active document's tab, or nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QTabWidget

from workbench.errors import WorkbenchError
from workbench.gui.elided_label import ElidedLabel
from workbench.gui.layouts import RUN
from workbench.gui.panel_dock import panel_dock
from workbench.gui.runs.artifact_views import ArtifactPanel
from workbench.gui.runs.compare_view import CompareView
from workbench.gui.runs.controller import RunController
from workbench.gui.runs.final_metrics import FinalMetricsTable
from workbench.gui.runs.history_view import HistoryView
from workbench.gui.runs.logs_panel import LogsPanel
from workbench.gui.runs.metrics_dock import MetricsPanel
from workbench.gui.runs.run_dialog import RunDialog, local_failures_text
from workbench.gui.sharing.tab_trust import ensure_trusted
from workbench.gui.runs.session import RunOptions, RunSession
from workbench.gui.runs.status_overlay import StatusOverlay
from workbench.gui.runs.step_inspector import StepInspector
from workbench.gui.runs.sweep_dialog import Sweep, SweepDialog

STATUS_MS = 6000


def compile_copy(graph):
    """Worker-thread job: the IR YAML of a snapshot of the graph (kfp is imported here)."""
    from workbench.compiler.compile import compile_graph

    return compile_graph(graph)


def load_past_run(store, run_id: str):
    """Worker-thread job: the run's session and its graph, imported from its stored pipeline.yaml."""
    from workbench.compiler.importer import import_ir

    session = RunSession.from_store(store, run_id)
    if not session.options or not session.options.ir_text:
        raise WorkbenchError(f"run {run_id} has no stored pipeline")
    return session, import_ir(session.options.ir_text).graph


class RunsWorkspace(QObject):
    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.controller = RunController(self)
        self.controller.session_started.connect(self._session_started)
        self.controller.session_updated.connect(self._session_updated)
        self.controller.session_finished.connect(self._session_finished)
        self.controller.start_failed.connect(lambda s, message: self._error("The run could not start", message))
        self.current: RunSession | None = None
        self.overlays: dict[object, StatusOverlay] = {}  # DocumentTab -> overlay
        self.compare_views: list[CompareView] = []
        self.sweeps: list[Sweep] = []
        self.run_dialog: RunDialog | None = None
        self.sweep_dialog: SweepDialog | None = None
        self.logs, self.step, self.artifacts = LogsPanel(), StepInspector(), ArtifactPanel()
        self.final_metrics, self.metrics = FinalMetricsTable(), MetricsPanel()
        self.history = HistoryView(self.controller)
        self.history.open_requested.connect(self.open_run)
        self.history.compare_requested.connect(self.compare)
        self.history.rerun_requested.connect(self.rerun_run)
        self.details = QTabWidget()
        for widget, title in ((self.logs, "Logs"), (self.step, "Step"), (self.artifacts, "Artifacts"),
                              (self.final_metrics, "Final metrics")):
            self.details.addTab(widget, title)
        self.docks = {name: self._dock(name, title, widget, area) for name, title, widget, area in (
            ("run", "Run", self.details, Qt.DockWidgetArea.BottomDockWidgetArea),
            ("metrics", "Live Metrics", self.metrics, Qt.DockWidgetArea.RightDockWidgetArea),
            ("history", "Runs", self.history, Qt.DockWidgetArea.BottomDockWidgetArea))}
        self.progress = ElidedLabel()
        window.statusBar().addPermanentWidget(self.progress)
        window.tabs.currentChanged.connect(self._tab_changed)
        window.installEventFilter(self)
        QTimer.singleShot(0, self._refresh_remote_runs)

    def _refresh_remote_runs(self) -> None:
        """Remote runs submitted earlier (by the CLI or a past session) get their state now, off the
        GUI thread; a service that cannot be reached is named in the status bar."""
        from workbench.runs.remote.tracking import refresh_unfinished

        def refreshed(problems: list[str] | None, error: str) -> None:
            text = error or "; ".join(problems or [])
            if text:
                self._status(f"Remote runs: {text}")
            if self.docks["history"].isVisible():
                self.history.reload()
        self.controller.in_background(lambda: refresh_unfinished(self.controller.store()), refreshed)

    def _dock(self, name: str, title: str, widget, area) -> QDockWidget:
        dock = panel_dock(self.window, f"dock-runs-{name}", title, widget, area)
        dock.hide()
        return dock

    def _error(self, title: str, message: str) -> None:
        self.window.show_error(title, WorkbenchError(message))

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, STATUS_MS)

    # ----- Run menu ---------------------------------------------------------------------------

    def run_pipeline(self) -> None:
        """Open the Run dialog for the current document; on Run, compile off-thread and start.
        Content imported from a bundle or a shared library runs only once the user has trusted it."""
        tab = self.window.current
        if tab is None or not ensure_trusted(tab, self.window):
            return
        graph = tab.document.graph
        dialog = RunDialog(graph.name, list(graph.parameters.values()), self.window,
                           local_failures=local_failures_text(graph))
        dialog.accepted.connect(lambda: self._compile_and_start(tab, dialog.choice()))
        dialog.finished.connect(dialog.deleteLater)
        self.run_dialog = dialog
        dialog.open()

    def _compile_and_start(self, tab, choice: dict) -> None:
        graph = tab.document.graph.copy()
        self.window.statusBar().showMessage(f"Compiling {graph.name}\u2026")  # until it is compiled

        def compiled(ir_text: str | None, error: str) -> None:
            self.window.statusBar().clearMessage()  # the run's progress (or the error) says what happens now
            if error:
                self._error("Cannot run the pipeline", error)
                return
            session = self.controller.start(RunOptions(ir_text, choice["arguments"], choice["target"],
                                                       choice["max_parallel"], choice["use_cache"],
                                                       pipeline_name=graph.name))
            self.bind(tab, session)
        self.controller.in_background(lambda: compile_copy(graph), compiled)

    def cancel_run(self) -> None:
        running = self.controller.running()
        target = self.current if self.current in running else (running[-1] if running else None)
        if target is None:
            self._status("No run is in flight")
            return
        self.controller.cancel(target.run_id)
        self._status(f"Cancelling run {target.run_id}\u2026")

    def session_for_tab(self) -> RunSession | None:
        """The run shown on the current canvas, else the one in the Run dock (what Run Again repeats)."""
        overlay = self.overlays.get(self.window.current)
        return overlay.session if overlay else self.current

    def rerun(self) -> None:
        session = self.session_for_tab()
        if session is None:
            self._status("Run the pipeline first, or open a past run from the Runs panel")
            return
        self._start_again(lambda: self.controller.rerun(session))

    def rerun_from_task(self) -> None:
        session, tab = self.session_for_tab(), self.window.current
        names = [tab.document.graph.nodes[n].name for n in tab.scene.selected_ids() if n in tab.document.graph.nodes] \
            if tab else []
        if session is None or len(names) != 1:
            self._status("Select one task of a run on the canvas to re-run from it")
            return
        self._start_again(lambda: self.controller.rerun_from(session, names[0]))

    def _start_again(self, start) -> None:
        tab = self.window.current
        try:
            session = start()
        except WorkbenchError as exc:
            self._error("Cannot run again", str(exc))
            return
        if tab is not None:
            self.bind(tab, session)

    def run_sweep(self) -> None:
        tab = self.window.current
        if tab is None or not ensure_trusted(tab, self.window):
            return
        graph = tab.document.graph
        dialog = SweepDialog(graph.name, list(graph.parameters.values()), self.window)
        dialog.accepted.connect(lambda: self._launch_sweep(tab, dialog.configs(), dialog.at_once.value()))
        dialog.finished.connect(dialog.deleteLater)
        self.sweep_dialog = dialog
        dialog.open()

    def _launch_sweep(self, tab, configs: list[dict], at_once: int) -> None:
        graph = tab.document.graph.copy()

        def compiled(ir_text: str | None, error: str) -> None:
            if error:
                self._error("Cannot run the sweep", error)
                return
            sweep = Sweep(self.controller, RunOptions(ir_text, {}, "docker", pipeline_name=graph.name), configs,
                          at_once, self)
            sweep.progress.connect(self._status)
            sweep.finished.connect(self.compare)
            self.sweeps.append(sweep)
            sweep.start()
        self.controller.in_background(lambda: compile_copy(graph), compiled)

    def show_runs(self) -> None:
        self.docks["history"].show()
        self.docks["history"].raise_()
        self.history.reload()

    def compare_runs(self) -> None:
        ids = self.history.selected_run_ids()
        if len(ids) >= 2:
            self.compare(ids)
        else:
            self.show_runs()
            self._status("Select two or more runs in the Runs panel, then Compare")

    # ----- sessions ---------------------------------------------------------------------------

    def bind(self, tab, session: RunSession) -> StatusOverlay:
        """Show `session` on `tab`'s canvas (replacing an earlier run shown there); the run views
        then show the active tab's run (the user may have switched tabs while it compiled)."""
        old = self.overlays.pop(tab, None)
        if old is not None:
            old.detach()
            old.deleteLater()
        overlay = StatusOverlay(tab.scene, session, tab)  # it goes when the tab closes
        overlay.progress_text.connect(lambda text, s=session: self.current is s and self.progress.setText(text))
        self.overlays[tab] = overlay
        tab.scene.selectionChanged.connect(self._selection_changed)
        tab.destroyed.connect(lambda _=None, t=tab: self._forget(t))
        self._tab_changed()
        return overlay

    def _forget(self, tab) -> None:
        self.overlays.pop(tab, None)  # the overlay was the tab's child: deleted with it

    def show_session(self, session: RunSession | None) -> None:
        """The run views show `session`; None empties them."""
        self.current = session
        self.logs.set_session(session)
        self.metrics.set_session(session)
        self.final_metrics.set_session(session)
        self.artifacts.set_session(session)
        self.step.show_task(session, None)
        if session is None:
            self.progress.setText("")

    def _session_started(self, session: RunSession) -> None:
        self.show_session(session)
        self.progress.setText(f"Run {session.run_id}: starting\u2026")

    def _session_updated(self, session: RunSession) -> None:
        for overlay in self.overlays.values():
            if overlay.session is session and session.changed_tasks:
                overlay.refresh()
        if session is self.current:
            self.final_metrics.refresh()
            self.artifacts.refresh()
            self.step.refresh()

    def _session_finished(self, session: RunSession) -> None:
        for overlay in self.overlays.values():
            if overlay.session is session:
                overlay.refresh()
        if session is self.current:
            self.logs.append_new()
            self.metrics.refresh()
            self.final_metrics.refresh()
            self.artifacts.refresh()
        if session is not self.current:  # the current run's end is in the progress label already
            detail = session.outcome_detail()
            self._status(f"Run {session.run_id} {session.state}" + (f": {detail}" if detail else ""))
        if self.docks["history"].isVisible():
            self.history.reload()

    def _tab_changed(self) -> None:
        """The run views follow the active tab: its document's run, or nothing (never the run of the
        document shown before)."""
        overlay = self.overlays.get(self.window.current)
        session = overlay.session if overlay is not None else None
        if session is not self.current:
            self.show_session(session)
        if overlay is not None:
            self.progress.setText(overlay.summary())

    def _selection_changed(self) -> None:
        """A task picked on a run's canvas: its details, logs and artifacts."""
        tab = self.window.current
        overlay = self.overlays.get(tab)
        if overlay is None:
            return
        graph = tab.document.graph
        names = [graph.nodes[n].name for n in tab.scene.selected_ids() if n in graph.nodes]
        task_id = None
        if names:
            matches = sorted(t.task_id for t in overlay.session.tasks.values() if t.task_name == names[0])
            task_id = matches[0] if matches else None
        if overlay.session is not self.current:
            self.show_session(overlay.session)
        self.step.show_task(overlay.session, task_id)
        self.logs.show_task(task_id)
        self.artifacts.set_session(overlay.session, task_id)

    # ----- history ----------------------------------------------------------------------------

    def open_run(self, run_id: str, then=None) -> None:
        """A past run in a new tab: its graph from the stored pipeline.yaml, with final states;
        `then()` runs once the tab is open (re-run from the history)."""
        def loaded(result, error: str) -> None:
            if error:
                self._error("Cannot open the run", error)
                return
            session, graph = result
            from workbench.gui.editor_document import EditorDocument

            graph.name = f"{graph.name} \u00b7 run {session.run_id}"
            tab = self.window.add_document(EditorDocument(graph))
            self.bind(tab, session)
            self.window.layouts.switch(RUN)
            tab.view.fit()
            if then is not None:
                then()
        self.controller.in_background(lambda: load_past_run(self.controller.store(), run_id), loaded)

    def rerun_run(self, run_id: str) -> None:
        """A past run again (its exact pipeline and arguments), live on a new tab of its graph."""
        self.open_run(run_id, then=self.rerun)

    def compare(self, run_ids: list[str]) -> CompareView:
        view = CompareView(self.controller, run_ids)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.destroyed.connect(lambda _=None, v=view: v in self.compare_views and self.compare_views.remove(v))
        self.compare_views.append(view)
        view.show()
        return view

    # ----- closing ----------------------------------------------------------------------------

    def eventFilter(self, watched, event) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            running = self.controller.running()
            if running:
                answer = QMessageBox.question(self.window, "Runs in flight",
                                              f"{len(running)} run(s) are still running. Cancel them and close?")
                if answer != QMessageBox.StandardButton.Yes:
                    event.ignore()
                    return True
            self.controller.shutdown()
        return False
