"""Sharing's place in the main window: one worker pool, the bundle export and open flows, and the
Library dock (a tab beside the inspector, see layouts). The window's menu slots call into this."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from workbench.gui.sharing.bundle_export import BundleExporter
from workbench.gui.sharing.bundle_open import BundleOpener
from workbench.gui.jobs import Jobs
from workbench.gui.panel_dock import panel_dock
from workbench.gui.sharing.library_controller import LibraryController


class WindowSharing:
    def __init__(self, window: QMainWindow):
        self.jobs = Jobs(window)
        self.exporter = BundleExporter(window, self.jobs)
        self.opener = BundleOpener(window, self.jobs)
        self.library = LibraryController(window, self.jobs)
        self.dock = panel_dock(window, "dock-library", "Library", self.library.browser,
                               Qt.DockWidgetArea.LeftDockWidgetArea)
        window.docks["library"] = self.dock  # the window's layouts give it its place
        self.window = window

    def show_library(self) -> None:
        self.dock.show()
        self.dock.raise_()
        self.library.browser.search.setFocus()
