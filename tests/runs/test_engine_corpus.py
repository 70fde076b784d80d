"""Every corpus pipeline on the real subprocess backend: those that can run here end succeeded;
the rest fail with a message naming why (a Kubernetes or Google Cloud feature, a missing image
program, a component needing a newer kfp than it pins)."""

from __future__ import annotations

import pytest

from corpus_cases import (CORPUS, EXPECTED_FAILURES, NEEDS_NETWORK, RUN_TIMEOUT, STREAMS_FOR_A_MINUTE,
                          arguments_for, input_artifacts_for)
from engine_support import wait_until
from workbench.runs.events import LogLine


@pytest.fixture(scope="module")
def corpus_engine(subprocess_backend, tmp_path_factory):
    from workbench.runs.engine import Engine

    root = tmp_path_factory.mktemp("corpus")
    return Engine(subprocess_backend, sinks=[], max_parallel=2, use_cache=False,
                  cache_dir=root / "cache", workspace_root=root / "runs")


OUTCOMES: dict[str, str] = {}


@pytest.mark.parametrize("path", [p for p in CORPUS if p.name not in NEEDS_NETWORK and p.name != STREAMS_FOR_A_MINUTE],
                         ids=lambda p: p.stem)
def test_corpus_pipeline(corpus_dir, corpus_engine, path, tmp_path):
    handle = corpus_engine.start(path.read_text(), arguments_for(path),
                                 input_artifacts=input_artifacts_for(path, tmp_path))
    state = handle.wait(RUN_TIMEOUT)
    if state == "running":
        handle.cancel()
        state = f"timed out after {RUN_TIMEOUT} s, then {handle.wait(10)}"
    OUTCOMES[path.name] = state
    if path.name in EXPECTED_FAILURES:
        assert state == "failed"
        assert EXPECTED_FAILURES[path.name] in handle.message
    else:
        assert state == "succeeded", handle.message


def test_log_streaming_pipeline_streams_and_cancels(corpus_dir, subprocess_backend, tmp_path):
    from workbench.runs.engine import Engine

    lines: list[LogLine] = []
    engine = Engine(subprocess_backend, sinks=[lambda e: lines.append(e) if isinstance(e, LogLine) else None],
                    cache_dir=tmp_path / "c", workspace_root=tmp_path / "w", use_cache=False)
    handle = engine.start((corpus_dir / STREAMS_FOR_A_MINUTE).read_text(), {})
    assert wait_until(lambda: sum("Hello world (" in e.line for e in lines) > 10, 30)
    handle.cancel()
    assert handle.wait(5) == "cancelled"
    OUTCOMES[STREAMS_FOR_A_MINUTE] = "succeeded (streams; cancelled after it printed)"


def test_corpus_counts():
    """Prints the tally (run with -s to see it); every parametrized run above recorded itself."""
    ran = {name: state for name, state in OUTCOMES.items()}
    succeeded = sum(state.startswith("succeeded") for state in ran.values())
    print(f"\ncorpus: {len(CORPUS)} files, {succeeded} ran to success, "
          f"{sum(n in EXPECTED_FAILURES for n in ran)} failed as expected (feature named), "
          f"{len(NEEDS_NETWORK)} need network and were not run")
    if ran:
        assert succeeded + sum(n in EXPECTED_FAILURES for n in ran) == len(ran)
