"""ANSI colour codes in task logs: rendered as HTML colour spans, or stripped. Qt-free.

Colours come in a light and a dark set, as terminals with a minimum contrast do: every foreground
reads at 4.5:1 on its theme's log background (black text on a dark theme becomes grey), and the
theme's own text reads on every background colour."""

from __future__ import annotations

import html
import re

_CSI = re.compile(r"\x1b\[([0-9;]*)([A-Za-z])")

# per theme: 8 normal and 8 bright foregrounds (black, red, green, yellow, blue, magenta, cyan, white),
# 8 backgrounds, and the colours of the log's own task prefix and stderr lines
LIGHT_ANSI = {
    "fg": ("#1a1a1a", "#c01c28", "#1d7a3a", "#7a6200", "#1c5fb4", "#9c2fa0", "#0b6f80", "#5e5e5e"),
    "bright": ("#4d4d4d", "#b3261e", "#17692f", "#6b5600", "#1a56a3", "#86288a", "#085f6e", "#545454"),
    "bg": ("#d0d0d0", "#f6c6c6", "#c8ecd0", "#f3e6a8", "#c9dcf5", "#ecc9ee", "#c4ebf0", "#ffffff"),
    "muted": "#666666", "stderr": "#b3261e",
}
DARK_ANSI = {
    "fg": ("#9a9a9a", "#f47067", "#57c78a", "#d9c23b", "#6cb0ff", "#dc8fe0", "#4fc8dc", "#d4d4d4"),
    "bright": ("#b0b0b0", "#ff8a80", "#7ee0a6", "#f0db5a", "#8fc3ff", "#eeaaf0", "#7ddcec", "#ffffff"),
    "bg": ("#000000", "#5c1a1a", "#1a4a2c", "#4d4210", "#1b3a66", "#4f2352", "#154b55", "#4a4a4a"),
    "muted": "#9a9a9a", "stderr": "#f47067",
}


def log_colours(dark: bool) -> dict:
    return DARK_ANSI if dark else LIGHT_ANSI


def strip_ansi(text: str) -> str:
    return _CSI.sub("", text)


def _apply(codes: list[int], style: dict[str, str], colours: dict) -> None:
    for code in codes or [0]:
        if code == 0:
            style.clear()
        elif code == 1:
            style["font-weight"] = "bold"
        elif code == 22:
            style.pop("font-weight", None)
        elif 30 <= code <= 37:
            style["color"] = colours["fg"][code - 30]
        elif 90 <= code <= 97:
            style["color"] = colours["bright"][code - 90]
        elif code == 39:
            style.pop("color", None)
        elif 40 <= code <= 47:
            style["background-color"] = colours["bg"][code - 40]
        elif code == 49:
            style.pop("background-color", None)


def ansi_to_html(text: str, dark: bool = False) -> str:
    """Escaped HTML with `<span style=...>` for SGR colour and bold codes, in the colours of the light or
    dark theme; other codes dropped."""
    out, style, position, colours = [], {}, 0, log_colours(dark)
    for match in _CSI.finditer(text):
        out.append(_span(text[position:match.start()], style))
        position = match.end()
        if match[2] == "m":
            _apply([int(c) for c in match[1].split(";") if c.isdigit()], style, colours)
    out.append(_span(text[position:], style))
    return "".join(out)


def _span(chunk: str, style: dict[str, str]) -> str:
    if not chunk:
        return ""
    escaped = html.escape(chunk)
    if not style:
        return escaped
    return f'<span style="{"; ".join(f"{k}: {v}" for k, v in style.items())}">{escaped}</span>'
