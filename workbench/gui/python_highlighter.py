"""Python syntax highlighting for the component code editor (keywords, strings, comments,
numbers, decorators, builtin types)."""

from __future__ import annotations

import keyword
import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument


def _format(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


RULES = [
    (re.compile(r"\b(" + "|".join(keyword.kwlist) + r")\b"), _format("#c678dd", bold=True)),
    (re.compile(r"\b(int|float|str|bool|list|dict|None|True|False|Input|Output|Dataset|Model|Metrics|Artifact|"
                r"ClassificationMetrics|NamedTuple)\b"), _format("#2f7fd1")),
    (re.compile(r"@\w+(\.\w+)*"), _format("#c9831c")),
    (re.compile(r"\b\d+(\.\d+)?\b"), _format("#d1603d")),
    (re.compile(r"(?<!\w)def\s+(\w+)"), _format("#3a9d5d", bold=True)),
    (re.compile(r"'[^'\n]*'|\"[^\"\n]*\""), _format("#3a9d5d")),
    (re.compile(r"#[^\n]*"), _format("#8a8a8a", italic=True)),
]
TRIPLE = re.compile(r'"""|\'\'\'')
STRING_FORMAT = _format("#3a9d5d")
IN_TRIPLE = 1


class PythonHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument):
        super().__init__(document)

    def highlightBlock(self, text: str) -> None:
        for pattern, fmt in RULES:
            for match in pattern.finditer(text):
                group = 1 if pattern.groups and match.group(1) is not None and "def" in pattern.pattern else 0
                self.setFormat(match.start(group), match.end(group) - match.start(group), fmt)
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
                self.setFormat(start, len(text) - start, STRING_FORMAT)
                self.setCurrentBlockState(IN_TRIPLE)
                return
            self.setFormat(start, match.end() - start, STRING_FORMAT)
            start, position = -1, match.end()
