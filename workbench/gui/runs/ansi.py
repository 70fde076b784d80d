"""ANSI colour codes in task logs: rendered as HTML colour spans, or stripped. Qt-free."""

from __future__ import annotations

import html
import re

_CSI = re.compile(r"\x1b\[([0-9;]*)([A-Za-z])")
_COLOURS = ["#000000", "#cd3131", "#0dbc79", "#b5a000", "#2472c8", "#bc3fbc", "#11a8cd", "#aaaaaa"]
_BRIGHT = ["#666666", "#f14c4c", "#23d18b", "#d5c400", "#3b8eea", "#d670d6", "#29b8db", "#ffffff"]


def strip_ansi(text: str) -> str:
    return _CSI.sub("", text)


def _apply(codes: list[int], style: dict[str, str]) -> None:
    for code in codes or [0]:
        if code == 0:
            style.clear()
        elif code == 1:
            style["font-weight"] = "bold"
        elif code == 22:
            style.pop("font-weight", None)
        elif 30 <= code <= 37:
            style["color"] = _COLOURS[code - 30]
        elif 90 <= code <= 97:
            style["color"] = _BRIGHT[code - 90]
        elif code == 39:
            style.pop("color", None)
        elif 40 <= code <= 47:
            style["background-color"] = _COLOURS[code - 40]
        elif code == 49:
            style.pop("background-color", None)


def ansi_to_html(text: str) -> str:
    """Escaped HTML with `<span style=...>` for SGR colour and bold codes; other codes dropped."""
    out, style, position = [], {}, 0
    for match in _CSI.finditer(text):
        out.append(_span(text[position:match.start()], style))
        position = match.end()
        if match[2] == "m":
            _apply([int(c) for c in match[1].split(";") if c.isdigit()], style)
    out.append(_span(text[position:], style))
    return "".join(out)


def _span(chunk: str, style: dict[str, str]) -> str:
    if not chunk:
        return ""
    escaped = html.escape(chunk)
    if not style:
        return escaped
    return f'<span style="{"; ".join(f"{k}: {v}" for k, v in style.items())}">{escaped}</span>'
