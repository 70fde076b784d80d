"""Differential tests on the corpus: every corpus pipeline that kfp.local can run, run by kfp.local
and by our engine from the same file, must give the same outputs, task by task.

Each file's `kfp==X` pins are set to the kfp installed here first (for both runners alike), so that
kfp.local, which runs components in this environment, installs nothing; files whose components
install other packages are left out for the same reason. Pipelines whose tasks draw random numbers
are compared by which outputs exist, not by value.
"""

from __future__ import annotations

import pytest
from corpus_cases import CORPUS, EXPECTED_FAILURES, NEEDS_NETWORK, STREAMS_FOR_A_MINUTE, arguments_for
from differential import KfpLocalFailed, compare, installs_packages, pinned_to_this_kfp

RANDOM = {
    "flip_coin.yaml": {"flip-coin", "random-num", "flip-coin-2", "random-num-2"},
    "pipeline_with_condition.yaml": {"flip-coin-op", "flip-coin-op-2"},
    "pipeline_with_nested_conditions.yaml": {"flip-coin-op", "flip-coin-op-2", "flip-coin-op-3",
                                             "flip-coin-op-4"},
    "pipeline_with_nested_conditions_yaml.yaml": {"flip-coin", "generate-random-number",
                                                  "generate-random-number-2"},
    "pipeline_with_metrics_outputs.yaml": {"output-metrics", "output-metrics-2"},
    "if_elif_else_complex.yaml": {"int-0-to-9999", "int-0-to-9999-2", "is-even-or-odd", "is-even-or-odd-2"},
    "if_elif_else_with_oneof_parameters.yaml": {"flip-three-sided-die"},
    "if_else_with_oneof_artifacts.yaml": {"flip-coin"},
    "parameter_oneof.yaml": {"flip-coin"},
}
RESULTS: dict[str, str] = {}
CASES = [p for p in CORPUS if p.name not in EXPECTED_FAILURES and p.name not in NEEDS_NETWORK
         and p.name != STREAMS_FOR_A_MINUTE and p.name != "take_nap_pipeline_root_compiled.yaml"
         and not installs_packages(p.read_text())]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_same_outputs_as_kfp_local(corpus_dir, subprocess_backend, tmp_path, path):
    ir_text = pinned_to_this_kfp(path.read_text())
    try:
        compared, differences = compare(ir_text, tmp_path, subprocess_backend, arguments_for(path),
                                        random_tasks=RANDOM.get(path.name, set()))
    except KfpLocalFailed as exc:
        RESULTS[path.name] = f"kfp.local cannot run it: {str(exc).strip().splitlines()[-1][:160]}"
        pytest.skip(RESULTS[path.name])
    RESULTS[path.name] = "same" if not differences else "different"
    assert differences == []


def test_differential_tally():
    same = sum(result == "same" for result in RESULTS.values())
    print(f"\ndifferential vs kfp.local: {same} of {len(RESULTS)} corpus pipelines give the same outputs; "
          f"{sum(r.startswith('kfp.local cannot') for r in RESULTS.values())} kfp.local cannot run")
    for name, result in sorted(RESULTS.items()):
        if result != "same":
            print(f"  {name}: {result}")
    assert sum(result == "different" for result in RESULTS.values()) == 0
