"""Adding components to the user's library: import a YAML file, or author one in a dialog. The
library folder is rescanned and the palette refreshed after each."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog, QMainWindow

from workbench.components.loading import load_component_file
from workbench.components.spec import ComponentSpec
from workbench.errors import ComponentError
from workbench.gui.catalog import ComponentCatalog
from workbench.gui.component_editor import ContainerComponentDialog, PythonComponentDialog
from workbench.gui.palette import ComponentPalette


class LibraryActions:
    def __init__(self, window: QMainWindow, catalog: ComponentCatalog, palette: ComponentPalette):
        self.window, self.catalog, self.palette = window, catalog, palette

    def add_to_library(self, spec: ComponentSpec) -> None:
        try:
            entry = self.catalog.save_user_component(spec)
        except OSError as exc:
            self.window.show_error("Cannot save the component", ComponentError(exc.strerror or str(exc)))
            return
        self.palette.refresh()
        item = self.palette.item_for(entry.key)
        if item is not None:
            self.palette.tree.setCurrentItem(item)
        self.window.statusBar().showMessage(f"Added {spec.name} to My components", 6000)

    def import_component(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Import component", "", "Component YAML (*.yaml *.yml)")
        if not path:
            return
        try:
            spec = load_component_file(path)
        except ComponentError as exc:
            self.window.show_error("Cannot import the component", exc)
            return
        self.add_to_library(spec)

    def new_python_component(self) -> None:
        self._author(PythonComponentDialog(self.window))

    def new_container_component(self) -> None:
        self._author(ContainerComponentDialog(self.window))

    def _author(self, dialog: QDialog) -> None:
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.spec is not None:
            self.add_to_library(dialog.spec)
