"""The Help menu's dialogs for one window: made on first use (their modules load then), one of
each kind, raised when asked for again."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QDialog, QMainWindow


class HelpDialogs:
    def __init__(self, window: QMainWindow):
        self.window = window
        self.dialogs: dict[str, QDialog] = {}

    def _show(self, name: str, make: Callable[[], QDialog]) -> QDialog:
        if name not in self.dialogs:
            self.dialogs[name] = make()
        dialog = self.dialogs[name]
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def shortcuts(self) -> QDialog:
        from workbench.gui.shortcuts_dialog import ShortcutsDialog

        return self._show("shortcuts", lambda: ShortcutsDialog(self.window))

    def user_guide(self) -> QDialog:
        from workbench.gui.user_guide import UserGuideDialog

        return self._show("user_guide", lambda: UserGuideDialog(self.window))

    def about(self) -> QDialog:
        from workbench.gui.about_dialog import AboutDialog

        return self._show("about", lambda: AboutDialog(self.window))
