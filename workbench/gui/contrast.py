"""WCAG 2 contrast between two colours, so every colour pair the themes define can be checked:
4.5:1 for text, 3:1 for lines and shapes a user must tell apart from what lies behind them.
Plain Python on "#rrggbb" strings (no Qt), so the check runs anywhere."""

from __future__ import annotations

TEXT = 4.5      # body text and labels (WCAG AA)
GRAPHIC = 3.0   # non-text: curves, ports, edges, outlines (WCAG 1.4.11)


def rgb(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6:
        raise ValueError(f"{color!r} is not a #rrggbb colour")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(color: str) -> float:
    """Relative luminance (0 black .. 1 white) of an sRGB colour."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = map(linear, rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """The contrast ratio, 1 (same) .. 21 (black on white); symmetric."""
    a, b = luminance(foreground), luminance(background)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def blend(color: str, background: str, alpha: float) -> str:
    """`color` drawn with opacity `alpha` (0..1) over an opaque `background`."""
    top, bottom = rgb(color), rgb(background)
    return "#" + "".join(f"{round(t * alpha + b * (1 - alpha)):02x}" for t, b in zip(top, bottom))
