"""`workbench render` without a display, and a start-up that imports no heavy backends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from startup_probe import start_app

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "pipelines" / "train_compare_deploy.wbp"
def _env(tmp_path) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKBENCH_DATA_DIR=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("DISPLAY", None)
    return env


def test_start_up_imports_no_backend(tmp_path):
    """How fast it starts is measured in tests/bench/bench_canvas.py, not asserted here."""
    report = start_app(EXAMPLE, _env(tmp_path))
    assert report["loaded"] == [], f"imported at start-up: {report['loaded']}"


def _render(tmp_path, out: Path) -> subprocess.CompletedProcess:
    code = ("import sys; from workbench.commands import render; import argparse; "
            "sys.exit(render.run(argparse.Namespace(document=sys.argv[1], output=sys.argv[2])))")
    env = _env(tmp_path)
    env.pop("QT_QPA_PLATFORM")
    return subprocess.run([sys.executable, "-c", code, str(EXAMPLE), str(out)], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=60)


def test_render_png_without_display(tmp_path):
    out = tmp_path / "canvas.png"
    result = _render(tmp_path, out)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert image.width() > 800 and image.height() > 200


def test_render_svg_without_display(tmp_path):
    out = tmp_path / "canvas.svg"
    result = _render(tmp_path, out)
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text and "select-best-model" in text
