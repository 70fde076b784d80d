"""Start the app in a fresh process on a document and report how long the window took and which
heavy backends were imported on the way (shared by the start-up test and the canvas benchmark)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("kfp", "docker", "google.cloud.aiplatform", "pyqtgraph", "google_cloud_pipeline_components")

_PROBE = """
import json, sys, time
start = time.perf_counter()
from PySide6.QtWidgets import QApplication
app = QApplication([])
from workbench.gui.app import build_window
window = build_window([sys.argv[1]])
window.show()
app.processEvents()
print(json.dumps({"seconds": time.perf_counter() - start, "loaded": [m for m in %r if m in sys.modules]}))
""" % (HEAVY,)


def start_app(document: Path, env: dict[str, str]) -> dict:
    """{"seconds": time to a shown window inside the process, "loaded": heavy modules imported}."""
    result = subprocess.run([sys.executable, "-c", _PROBE, str(document)], capture_output=True, text=True,
                            env=env, cwd=REPO, timeout=60)
    if result.returncode:
        raise RuntimeError(f"the app did not start: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])
