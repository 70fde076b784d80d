"""Every corpus pipeline kfp.local can run, run by kfp.local and by our engine: the same outputs?

    .venv/bin/python tests/bench/bench_differential_corpus.py

The full form of tests/runs/test_differential_corpus.py (which runs a sample in `make test`): prints
how many files give the same outputs, which ones kfp.local cannot run and why, and any file whose
outputs differ, with the time each runner took. Exits 1 on a difference or when fewer files than
SAME_FLOOR agree.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS), str(TESTS / "runs")]

from corpus_cases import arguments_for  # noqa: E402
from differential import compare_corpus  # noqa: E402
from engine_support import SHARED_VENVS  # noqa: E402
from test_differential_corpus import CASES, SAME_FLOOR  # noqa: E402

from workbench.runs.subprocess_backend import SubprocessBackend  # noqa: E402


def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        result = compare_corpus(CASES, Path(work), SubprocessBackend(SHARED_VENVS), arguments_for)
    print(result.summary(len(CASES)))
    print(f"compared {len(CASES)} files in {time.perf_counter() - started:.0f} s")
    if result.different or len(result.same) < SAME_FLOOR:
        print(f"FAILED: {len(result.different)} file(s) differ; {len(result.same)} agree (floor {SAME_FLOOR})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
