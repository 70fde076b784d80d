"""Differential tests on the corpus: corpus pipelines run by kfp.local and by our engine from the
same file must give the same outputs, task by task.

Each file's `kfp==X` pins are set to the kfp installed here first (for both runners alike), so that
kfp.local, which runs components in this environment, installs nothing; files whose components
install other packages are left out for the same reason. Outputs that vary from run to run (random
draws, run-specific paths) are compared by presence, not by value.

`make test` runs a sample covering each feature kfp.local supports (about a minute); every file it
can run is compared by `make bench` (tests/bench/bench_differential_corpus.py, about four minutes).
"""

from __future__ import annotations

from corpus_cases import CORPUS, EXPECTED_FAILURES, NEEDS_NETWORK, STREAMS_FOR_A_MINUTE, arguments_for
from differential import compare_corpus, installs_packages

KFP_LOCAL_WRONG = {  # file: why kfp.local's outputs are not what a cluster gives
    "pipeline_with_workspace.yaml": "kfp.local mounts no workspace, so its reading task finds no file",
}
CASES = [p for p in CORPUS if p.name not in EXPECTED_FAILURES and p.name not in NEEDS_NETWORK
         and p.name not in KFP_LOCAL_WRONG and p.name != STREAMS_FOR_A_MINUTE
         and p.name != "take_nap_pipeline_root_compiled.yaml" and not installs_packages(p.read_text())]
SAME_FLOOR = 34  # the full comparison (make bench); raise it as kfp.local or the engine improves, never lower it
SAMPLE = {  # file: the feature it covers; every one is a file kfp.local runs
    "pipeline_with_parallelfor_parallelism.yaml": "ParallelFor over a parameter with parallelismLimit",
    "parallel_for_after_dependency.yaml": "a task after a loop",
    "collected_parameters.yaml": "dsl.Collected parameters out of a loop",
    "if_elif_else_complex.yaml": "If / Elif / Else chains inside a loop",
    "pipeline_with_condition.yaml": "nested dsl.Condition",
    "parameter_oneof.yaml": "dsl.OneOf parameter outputs",
    "if_elif_else_with_oneof_parameters.yaml": "OneOf across Elif branches",
    "multiple_artifacts_namedtuple.yaml": "several artifact outputs (NamedTuple)",
    "pythonic_artifacts_test_pipeline.yaml": "pythonic artifacts",
    "pipeline_with_metrics_outputs.yaml": "Metrics artifacts",
    "pipeline_with_retry.yaml": "retry policies",
    "dict_input.yaml": "dict parameters",
    "pipeline_with_params_containing_format.yaml": "f-string parameters",
    "component_with_optional_inputs.yaml": "optional inputs left out",
    "nested_return.yaml": "nested list/dict return values",
}


def test_the_sample_covers_only_files_of_the_comparable_corpus():
    assert set(SAMPLE) <= {p.name for p in CASES}


def test_same_outputs_as_kfp_local_on_a_sample_of_the_corpus(corpus_dir, subprocess_backend, tmp_path, capsys):
    cases = [p for p in CASES if p.name in SAMPLE]
    result = compare_corpus(cases, tmp_path, subprocess_backend, arguments_for)
    with capsys.disabled():
        print("\n" + result.summary(len(cases)))
    assert result.different == {}
    assert result.cannot == {}, "kfp.local no longer runs a sampled file: choose another for its feature"
    assert sorted(result.same) == sorted(SAMPLE)
