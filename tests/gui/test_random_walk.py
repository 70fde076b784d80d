"""A short seeded random walk of clicks, drags and keys over the whole window (the 10-minute one is
`tests/bench/bench_random_walk.py --minutes 10`), in a child process: no crash, no uncaught error."""

from __future__ import annotations

import json

import pytest

from child_process import run_child, survived


@pytest.mark.xserver
def test_short_random_walk_survives(tmp_path):
    result = survived(run_child(["tests/bench/bench_random_walk.py", "--minutes", "0.4", "--seed", "7"],
                                tmp_path / "data", timeout=300))
    walk = json.loads(next(line for line in result.stdout.splitlines()
                           if line.startswith("WALK ")).removeprefix("WALK "))
    print(walk)
    assert walk["uncaught"] == 0
    assert walk["events"] >= 200 and walk["clicks"] and walk["drags"] and walk["keys"], walk
