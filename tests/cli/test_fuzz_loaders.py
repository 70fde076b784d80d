"""Fuzz of the .wbp and IR loaders through the CLI's load paths: thousands of seeded mutants of the
example documents and the KFP IR corpus; none may print a traceback, hang, exit with anything but
0 or 1, say more than one line, or change the file it read. A longer soak: tests/bench/bench_fuzz_loaders.py.
"""


import pytest
from corpus import corpus_files
from loader_fuzz import fuzz

WBP_CASES = 900
IR_CASES = 700
SEED = 20261202


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def _report(kind, outcome):
    print(f"\n{kind}: {outcome.cases} cases, {outcome.accepted} accepted, {outcome.refused} refused in one line, "
          f"{len(outcome.failures)} failures")


def test_wbp_documents_fuzzed(tmp_path, data_dir, capsys):
    outcome = fuzz("wbp", WBP_CASES, SEED, tmp_path)
    with capsys.disabled():
        _report(".wbp", outcome)
    assert outcome.failures == []
    assert outcome.cases == WBP_CASES
    assert outcome.refused > WBP_CASES // 3 and outcome.accepted > 0  # the mutants reach both outcomes


@pytest.mark.skipif(not corpus_files(), reason="the KFP IR corpus is not checked out beside the repository")
def test_ir_fuzzed(tmp_path, data_dir, capsys):
    outcome = fuzz("ir", IR_CASES, SEED, tmp_path)
    with capsys.disabled():
        _report("IR", outcome)
    assert outcome.failures == []
    assert outcome.cases > IR_CASES * 0.9  # a few mutants cannot be written as YAML at all
    assert outcome.refused > IR_CASES // 3 and outcome.accepted > 0


def test_the_harness_catches_what_it_looks_for(tmp_path, monkeypatch):
    """The checks are not blind: a loader that hangs, raises or writes is reported as such."""
    import loader_fuzz
    from loader_fuzz import check_case

    monkeypatch.setattr(loader_fuzz, "CASE_SECONDS", 0.3)

    def hangs(file):
        while True:
            pass

    def raises(file):
        raise KeyError("x")

    def writes(file):
        file.write_text("changed")
        return 1, f"error: {file}: no\n"

    def two_lines(file):
        return 1, f"error: {file}: a\nmore\n"

    problems = [check_case(tmp_path / "c.wbp", "{}", load)[0] for load in (hangs, raises, writes, two_lines)]
    assert problems[0].startswith("hang") and "KeyError" in problems[1]
    assert problems[2] == "the input file was changed" and problems[3].startswith("not one line")
