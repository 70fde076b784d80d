"""Where the KFP IR corpus is: `../shared/corpus/kfp-ir` beside the checkout, read in place."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO.parent / "shared" / "corpus" / "kfp-ir"
IN_CI = bool(os.environ.get("CI"))


def corpus_files() -> list[Path]:
    return sorted(CORPUS_DIR.glob("*.yaml")) if CORPUS_DIR.is_dir() else []
