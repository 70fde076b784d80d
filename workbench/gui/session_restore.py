"""The window's session: which saved documents were open and which tab was active, remembered as
they change and opened again at the next start (the layout comes back on its own, see layouts).

Only documents with a file are remembered; unsaved work is the job of autosave and recovery. A
file that has gone or cannot be read since is named in one status-bar message, never a dialog each.
"""

from __future__ import annotations

from pathlib import Path

from workbench.gui import settings as remembered

DOCUMENTS_KEY, ACTIVE_KEY = "session/documents", "session/active"
STATUS_MS = 15_000


def remember(window) -> None:
    paths = [str(Path(tab.document.path).resolve()) for tab in window.tabs_list() if tab.document.path]
    current = window.current
    store = remembered.settings()
    store.setValue(DOCUMENTS_KEY, paths)
    store.setValue(ACTIVE_KEY, str(Path(current.document.path).resolve()) if current and current.document.path else "")


def remembered_documents() -> tuple[list[str], str]:
    store = remembered.settings()
    paths = store.value(DOCUMENTS_KEY, [])
    paths = [paths] if isinstance(paths, str) else [p for p in (paths or []) if isinstance(p, str)]
    active = store.value(ACTIVE_KEY, "")
    return paths, active if isinstance(active, str) else ""


def restore(window) -> int:
    """Open the last session's documents and make its active tab current again; returns how many
    opened. What could not be opened is told in the status bar."""
    paths, active = remembered_documents()
    problems: list[str] = []
    opened = {}
    for path in paths:
        if not Path(path).is_file():
            problems.append(f"{path} is gone")
            continue
        tab = window.open_path(path, problems)
        if tab is not None:
            opened[path] = tab
    if active in opened:
        window.tabs.setCurrentWidget(opened[active])
    if problems:
        head = "1 document of the last session could not be opened" if len(problems) == 1 else \
            f"{len(problems)} documents of the last session could not be opened"
        window.statusBar().showMessage(f"{head}: {'; '.join(problems)}", STATUS_MS)
    return len(opened)
