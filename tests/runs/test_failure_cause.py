"""The cause of a failure read from a task's log: the exception line of the last traceback, with
fallbacks, for well-formed and hostile logs alike."""

from __future__ import annotations

import time

from workbench.runs.failure_cause import (HEAD_LINES, MAX_LINE_CHARS, MAX_SUMMARY_CHARS, TAIL_LINES, CauseCollector,
                                          failure_cause, plain)

KFP_FAILURE = """\
[KFP Executor 2026-12-02 17:33:15,742 INFO]: Looking for component `make_shards`
Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "/venv/lib/python3.11/site-packages/kfp/dsl/executor.py", line 453, in execute
    result = self.func(**func_kwargs)
             ^^^^^^^^^^^^^^^^^^^^^^^^
  File "/tmp/ephemeral_component.py", line 10, in make_shards
    raise ValueError("n_shards must be at least 1")
ValueError: n_shards must be at least 1"""


def stderr(text: str) -> list[tuple[str, str]]:
    return [(line, "stderr") for line in text.splitlines()]


def test_the_exception_line_of_a_kfp_component_traceback():
    cause = failure_cause(stderr(KFP_FAILURE))
    assert cause.summary == "ValueError: n_shards must be at least 1"
    assert cause.traceback.splitlines()[0] == "Traceback (most recent call last):"
    assert cause.traceback.splitlines()[-1] == "ValueError: n_shards must be at least 1"
    assert "raise ValueError" in cause.traceback and "Looking for component" not in cause.traceback


def test_stdout_lines_between_traceback_lines_do_not_break_it():
    """Docker and the process backend deliver the two streams interleaved."""
    lines = []
    for index, line in enumerate(KFP_FAILURE.splitlines()):
        lines += [(line, "stderr"), (f"progress {index}", "stdout")]
    cause = failure_cause(lines)
    assert cause.summary == "ValueError: n_shards must be at least 1"
    assert "progress" not in cause.traceback


def test_the_last_traceback_wins_and_chained_causes_stay_with_it():
    log = (KFP_FAILURE.replace("ValueError: n_shards must be at least 1", "KeyError: 'a'") + "\n"
           "handled; going on\n" + KFP_FAILURE.replace("ValueError: n_shards must be at least 1", "OSError: disk")
           + "\n\nDuring handling of the above exception, another exception occurred:\n\n"
           + "Traceback (most recent call last):\n  File \"x.py\", line 3, in <module>\n"
           + "mypackage.errors.ShardError: could not write shard 3\n")
    cause = failure_cause(stderr(log))
    assert cause.summary == "mypackage.errors.ShardError: could not write shard 3"
    assert "OSError: disk" in cause.traceback and "During handling" in cause.traceback
    assert "KeyError" not in cause.traceback  # an earlier, handled traceback is not part of it


def test_a_multi_line_message_keeps_its_first_line_as_the_summary():
    log = "Traceback (most recent call last):\n  File \"a.py\", line 1\nValueError: first\nsecond line\n\nother output"
    cause = failure_cause(stderr(log))
    assert cause.summary == "ValueError: first"
    assert cause.traceback.endswith("ValueError: first\nsecond line")


def test_an_exception_without_a_message():
    cause = failure_cause(stderr("Traceback (most recent call last):\n  File \"a.py\", line 1\nKeyboardInterrupt"))
    assert cause.summary == "KeyboardInterrupt"


def test_without_a_traceback_the_last_non_empty_stderr_line():
    lines = [("starting", "stdout"), ("error: no such table: users", "stderr"), ("   ", "stderr"),
             ("finished", "stdout"), ("workbench: note", "engine")]
    cause = failure_cause(lines)
    assert cause.summary == "error: no such table: users" and cause.traceback == ""


def test_nothing_on_stderr_means_no_cause():
    assert failure_cause([("all fine", "stdout"), ("", "stderr")]) is None


def test_a_traceback_printed_to_stdout_counts_when_stderr_has_none():
    cause = failure_cause([(line, "stdout") for line in KFP_FAILURE.splitlines()] + [("exit 1", "stderr")])
    assert cause.summary == "ValueError: n_shards must be at least 1"


def test_a_truncated_traceback_falls_back_to_the_last_stderr_line():
    log = "\n".join(KFP_FAILURE.splitlines()[:-1])  # the log was cut before the exception line
    cause = failure_cause(stderr(log))
    assert cause.summary == 'raise ValueError("n_shards must be at least 1")'


def test_ansi_escapes_and_binary_junk_are_made_plain():
    log = ("Traceback (most recent call last):\n  File \"a.py\", line 1\n"
           "\x1b[31mValueError\x1b[0m: bad \x00\x07value\ufffd\ufffd \x1b]0;title\x07here\x1b[2K")
    cause = failure_cause(stderr(log))
    assert cause.summary == "ValueError: bad  value  here"
    assert "\x1b" not in cause.traceback and "\x00" not in cause.traceback
    assert plain("\x1b[1;32mok\x1b[0m\tdone\r") == "ok  done"


def test_a_huge_line_is_cut_and_a_huge_traceback_keeps_its_start_and_end():
    frames = [f"  File \"deep.py\", line {i}, in f" for i in range(5000)]
    log = ["Traceback (most recent call last):", *frames, "RecursionError: " + "x" * 1_000_000]
    cause = failure_cause([(line, "stderr") for line in log])
    assert cause.summary.startswith("RecursionError: xxx") and len(cause.summary) == MAX_SUMMARY_CHARS
    kept = cause.traceback.splitlines()
    assert len(kept) == HEAD_LINES + 1 + TAIL_LINES
    assert kept[0].startswith("Traceback") and "line 0," in kept[1] and "left out" in kept[HEAD_LINES]
    assert kept[-1].startswith("RecursionError") and len(kept[-1]) == MAX_LINE_CHARS
    assert all(len(line) <= MAX_LINE_CHARS for line in kept)


def test_a_huge_log_costs_little():
    """100,000 ordinary lines (the log limit) then a failure: a substring test a line (~0.1 s here)."""
    collector = CauseCollector()
    started = time.perf_counter()
    for index in range(100_000):
        collector.feed(f"epoch {index}: loss={1 / (index + 1):.5f} " + "." * 100, "stdout")
    for line in KFP_FAILURE.splitlines():
        collector.feed(line, "stderr")
    assert time.perf_counter() - started < 3.0
    assert collector.cause().summary == "ValueError: n_shards must be at least 1"


def test_random_binary_logs_never_raise():
    import random

    rng = random.Random(11)
    for _ in range(300):
        lines = []
        for _ in range(rng.randint(0, 30)):
            raw = bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
            text = raw.decode("utf-8", "replace")
            if rng.random() < 0.2:
                text = "Traceback (most recent call last):"
            elif rng.random() < 0.2:
                text = "Error: " + text
            lines.append((text, rng.choice(["stdout", "stderr", "engine"])))
        cause = failure_cause(lines)
        if cause is not None:
            assert "\n" not in cause.summary and len(cause.summary) <= MAX_SUMMARY_CHARS
            assert not any(ch in cause.summary for ch in "\x00\x1b\ufffd")
