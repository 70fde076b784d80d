"""A longer fuzz soak of the .wbp and IR loaders than `make test` runs (tests/cli/test_fuzz_loaders.py).

    .venv/bin/python tests/bench/bench_fuzz_loaders.py [--wbp N] [--ir N] [--seed S]

Prints cases run, accepted, refused in one line, and every failure (traceback, hang, exit code
other than 0 / 1, more than one line, input file changed); exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loader_fuzz import fuzz  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wbp", type=int, default=5000)
    parser.add_argument("--ir", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        os.environ["WORKBENCH_DATA_DIR"] = str(Path(work) / "data")
        for kind, cases in (("wbp", args.wbp), ("ir", args.ir)):
            started = time.monotonic()
            outcome = fuzz(kind, cases, args.seed, Path(work))
            print(f"{kind}: {outcome.cases} cases (seed {args.seed}), {outcome.accepted} accepted, "
                  f"{outcome.refused} refused in one line, {len(outcome.failures)} failures, "
                  f"{time.monotonic() - started:.0f} s")
            for failure in outcome.failures:
                print("  " + failure)
            failures += len(outcome.failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
