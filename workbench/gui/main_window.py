"""The main window: document tabs around the canvas, docks, menus and the file workflow."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent, QUndoGroup
from PySide6.QtWidgets import (QDialog, QDockWidget, QFileDialog, QLineEdit, QMainWindow, QMenu, QMessageBox,
                               QSizePolicy, QTabWidget, QWidget)

from workbench.errors import WorkbenchError
from workbench.gui import session_restore
from workbench.gui import settings as remembered
from workbench.gui.actions import MENUS, TOOLBAR, build_actions
from workbench.gui.autosave import Autosaver, Recovery
from workbench.gui.catalog import ComponentCatalog
from workbench.gui.context_menus import CanvasMenus
from workbench.gui.document_tab import DocumentTab
from workbench.gui.editor_document import EditorDocument
from workbench.gui.elided_label import ElidedLabel
from workbench.gui.help_menu import HelpDialogs
from workbench.gui.icons import action_icon
from workbench.gui.inspector import Inspector
from workbench.gui.layouts import DESIGN, RUN, WindowLayouts
from workbench.gui.library_actions import LibraryActions
from workbench.gui.opening import open_file
from workbench.gui.outputs import Outputs
from workbench.gui.palette import ComponentPalette
from workbench.gui.panel_dock import panel_dock
from workbench.gui.parameters import ParametersEditor
from workbench.gui.problems import ProblemsPanel
from workbench.gui.runs.workspace import RunsWorkspace
from workbench.gui.serving.window_serving import WindowServing
from workbench.gui.sharing.window_sharing import WindowSharing
from workbench.gui.theme_menu import ThemeMenu
from workbench.gui.yaml_preview import YamlPreview
from workbench.model.document import PipelineGraph

APP_NAME = "Pipeline Workbench"
OPEN_FILTER = ("Pipelines (*.wbp *.yaml *.yml *.zip);;Workbench documents (*.wbp);;KFP pipeline YAML (*.yaml *.yml);;"
               "Pipeline bundles (*.zip)")
STATUS_MS = 6000
DEFAULT_SIZE = (1400, 900)
ALWAYS_ENABLED = ("new", "open", "quit", "import_component", "new_python_component", "new_container_component", "undo",
                  "redo", "reset_layout", "design_layout", "run_layout", "remote_targets", "library_folders",
                  "show_library", "show_runs", "compare_runs", "cancel_run", "shortcuts", "user_guide", "about")


class MainWindow(QMainWindow):
    def __init__(self, catalog: ComponentCatalog | None = None):
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.catalog = catalog or ComponentCatalog()
        self.undo_group = QUndoGroup(self)
        self.autosavers: dict[DocumentTab, Autosaver] = {}
        self.tabs = QTabWidget(documentMode=True, tabsClosable=True, movable=True)
        self.tabs.tabCloseRequested.connect(lambda index: self.close_tab(self.tabs.widget(index)))
        self.tabs.currentChanged.connect(self._current_changed)
        self.setCentralWidget(self.tabs)
        self.palette_panel = ComponentPalette(self.catalog)
        self.palette_panel.activated.connect(lambda key: self.current and self.current.add_component(key))
        self.inspector = Inspector()
        self.problems = ProblemsPanel()
        self.problems.element_activated.connect(lambda e: self.current and self.current.reveal(e))
        self.problems.counts_changed.connect(self._show_counts)
        self.parameters = ParametersEditor()
        self.yaml_preview = YamlPreview()
        self.docks = self._build_docks()
        self.sharing = WindowSharing(self)
        self.actions_by_name = build_actions(self)
        self.theme_menu = ThemeMenu(self)
        snap = remembered.settings().value("snap_to_grid", True, type=bool)
        self.actions_by_name["snap_to_grid"].setChecked(snap)
        self.set_snap_to_grid(snap)
        self.library = LibraryActions(self, self.catalog, self.palette_panel)
        self.outputs = Outputs(self)
        self.runs = RunsWorkspace(self)
        self.serving = WindowServing(self)
        self.canvas_menus = CanvasMenus(self)
        self.help = HelpDialogs(self)
        self.docks["endpoints"] = self.serving.dock
        self.layouts = WindowLayouts(self, {**self.docks, **self.runs.docks},
                                     {DESIGN: self.actions_by_name["design_layout"],
                                      RUN: self.actions_by_name["run_layout"]})
        self.layouts.changed.connect(self.fit)  # the canvas changed size: show the whole pipeline again
        controller = self.runs.controller
        controller.session_started.connect(self.layouts.run_started)
        controller.start_failed.connect(self.layouts.run_failed_to_start)
        controller.session_finished.connect(self.layouts.run_finished)
        self.keeps_session = False  # the app sets it once the last session's documents are back
        self._closing = False
        self._add_undo_actions()
        self.find_box = QLineEdit(placeholderText="Find task (Ctrl+F)", clearButtonEnabled=True)
        self.find_box.setMaximumWidth(220)
        self.find_box.returnPressed.connect(self._find)
        self._build_menus()
        self.problem_counts = ElidedLabel()
        self.statusBar().addPermanentWidget(self.problem_counts)
        self._restore_geometry()
        self._current_changed()

    # ----- construction ------------------------------------------------------------------------

    def _build_docks(self) -> dict[str, QDockWidget]:
        docks = {}
        for name, title, panel, area in (
                ("palette", "Components", self.palette_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
                ("inspector", "Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea),
                ("yaml", "Compiled YAML", self.yaml_preview, Qt.DockWidgetArea.RightDockWidgetArea),
                ("problems", "Problems", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea),
                ("parameters", "Pipeline Parameters", self.parameters, Qt.DockWidgetArea.BottomDockWidgetArea)):
            docks[name] = panel_dock(self, f"dock-{name}", title, panel, area)
        return docks

    def _add_undo_actions(self) -> None:
        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcuts(["Ctrl+Z"])
        undo.setIcon(action_icon("undo"))
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts(["Ctrl+Shift+Z", "Ctrl+Y"])
        redo.setIcon(action_icon("redo"))
        self.addAction(undo)
        self.addAction(redo)
        self.actions_by_name.update(undo=undo, redo=redo)

    def _build_menus(self) -> None:
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        for title, names in MENUS:
            menu = self.menuBar().addMenu(title)
            for name in names:
                if name is None:
                    menu.addSeparator()
                elif name == "recent":
                    menu.addMenu(self.recent_menu)
                elif name == "theme":
                    menu.addMenu(self.theme_menu)
                elif name == "docks":
                    for dock in self.layouts.docks.values():
                        menu.addAction(dock.toggleViewAction())
                else:
                    menu.addAction(self.actions_by_name[name])
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("toolbar-main")
        for name in TOOLBAR:
            toolbar.addSeparator() if name is None else toolbar.addAction(self.actions_by_name[name])
        toolbar.addSeparator()
        toolbar.addWidget(self.find_box)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addAction(self.actions_by_name["design_layout"])
        toolbar.addAction(self.actions_by_name["run_layout"])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = remembered.recent_files()
        for path in files:
            self.recent_menu.addAction(path, lambda p=path: self.open_path(p))
        if not files:
            self.recent_menu.addAction("(no recent files)").setEnabled(False)

    def _restore_geometry(self) -> None:
        """Where and how large the window was; the first time, a size that fits the screen."""
        geometry = remembered.settings().value("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            room = self.screen().availableGeometry()
            self.resize(min(DEFAULT_SIZE[0], room.width()), min(DEFAULT_SIZE[1], room.height()))

    def reset_layout(self) -> None:
        """The docks of the current layout (Design or Run) back in their default places and sizes."""
        self.layouts.reset()

    def show_design_layout(self, _checked: bool = True) -> None:
        self.layouts.switch(DESIGN)

    def show_run_layout(self, _checked: bool = True) -> None:
        self.layouts.switch(RUN)

    # ----- tabs --------------------------------------------------------------------------------

    @property
    def current(self) -> DocumentTab | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, DocumentTab) else None

    def tabs_list(self) -> list[DocumentTab]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def add_document(self, document: EditorDocument, recovery: Recovery | None = None) -> DocumentTab:
        """A tab for `document`; one restored from `recovery` keeps that recovery file as its own."""
        tab = DocumentTab(document, self.catalog)
        tab.status_message.connect(self._show_status)
        tab.scene.selectionChanged.connect(self._selection_changed)
        self.canvas_menus.attach(tab)
        document.status_changed.connect(self._update_all_titles)
        self.undo_group.addStack(document.undo_stack)
        self.autosavers[tab] = Autosaver(document, tab, recovery)
        self.autosavers[tab].failed.connect(self._show_status)
        self.tabs.setCurrentIndex(self.tabs.addTab(tab, document.title))
        self._update_titles(tab)
        return tab

    def _current_changed(self, _index: int = -1) -> None:
        tab = self.current
        document = tab.document if tab else None
        self.undo_group.setActiveStack(document.undo_stack if document else None)
        for panel in (self.inspector, self.problems, self.parameters, self.yaml_preview):
            panel.set_document(document)
        for name, action in self.actions_by_name.items():
            if name not in ALWAYS_ENABLED:
                action.setEnabled(tab is not None)
        if tab:
            self.inspector.set_selection(tab.scene.selected_ids())
        self._update_titles(tab)
        self._remember_session()

    def _selection_changed(self) -> None:
        if self.current is not None:
            self.inspector.set_selection(self.current.scene.selected_ids())

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_MS)

    def _update_all_titles(self) -> None:
        for tab in self.tabs_list():
            self._update_titles(tab)

    def _update_titles(self, tab: DocumentTab | None) -> None:
        if tab is not None and self.tabs.indexOf(tab) >= 0:
            document = tab.document
            self.tabs.setTabText(self.tabs.indexOf(tab), document.title + ("*" if document.modified else ""))
            self.tabs.setTabToolTip(self.tabs.indexOf(tab), document.path or "not saved yet")
        current = self.current
        if current is None:
            self.setWindowTitle(APP_NAME)
            self.setWindowModified(False)
            return
        self.setWindowTitle(f"{current.document.title}[*] \u2014 {APP_NAME}")
        self.setWindowModified(current.document.modified)

    def _show_counts(self, errors: int, warnings: int) -> None:
        self.problem_counts.setText(f"{errors} error(s), {warnings} warning(s)" if errors or warnings else "")

    # ----- files -------------------------------------------------------------------------------

    def new_document(self) -> DocumentTab:
        return self.add_document(EditorDocument(PipelineGraph("new-pipeline")))

    def open_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Open pipeline", "", OPEN_FILTER)
        for path in paths:
            self.open_path(path)

    def open_path(self, path: str, problems: list[str] | None = None) -> DocumentTab | None:
        """Open a document or import a KFP YAML; a file that cannot be read gives a message only (a
        dialog, or a line added to `problems` when given). A `.zip` bundle is checked and reviewed
        first, on a worker: it opens later, so None here."""
        if path.lower().endswith(".zip"):
            self.sharing.opener.open(path)
            return None
        tab = self.tab_for_path(path)
        if tab is not None:
            self.tabs.setCurrentWidget(tab)
            return tab
        try:
            opened = open_file(path)
        except WorkbenchError as exc:
            if problems is None:
                self.show_error("Cannot open the file", exc)
            else:
                problems.append(str(exc))
            return None
        document = EditorDocument(opened.graph, opened.path)
        tab = self.add_document(document)
        self.sharing.opener.opened(tab)
        remembered.remember_file(path)
        if opened.notes:
            QMessageBox.information(self, "Imported with changes",
                                    "Some parts of the pipeline have no equivalent in the editor:\n\n"
                                    + "\n".join(opened.notes[:20]))
        return tab

    def tab_for_path(self, path: str | None) -> DocumentTab | None:
        """The tab of the document saved at `path`, if one is open."""
        for tab in self.tabs_list() if path else []:
            if tab.document.path and Path(tab.document.path).resolve() == Path(path).resolve():
                return tab
        return None

    def save(self) -> bool:
        tab = self.current
        if tab is None:
            return False
        if not tab.document.path:
            return self.save_as()
        return self._save_to(tab, tab.document.path)

    def save_as(self) -> bool:
        tab = self.current
        if tab is None:
            return False
        suggestion = tab.document.path or f"{tab.document.graph.name}.wbp"
        path, _ = QFileDialog.getSaveFileName(self, "Save pipeline", suggestion, "Workbench documents (*.wbp)")
        if not path:
            return False
        if not path.endswith(".wbp"):
            path += ".wbp"
        return self._save_to(tab, path)

    def _save_to(self, tab: DocumentTab, path: str) -> bool:
        try:
            tab.document.save(path)
        except WorkbenchError as exc:
            self.show_error("Cannot save", exc)
            return False
        remembered.remember_file(path)
        self.statusBar().showMessage(f"Saved {path}", STATUS_MS)
        return True

    def close_current(self) -> None:
        if self.current is not None:
            self.close_tab(self.current)

    def close_tab(self, tab: DocumentTab) -> bool:
        if tab.document.modified and not self._confirm_discard(tab):
            return False
        self.autosavers.pop(tab).discard()
        self.undo_group.removeStack(tab.document.undo_stack)
        self.tabs.removeTab(self.tabs.indexOf(tab))
        tab.document.close()
        tab.deleteLater()
        self._remember_session()
        return True

    def _remember_session(self) -> None:
        if self.keeps_session and not self._closing:
            session_restore.remember(self)

    def _confirm_discard(self, tab: DocumentTab) -> bool:
        """Ask Save / Discard / Cancel; True when it is fine to close."""
        self.tabs.setCurrentWidget(tab)
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save the changes to {tab.document.title} before closing?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember_session()  # before the tabs close one by one
        self._closing = True
        for tab in self.tabs_list():
            if not self.close_tab(tab):
                self._closing = False
                self._remember_session()
                event.ignore()
                return
        remembered.settings().setValue("geometry", self.saveGeometry())
        self.layouts.save()
        event.accept()

    def show_error(self, title: str, error: Exception) -> None:
        self.statusBar().showMessage(str(error), STATUS_MS)
        QMessageBox.warning(self, title, str(error))

    def changeEvent(self, event: QEvent) -> None:
        """Follow a switch between the system's light and dark palettes."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange, QEvent.Type.ThemeChange):
            for tab in self.tabs_list():
                tab.view.resetCachedContent()
                for item in tab.scene.nodes.values():
                    item.update()
                tab.scene.update()
        super().changeEvent(event)

    # ----- canvas commands (menu slots) --------------------------------------------------------

    def _on_tab(method_name: str, *args):
        def slot(self) -> None:
            if self.current is not None:
                getattr(self.current, method_name)(*args)
        slot.__name__ = method_name
        return slot

    cut, copy, paste, duplicate = _on_tab("cut"), _on_tab("copy"), _on_tab("paste"), _on_tab("duplicate")
    delete, select_all, auto_layout = _on_tab("delete"), _on_tab("select_all"), _on_tab("auto_layout")
    align_left, align_top, unwrap = _on_tab("align", "left"), _on_tab("align", "top"), _on_tab("unwrap")
    wrap_loop, wrap_condition = _on_tab("wrap", "loop"), _on_tab("wrap", "condition")
    wrap_exit_handler = _on_tab("wrap", "exit_handler")
    zoom_to_selection = _on_tab("zoom_to_selection")
    del _on_tab

    def fit(self) -> None:
        if self.current:
            self.current.view.fit()

    def set_snap_to_grid(self, on: bool) -> None:
        from workbench.gui.canvas.scene import PipelineScene

        PipelineScene.snap_to_grid = on
        remembered.settings().setValue("snap_to_grid", on)

    def zoom_in(self) -> None:
        if self.current:
            self.current.view.zoom_in()

    def zoom_out(self) -> None:
        if self.current:
            self.current.view.zoom_out()

    def zoom_reset(self) -> None:
        if self.current:
            self.current.view.reset_zoom()

    def focus_find(self) -> None:
        self.find_box.setFocus()
        self.find_box.selectAll()

    def _find(self) -> None:
        if self.current:
            count = self.current.find(self.find_box.text())
            self.statusBar().showMessage(f"{count} task(s) match {self.find_box.text()!r}", STATUS_MS)

    def validate(self) -> None:
        self.docks["problems"].show()
        self.docks["problems"].raise_()
        diagnostics = self.problems.run()
        self.statusBar().showMessage("No problems found" if not diagnostics else
                                     f"{len(diagnostics)} problem(s): see the Problems panel", STATUS_MS)

    # ----- outputs and the component library ---------------------------------------------------

    def compile_to_file(self) -> None:
        self.outputs.compile_to_file()

    def export_png(self) -> None:
        self.outputs.export_canvas("png")

    def export_svg(self) -> None:
        self.outputs.export_canvas("svg")

    def import_component(self) -> None:
        self.library.import_component()

    def new_python_component(self) -> None:
        self.library.new_python_component()

    def new_container_component(self) -> None:
        self.library.new_container_component()

    # ----- runs (workbench/gui/runs) -----------------------------------------------------------

    def run_pipeline(self) -> None:
        self.runs.run_pipeline()

    def cancel_run(self) -> None:
        self.runs.cancel_run()

    def rerun(self) -> None:
        self.runs.rerun()

    def rerun_from_task(self) -> None:
        self.runs.rerun_from_task()

    def run_sweep(self) -> None:
        self.runs.run_sweep()

    def show_runs(self) -> None:
        self.runs.show_runs()

    def compare_runs(self) -> None:
        self.runs.compare_runs()

    def show_endpoints(self) -> None:
        self.serving.show_endpoints()

    def open_tensorboard(self) -> None:
        """TensorBoard on the run selected in the history, else the run shown in the Run dock."""
        ids = self.runs.history.selected_run_ids() if self.runs.docks["history"].isVisible() else []
        run_id = ids[0] if len(ids) == 1 else (self.runs.current.run_id if self.runs.current else None)
        if run_id is None:
            self.statusBar().showMessage("Select a run in the history (Run > Run History) first", 6000)
            return
        self.serving.open_tensorboard(run_id)

    # ----- sharing and remote targets ----------------------------------------------------------

    def export_bundle(self) -> None:
        self.sharing.exporter.export_dialog()

    def publish_to_library(self) -> None:
        self.sharing.library.publish_dialog()

    def show_library(self) -> None:
        self.sharing.show_library()

    def edit_library_folders(self) -> None:
        self.sharing.library.edit_folders()

    def edit_remote_targets(self) -> None:
        from workbench.gui.targets_dialog import TargetsDialog

        TargetsDialog(self).exec()

    # ----- help (workbench/gui/help_menu.py) ---------------------------------------------------

    def show_shortcuts(self) -> QDialog:
        return self.help.shortcuts()

    def show_user_guide(self) -> QDialog:
        return self.help.user_guide()

    def show_about(self) -> QDialog:
        return self.help.about()
