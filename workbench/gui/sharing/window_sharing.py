"""Sharing's place in the main window: one worker pool, the bundle export and open flows, and the
Library dock (tabbed with the component palette). The window's menu slots call into this."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from workbench.gui.sharing.bundle_export import BundleExporter
from workbench.gui.sharing.bundle_open import BundleOpener
from workbench.gui.jobs import Jobs
from workbench.gui.sharing.library_controller import LibraryController


class WindowSharing:
    def __init__(self, window: QMainWindow):
        self.jobs = Jobs(window)
        self.exporter = BundleExporter(window, self.jobs)
        self.opener = BundleOpener(window, self.jobs)
        self.library = LibraryController(window, self.jobs)
        self.dock = QDockWidget("Library", window)
        self.dock.setObjectName("dock-library")
        self.dock.setWidget(self.library.browser)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        window.docks["library"] = self.dock
        self.window = window
        self.place_dock()

    def place_dock(self) -> None:
        """In a tab beside the component palette (also on Reset Window Layout: a layout saved before
        the Library existed leaves it elsewhere)."""
        palette = self.window.docks.get("palette")
        if palette is not None and self.dock not in self.window.tabifiedDockWidgets(palette):
            self.window.tabifyDockWidget(palette, self.dock)
            palette.raise_()

    def show_library(self) -> None:
        self.dock.show()
        self.dock.raise_()
        self.library.browser.search.setFocus()
