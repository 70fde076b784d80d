"""A PNG of the pipeline graph for a bundle's README, drawn by `workbench render` in a child process,
so Qt never loads in the process that exports (the CLI stays Qt-free and a render crash costs
only the picture)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

RENDER_COMMAND = "workbench.commands.render"
TIMEOUT_S = 120


def render_available() -> bool:
    return getattr(sys, "frozen", False) or importlib.util.find_spec(RENDER_COMMAND) is not None


def _workbench_command() -> list[str]:
    """The `workbench` CLI: `python -m workbench`, or the packaged app's `cli` mode."""
    return [sys.executable, "cli"] if getattr(sys, "frozen", False) else [sys.executable, "-m", "workbench"]


def render_png(document_json: str) -> bytes | None:
    """The PNG bytes of the document's canvas, or None when rendering is unavailable or fails."""
    if not render_available():
        return None
    with tempfile.TemporaryDirectory(prefix="wb-render-") as tmp:
        document = Path(tmp) / "pipeline.wbp"
        document.write_text(document_json, encoding="utf-8")
        out = Path(tmp) / "graph.png"
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        try:
            result = subprocess.run([*_workbench_command(), "render", str(document), "-o", str(out)],
                                    capture_output=True, env=env, timeout=TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if result.returncode != 0 or not out.is_file():
            return None
        return out.read_bytes()
