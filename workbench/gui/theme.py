"""Light and dark: which scheme the app shows and the palettes that paint it.

"system" follows the platform's colour scheme (Qt's `QStyleHints.colorScheme()`); "light" and
"dark" force one. A forced scheme, or a platform that reports dark but hands out a light palette,
gets the app's own palette on the Fusion style, so forcing works everywhere, also where the
platform knows no scheme at all (offscreen, a bare X server). Every text pair of these palettes
reads at 4.5:1 or better (see tests/gui/test_theme.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

Role, Group = QPalette.ColorRole, QPalette.ColorGroup
NATIVE_STYLE = "workbench_native_style"  # app property: the style to return to when following the system
THEMED = "workbench_themed"  # app property: the app's own palette is in use (not the platform's)

LIGHT = {
    Role.Window: "#efefef", Role.WindowText: "#111111", Role.Base: "#ffffff", Role.AlternateBase: "#f4f4f4",
    Role.Text: "#111111", Role.Button: "#e8e8e8", Role.ButtonText: "#111111", Role.BrightText: "#ffffff",
    Role.Light: "#ffffff", Role.Midlight: "#f2f2f2", Role.Mid: "#b8b8b8", Role.Dark: "#9f9f9f",
    Role.Shadow: "#767676", Role.Highlight: "#2668b0", Role.HighlightedText: "#ffffff", Role.Link: "#0b5cad",
    Role.LinkVisited: "#6a3fa0", Role.ToolTipBase: "#ffffdc", Role.ToolTipText: "#111111",
    Role.PlaceholderText: "#6b6b6b", Role.Accent: "#2668b0",
}
DARK = {
    Role.Window: "#2b2b2b", Role.WindowText: "#e4e4e4", Role.Base: "#1e1e1e", Role.AlternateBase: "#262626",
    Role.Text: "#e4e4e4", Role.Button: "#363636", Role.ButtonText: "#e4e4e4", Role.BrightText: "#ffffff",
    Role.Light: "#505050", Role.Midlight: "#424242", Role.Mid: "#5c5c5c", Role.Dark: "#1a1a1a",
    Role.Shadow: "#0d0d0d", Role.Highlight: "#2a6fb8", Role.HighlightedText: "#ffffff", Role.Link: "#6cb0ff",
    Role.LinkVisited: "#c39cff", Role.ToolTipBase: "#3a3a3a", Role.ToolTipText: "#f0f0f0",
    Role.PlaceholderText: "#9a9a9a", Role.Accent: "#2a6fb8",
}
# messages in labels and rich text, on Window, Base or AlternateBase: what is wrong, a caution,
# what went well, and secondary text
STATUS_TEXT = {"light": {"error": "#b3261e", "warning": "#8a4b00", "success": "#1d6b2f", "muted": "#666666"},
               "dark": {"error": "#f47067", "warning": "#f0a35e", "success": "#6fcf8a", "muted": "#a0a0a0"}}
DISABLED = {"light": "#8c8c8c", "dark": "#7a7a7a"}  # disabled text: exempt from contrast, visibly dimmer
TEXT_PAIRS = ((Role.Text, Role.Base), (Role.Text, Role.AlternateBase), (Role.WindowText, Role.Window),
              (Role.ButtonText, Role.Button), (Role.HighlightedText, Role.Highlight),
              (Role.ToolTipText, Role.ToolTipBase), (Role.PlaceholderText, Role.Base), (Role.Link, Role.Base),
              (Role.LinkVisited, Role.Base), (Role.WindowText, Role.Button))


def colors(scheme: str) -> dict[QPalette.ColorRole, str]:
    return DARK if scheme == "dark" else LIGHT


def build_palette(scheme: str) -> QPalette:
    palette = QPalette()
    for role, value in colors(scheme).items():
        palette.setColor(role, QColor(value))
    for role in (Role.WindowText, Role.Text, Role.ButtonText, Role.HighlightedText):
        palette.setColor(Group.Disabled, role, QColor(DISABLED[scheme]))
    return palette


def palette_is_dark(palette: QPalette) -> bool:
    return palette.color(Role.Window).lightness() < 128


def status_color(kind: str) -> str:
    """"error", "warning", "success" or "muted" text in the current theme's colour."""
    return STATUS_TEXT["dark" if palette_is_dark(QApplication.palette()) else "light"][kind]


def error_text_color() -> str:
    return status_color("error")


def system_scheme(app: QApplication) -> str:
    """What the platform asks for: "dark" or "light" (light when it does not say)."""
    return "dark" if app.styleHints().colorScheme() == Qt.ColorScheme.Dark else "light"


def apply_theme(app: QApplication, choice: str) -> str:
    """Show `choice` ("system", "light" or "dark") now; returns the scheme shown. Widgets receive a
    palette change event, which is how the canvas, plots and text views repaint."""
    if app.property(NATIVE_STYLE) is None:
        app.setProperty(NATIVE_STYLE, app.style().name())
    hints = app.styleHints()
    if choice in ("light", "dark"):
        hints.setColorScheme(Qt.ColorScheme.Dark if choice == "dark" else Qt.ColorScheme.Light)  # native frames
        scheme = choice
    else:
        hints.unsetColorScheme()
        scheme = system_scheme(app)
        if app.property(THEMED):  # back to the platform's own style and palette
            _use_style(app, app.property(NATIVE_STYLE))
            app.setPalette(QPalette())
            app.setProperty(THEMED, False)
        if palette_is_dark(app.palette()) == (scheme == "dark"):
            return scheme
    _use_style(app, "Fusion")  # the native styles of some platforms ignore a custom palette
    app.setPalette(build_palette(scheme))
    app.setProperty(THEMED, True)
    return scheme


def _use_style(app: QApplication, name: str) -> None:
    if app.style().name().lower() != name.lower():
        app.setStyle(name)

