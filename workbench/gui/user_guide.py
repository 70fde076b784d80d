"""Help > User Guide: the README rendered, its screenshots resolved relative to it and scaled to
fit, links to the other guides in docs/ followed in place, web links in the browser, and a find box.

The README sits beside the `workbench` package in a source checkout and in the packaged app
(packaging/workbench.spec ships it with docs/); an installed wheel has no such file, so its text
comes from the package metadata (pyproject's `readme`), without the pictures."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Qt
from PySide6.QtGui import QImage, QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTextBrowser,
                               QVBoxLayout, QWidget)

import workbench

DISTRIBUTION = "pipeline-workbench"
MAX_IMAGE_WIDTH = 860


def readme_path() -> Path | None:
    path = Path(workbench.__file__).resolve().parents[1] / "README.md"
    return path if path.is_file() else None


def readme_from_metadata() -> str:
    """The README text an installed distribution carries as its long description ('' when none)."""
    from importlib import metadata

    try:
        return metadata.metadata(DISTRIBUTION).json.get("description", "")
    except metadata.PackageNotFoundError:
        return ""


def for_qt_markdown(text: str) -> str:
    """GitHub shows `a\\|b` in a table cell's code as a|b; Qt's reader keeps the backslash and a bare
    pipe would split the cell, so the guide shows a look-alike divider (U+2223) there."""
    return text.replace("\\|", "\u2223")


class GuideBrowser(QTextBrowser):
    """A QTextBrowser for the README and docs/: images read relative to the page shown and scaled
    down to fit, markdown adjusted to how Qt reads it."""

    def loadResource(self, kind: int, url: QUrl):
        resolved = self.source().resolved(url) if url.isRelative() else url
        if kind == QTextDocument.ResourceType.MarkdownResource.value and resolved.isLocalFile():
            try:
                return for_qt_markdown(Path(resolved.toLocalFile()).read_text(encoding="utf-8"))
            except OSError:
                return super().loadResource(kind, url)
        if kind == QTextDocument.ResourceType.ImageResource.value:
            image = QImage(resolved.toLocalFile()) if resolved.isLocalFile() else QImage()
            if not image.isNull():
                return image.scaledToWidth(MAX_IMAGE_WIDTH, Qt.TransformationMode.SmoothTransformation) \
                    if image.width() > MAX_IMAGE_WIDTH else image
        return super().loadResource(kind, url)


class UserGuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Pipeline Workbench \u2014 User Guide")
        self.browser = GuideBrowser()
        self.browser.setOpenExternalLinks(True)
        self.find = QLineEdit(placeholderText="Find in the guide (Enter: next, Shift+Enter: previous)",
                              clearButtonEnabled=True)
        self.find.returnPressed.connect(self.find_next)
        QShortcut(QKeySequence("Shift+Return"), self.find, lambda: self.find_next(backwards=True))
        self.found = QLabel()
        back = QPushButton("Back")
        back.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(back.setEnabled)
        back.setEnabled(False)
        home = QPushButton("Start")
        home.clicked.connect(self.browser.home)
        bar = QHBoxLayout()
        for widget in (back, home, self.find, self.found):
            bar.addWidget(widget)
        bar.setStretchFactor(self.find, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(980, 760)
        self.load()

    def load(self) -> None:
        path = readme_path()
        if path is not None:
            self.browser.setSource(QUrl.fromLocalFile(str(path)), QTextDocument.ResourceType.MarkdownResource)
            return
        text = readme_from_metadata()
        self.browser.setMarkdown(for_qt_markdown(text) if text else "# User guide not found\n\nThis installation "
                                 "carries no README. Read it at the project's home page.")

    def find_next(self, backwards: bool = False) -> bool:
        """Select the next match of the find box's text, wrapping around at the end."""
        text = self.find.text()
        if not text:
            return False
        flags = QTextDocument.FindFlag.FindBackward if backwards else QTextDocument.FindFlag(0)
        found = self.browser.find(text, flags)
        if not found:
            cursor = self.browser.textCursor()
            cursor.movePosition(cursor.MoveOperation.End if backwards else cursor.MoveOperation.Start)
            self.browser.setTextCursor(cursor)
            found = self.browser.find(text, flags)
        self.found.setText("" if found else "not found")
        return found
