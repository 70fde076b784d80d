"""Where the KFP IR corpus is: `../shared/corpus/kfp-ir` beside the checkout, read in place."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO.parent / "shared" / "corpus" / "kfp-ir"
IN_CI = bool(os.environ.get("CI"))


def corpus_files() -> list[Path]:
    return sorted(CORPUS_DIR.glob("*.yaml")) if CORPUS_DIR.is_dir() else []


def tally(differences_of, what: str) -> int:
    """Run `differences_of(path)` over the corpus, print how many files pass (`what` says what
    passing means) and why the others fail; return how many passed."""
    import textwrap

    files = corpus_files()
    failures = {path.stem: d for path in files if (d := differences_of(path))}
    print(f"\n{len(files) - len(failures)} of {len(files)} corpus pipelines {what}")
    for name, differences in sorted(failures.items()):
        print(textwrap.shorten(f"  {name}: {'; '.join(differences)}", 300))
    return len(files) - len(failures)
