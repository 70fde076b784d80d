"""Python syntax highlighting for the component code editor (keywords, strings, comments,
numbers, decorators, builtin types), in colours for the light or the dark theme."""

from __future__ import annotations

import keyword
import re

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QWidget


# token colours for a light and a dark editor background; each reads at 4.5:1 on its theme's Base
LIGHT_TOKENS = {"keyword": "#8a2aa0", "type": "#1d5fa8", "decorator": "#8a5a00", "number": "#b1401b",
                "function": "#22713a", "string": "#22713a", "comment": "#6a6f76"}
DARK_TOKENS = {"keyword": "#d49bf0", "type": "#7cb7ff", "decorator": "#e0b070", "number": "#f29e74",
               "function": "#8fd08f", "string": "#a5d6a0", "comment": "#9aa1ab"}
RULES = [
    (re.compile(r"\b(" + "|".join(keyword.kwlist) + r")\b"), "keyword"),
    (re.compile(r"\b(int|float|str|bool|list|dict|None|True|False|Input|Output|Dataset|Model|Metrics|Artifact|"
                r"ClassificationMetrics|NamedTuple)\b"), "type"),
    (re.compile(r"@\w+(\.\w+)*"), "decorator"),
    (re.compile(r"\b\d+(\.\d+)?\b"), "number"),
    (re.compile(r"(?<!\w)def\s+(\w+)"), "function"),
    (re.compile(r"'[^'\n]*'|\"[^\"\n]*\""), "string"),
    (re.compile(r"#[^\n]*"), "comment"),
]
TRIPLE = re.compile(r'"""|\'\'\'')
IN_TRIPLE = 1


def token_formats(dark: bool) -> dict[str, QTextCharFormat]:
    formats = {}
    for token, color in (DARK_TOKENS if dark else LIGHT_TOKENS).items():
        fmt = QTextCharFormat()
        fmt.setForeground(QColor(color))
        fmt.setFontWeight(QFont.Weight.Bold if token in ("keyword", "function") else QFont.Weight.Normal)
        fmt.setFontItalic(token == "comment")
        formats[token] = fmt
    return formats


class PythonHighlighter(QSyntaxHighlighter):
    """Colours follow the editor's theme: a palette change (theme switch) re-highlights the text."""

    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self.editor = _editor_of(document)
        self.dark = self._dark()
        self.formats = token_formats(self.dark)
        if self.editor is not None:
            self.editor.installEventFilter(self)

    def _dark(self) -> bool:
        palette = self.editor.palette() if self.editor is not None else QGuiApplication.palette()
        return palette.color(QPalette.ColorRole.Base).lightness() < 128

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.PaletteChange and self._dark() != self.dark:
            self.dark = not self.dark
            self.formats = token_formats(self.dark)
            self.rehighlight()
        return False

    def highlightBlock(self, text: str) -> None:
        for pattern, token in RULES:
            for match in pattern.finditer(text):
                group = 1 if pattern.groups and match.group(1) is not None and token == "function" else 0
                self.setFormat(match.start(group), match.end(group) - match.start(group), self.formats[token])
        self._triple_quotes(text)

    def _triple_quotes(self, text: str) -> None:
        """Docstrings may span lines: carry 'inside a triple-quoted string' across blocks."""
        start = 0 if self.previousBlockState() == IN_TRIPLE else -1
        self.setCurrentBlockState(0)
        position = 0
        while True:
            match = TRIPLE.search(text, position)
            if start < 0:
                if match is None:
                    return
                start, position = match.start(), match.end()
                continue
            if match is None:
                self.setFormat(start, len(text) - start, self.formats["string"])
                self.setCurrentBlockState(IN_TRIPLE)
                return
            self.setFormat(start, match.end() - start, self.formats["string"])
            start, position = -1, match.end()


def _editor_of(document: QTextDocument) -> QWidget | None:
    """The widget showing `document` (its nearest widget ancestor), whose palette decides the colours."""
    parent = document.parent()
    while parent is not None and not isinstance(parent, QWidget):
        parent = parent.parent()
    return parent
