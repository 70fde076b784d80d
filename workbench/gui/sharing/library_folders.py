"""Where the library's Team and Public catalog folders come from: the settings file (edited here),
else the WORKBENCH_TEAM_DIR / WORKBENCH_CATALOG_DIRS environment variables."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QPushButton, QVBoxLayout, QWidget)

from workbench.errors import WorkbenchError
from workbench.settings import Settings, load_settings, save_settings
from workbench.share.library import Library


def build_library(settings: Settings | None = None) -> Library:
    """The library as configured; a damaged settings file falls back to the environment."""
    if settings is None:
        try:
            settings = load_settings()
        except WorkbenchError:
            settings = Settings()
    return Library.from_environment(team_dir=settings.team_dir or None,
                                    catalog_dirs=list(settings.catalog_dirs) or None)


class LibraryFoldersDialog(QDialog):
    """Edit the Team folder and the read-only Public catalog folders; saved to the settings file."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Library Folders")
        self.error = QLabel(wordWrap=True)
        self.error.setStyleSheet("color: #c0392b")
        try:
            self.settings = load_settings()
        except WorkbenchError as exc:
            self.settings = Settings()
            self.error.setText(f"{exc}\nSaving replaces the unreadable file.")
        self.team = QLineEdit(self.settings.team_dir, placeholderText="a shared folder (network share, synced folder)")
        team_browse = QPushButton("Browse\u2026")
        team_browse.clicked.connect(lambda: self._pick(self.team.setText))
        team_row = QHBoxLayout()
        team_row.addWidget(self.team, 1)
        team_row.addWidget(team_browse)
        self.catalogs = QListWidget()
        self.catalogs.addItems(list(self.settings.catalog_dirs))
        add = QPushButton("Add\u2026")
        add.clicked.connect(lambda: self._pick(self.catalogs.addItem))
        remove = QPushButton("Remove")
        remove.clicked.connect(lambda: self.catalogs.takeItem(self.catalogs.currentRow()))
        catalog_buttons = QHBoxLayout()
        catalog_buttons.addWidget(add)
        catalog_buttons.addWidget(remove)
        catalog_buttons.addStretch(1)
        form = QFormLayout()
        form.addRow("Team folder:", team_row)
        form.addRow("Public catalogs:", self.catalogs)
        form.addRow("", catalog_buttons)
        hint = QLabel("Empty fields use WORKBENCH_TEAM_DIR and WORKBENCH_CATALOG_DIRS when they are set. "
                      "Private assets live in the user data folder.", wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 360)

    def _pick(self, use) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a library folder")
        if folder:
            use(folder)

    def _save(self) -> None:
        catalogs = tuple(self.catalogs.item(i).text() for i in range(self.catalogs.count()))
        self.settings = dataclasses.replace(self.settings, team_dir=self.team.text().strip(), catalog_dirs=catalogs)
        try:
            save_settings(self.settings)
        except OSError as exc:
            self.error.setText(f"Cannot save the settings: {exc.strerror or exc}")
            return
        self.accept()
