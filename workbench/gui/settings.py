"""What the window remembers between sessions (QSettings): geometry, the arrangement of each layout
(layouts.py), the open documents (session_restore.py), recent files, the theme."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION, APPLICATION = "pipeline-workbench", "workbench"
MAX_RECENT = 10


def settings() -> QSettings:
    return QSettings(ORGANIZATION, APPLICATION)


def recent_files() -> list[str]:
    value = settings().value("recent_files", [])
    if isinstance(value, str):
        value = [value]
    return [v for v in (value or []) if Path(v).exists()]


def remember_file(path: str) -> None:
    path = str(Path(path).resolve())
    files = [path] + [f for f in recent_files() if f != path]
    settings().setValue("recent_files", files[:MAX_RECENT])


THEMES = ("system", "light", "dark")


def theme_choice() -> str:
    """"system" (follow the platform's colour scheme), "light" or "dark"."""
    value = settings().value("theme", "system")
    return value if value in THEMES else "system"


def remember_theme_choice(choice: str) -> None:
    settings().setValue("theme", choice if choice in THEMES else "system")
