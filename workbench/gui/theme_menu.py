"""Settings > Theme: Follow System, Light or Dark, remembered between sessions. While following the
system, a switch of the platform's colour scheme is applied at once."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from workbench.gui import settings as remembered
from workbench.gui.actions import refresh_icons
from workbench.gui.theme import apply_theme

CHOICES = (("system", "Follow &System"), ("light", "&Light"), ("dark", "&Dark"))


class ThemeMenu(QMenu):
    def __init__(self, window: QMainWindow):
        super().__init__("&Theme", window)
        self.window = window
        self.setObjectName("menu-theme")
        self.group = QActionGroup(self, exclusive=True)
        self.actions_by_choice: dict[str, QAction] = {}
        for choice, text in CHOICES:
            action = self.addAction(text)
            action.setObjectName(f"theme-{choice}")
            action.setCheckable(True)
            action.setStatusTip("Follow the system's light or dark scheme" if choice == "system"
                                else f"Always use the {choice} theme")
            action.triggered.connect(lambda _checked=False, c=choice: self.choose(c))
            self.group.addAction(action)
            self.actions_by_choice[choice] = action
        self.choice = remembered.theme_choice()
        self.actions_by_choice[self.choice].setChecked(True)
        app = QApplication.instance()
        app.styleHints().colorSchemeChanged.connect(self._system_changed)
        self._apply(self.choice)

    def choose(self, choice: str) -> None:
        """Show and remember `choice`; the canvases, plots and text views repaint from the palette."""
        self.choice = choice
        self.actions_by_choice[choice].setChecked(True)
        remembered.remember_theme_choice(choice)
        self._apply(choice)
        following = " (following the system)" if choice == "system" else ""
        self.window.statusBar().showMessage(f"{self.scheme.capitalize()} theme{following}", 4000)

    def _system_changed(self, _scheme) -> None:
        if self.choice == "system":
            self._apply("system")

    def _apply(self, choice: str) -> None:
        self.scheme = apply_theme(QApplication.instance(), choice)
        refresh_icons(self.window, getattr(self.window, "actions_by_name", {}))
