"""Smoke check of the packaged app: the built GUI starts offscreen on an example and stays up, and the
bundled command line compiles an example to KFP IR.

    python packaging/smoke_check.py [dist/pipeline-workbench]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "pipelines" / "train_compare_deploy.wbp"
STAY_UP_S = 8


def check_gui(app: Path, env: dict) -> None:
    """The window opens the example and keeps running; a crash or an early exit fails."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([str(app), str(EXAMPLE)], env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            process.wait(timeout=STAY_UP_S)
            early = True
        except subprocess.TimeoutExpired:
            early = False
            process.terminate()
            process.wait(timeout=10)
        log.seek(0)
        output = log.read().decode(errors="replace")
    if early or "Traceback" in output:
        raise SystemExit(f"gui: {'exited early' if early else 'raised'} (code {process.returncode})\n{output}")
    print(f"gui: still running after {STAY_UP_S} s, no traceback")


def check_compile(app: Path, env: dict) -> None:
    with tempfile.TemporaryDirectory(prefix="wb-smoke-") as tmp:
        out = Path(tmp) / "pipeline.yaml"
        start = time.perf_counter()
        result = subprocess.run([str(app), "cli", "compile", str(EXAMPLE), "-o", str(out)], env=env,
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0 or "pipelineInfo" not in (out.read_text() if out.exists() else ""):
            raise SystemExit(f"compile: failed ({result.returncode})\n{result.stdout}\n{result.stderr}")
        print(f"compile: {EXAMPLE.name} -> KFP IR in {time.perf_counter() - start:.1f} s")


def check_user_guide(folder: Path) -> None:
    """Help > User Guide reads README.md beside the `workbench` package, its pictures under docs/."""
    internal = folder / "_internal"
    wanted = ("README.md", "docs/screenshots/train_compare_deploy-window.png")
    missing = [p for p in wanted if not (internal / p).is_file()]
    if missing:
        raise SystemExit(f"user guide: {', '.join(missing)} not in {internal}")
    print("user guide: README.md and its pictures are bundled")


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist" / "pipeline-workbench")
    app = folder / "pipeline-workbench"
    if not app.is_file():
        raise SystemExit(f"{app}: not built; run `make package` first")
    check_user_guide(folder)
    with tempfile.TemporaryDirectory(prefix="wb-smoke-data-") as data:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WORKBENCH_DATA_DIR": data}
        check_compile(app, env)
        check_gui(app, env)
    print("smoke check passed")


if __name__ == "__main__":
    main()
