"""What the Library dock's buttons do: open a pipeline in a new tab, add a component to the canvas
(through My components and the palette, like any component), download a version, publish the
current pipeline or a selected component. File reads and writes run on a worker: the Team folder
may be a slow network share."""

from __future__ import annotations

import shutil

from PySide6.QtWidgets import QDialog, QFileDialog, QMainWindow, QMessageBox

from workbench.components.spec import ComponentSpec, k8s_name
from workbench.gui.editor_document import EditorDocument
from workbench.gui.sharing.asset_page import SCOPE_TITLES
from workbench.gui.jobs import Jobs
from workbench.gui.sharing.library_browser import LibraryBrowser
from workbench.gui.sharing.library_folders import LibraryFoldersDialog, build_library
from workbench.gui.sharing.publish_dialog import PublishDialog, PublishRequest
from workbench.gui.sharing.tab_trust import TabTrust, mark_untrusted
from workbench.share.library import PRIVATE, AssetVersion
from workbench.share.review import review_document

STATUS_MS = 8000


class LibraryController:
    def __init__(self, window: QMainWindow, jobs: Jobs):
        self.window, self.jobs = window, jobs
        self.browser = LibraryBrowser(build_library())
        self.browser.open_requested.connect(self.open_asset)
        self.browser.add_requested.connect(self.add_to_canvas)
        self.browser.download_requested.connect(self.download)
        self.browser.publish_requested.connect(self.publish_dialog)
        self.browser.folders_requested.connect(self.edit_folders)
        self.dialog: PublishDialog | None = None  # the open publish dialog, for tests

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, STATUS_MS)

    def _failed(self, title: str):
        return lambda error: self.window.show_error(title, error)

    # ----- open, add, download -----------------------------------------------------------------

    def open_asset(self, version: AssetVersion) -> None:
        self.jobs.run(version.load, lambda graph: self._opened(version, graph), self._failed("Cannot open the pipeline"))

    def _opened(self, version: AssetVersion, graph) -> None:
        """A new unsaved tab (Save asks for a file: library versions never change). Pipelines from
        someone else's folder open untrusted, like bundles."""
        tab = self.window.add_document(EditorDocument(graph))
        if version.scope != PRIVATE:
            source = f"the {SCOPE_TITLES[version.scope]} library ({version.asset_id} {version.version})"
            mark_untrusted(tab, TabTrust(graph.name, source, f"library:{version.meta.get('sha256')}",
                                         review_document(graph, version.asset_id)))
        self._status(f"Opened {version.asset_id} {version.version}")

    def add_to_canvas(self, version: AssetVersion) -> None:
        if self.window.current is None:
            self._status("Open or create a pipeline first, then add the component to it")
            return
        self.jobs.run(version.load, lambda spec: self._add_loaded(version, spec),
                      self._failed("Cannot add the component"))

    def _add_loaded(self, version: AssetVersion, spec: ComponentSpec) -> None:
        tab = self.window.current
        if tab is None:
            return
        key = k8s_name(spec.name) or "component"
        entry = self.window.catalog.find(key)
        if entry is None or entry.spec.to_ir_text() != spec.to_ir_text():  # the palette's category is no part of it
            if entry is not None and QMessageBox.question(
                    self.window, "Replace the component?",
                    f"The palette already has a different {entry.spec.name!r} ({entry.category}). Put "
                    f"{version.asset_id} {version.version} in My components in its place?") \
                    != QMessageBox.StandardButton.Yes:
                return
            self.window.library.add_to_library(spec)
        if tab.add_component(key) is not None:
            self._status(f"Added {spec.name} {version.version} from the library")

    def download(self, version: AssetVersion) -> None:
        suffix = version.path.suffix
        start = f"{version.asset_id.split('/', 1)[1]}-{version.version}{suffix}"
        path, _ = QFileDialog.getSaveFileName(self.window, "Download from the library", start, f"*{suffix}")
        if path:
            self.jobs.run(lambda: shutil.copyfile(version.path, path),
                          lambda _result: self._status(f"Saved {version.asset_id} {version.version} as {path}"),
                          self._failed("Cannot download"))

    # ----- publish -----------------------------------------------------------------------------

    def _choices(self) -> list[tuple[str, object]]:
        tab = self.window.current
        if tab is None:
            return []
        graph = tab.document.graph
        choices = [(f"The pipeline {graph.name!r}", graph.copy())]
        for node_id in tab.selected():
            if node_id in graph.nodes:
                spec = graph.component_of(node_id)
                choices.append((f"The component {spec.name!r} (task {graph.nodes[node_id].name})", spec))
        if len(choices) > 1:  # a selected component is what the user most likely means
            choices.insert(0, choices.pop(1))
        return choices

    def publish_dialog(self) -> PublishDialog | None:
        choices = self._choices()
        if not choices:
            self._status("Open a pipeline to publish it or one of its components")
            return None
        library = self.browser.library
        dialog = PublishDialog(library, choices, self.window, scope=self.browser.scope)
        dialog.finished.connect(lambda _result: self._publish(library, dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _publish(self, library, dialog: PublishDialog) -> None:
        self.dialog = None
        dialog.deleteLater()
        request: PublishRequest | None = dialog.request
        if dialog.result() != QDialog.DialogCode.Accepted or request is None:
            return
        self._status(f"Publishing {request.name}\u2026")
        self.jobs.run(lambda: library.publish(request.source, request.scope, request.version, name=request.name,
                                              description=request.description, example=request.example),
                      self._published, self._failed("Cannot publish"))

    def _published(self, version: AssetVersion) -> None:
        self.window.show_library()
        self.browser.set_scope(version.scope)
        self.browser.refresh(select=version.asset_id)
        self._status(f"Published {version.asset_id} {version.version} to {SCOPE_TITLES[version.scope]}")

    def edit_folders(self) -> None:
        if LibraryFoldersDialog(self.window).exec() == QDialog.DialogCode.Accepted:
            self.browser.set_library(build_library())
