"""Pipelines built from Google Cloud Pipeline Components (see `gcpc_specs`): they import, validate
with their optional inputs unset, compile back equivalent, and fail by name in a local run before
any container starts. The AutoML pipelines the package ships were compiled by an older kfp that
returned pipeline outputs from inside an exit handler's condition: kfp 2.17 refuses those, so the
import names each one it drops and everything else must be equivalent."""

from __future__ import annotations

import re

import pytest
from gcpc_specs import GCPC, automl_tabular_and_arguments
from round_trip_check import assert_exact_round_trip

from workbench.compiler.compile import compile_graph
from workbench.compiler.equivalence import equivalent
from workbench.compiler.importer import import_ir
from workbench.model.validate import validate
from workbench.runs.engine.vertex_only import VERTEX_ONLY, vertex_only_tasks

EXACT = ("custom_training", "upload_and_deploy", "batch_predict", "bigquery_and_dataflow")
AUTOML = ("automl_tabular", "automl_tabular_preview")
AUTOML_DROPPED = {f"{task}-{output}" for task in ("feature-attribution", "feature-attribution-2",
                                                   "feature-attribution-3") for output in ("feature_attributions",)} | {
    f"{task}-evaluation_metrics" for task in ("model-evaluation", "model-evaluation-2", "model-evaluation-3")}


def test_the_corpus_covers_the_components_the_issue_names():
    text = "\n".join(GCPC[name]() for name in EXACT)
    for image_or_launcher in ("custom_job.launcher", "model.upload_model.launcher", "endpoint.create_endpoint",
                              "endpoint.deploy_model", "batch_prediction_job", "bigquery.query_job",
                              "dataflow.dataflow_launcher"):
        assert image_or_launcher in text, image_or_launcher
    assert "system.Model" in GCPC["custom_training"]()


@pytest.mark.parametrize("name", EXACT)
def test_gcpc_pipeline_round_trips(name):
    assert_exact_round_trip(GCPC[name]())


@pytest.mark.parametrize("name", AUTOML)
def test_automl_pipeline_round_trips_but_for_the_outputs_kfp_refuses(name):
    original = GCPC[name]()
    result = import_ir(original)
    dropped = {re.search(r"pipeline output '([^']+)'", note).group(1) for note in result.unrepresented}
    assert dropped == AUTOML_DROPPED
    assert all("kfp 2.17 refuses it" in note for note in result.unrepresented)
    assert [d for d in validate(result.graph) if d.severity == "error"] == [], "optional inputs left unset"
    unset = [p.name for p in result.graph.parameters.values() if p.optional and p.default is None]
    assert len(unset) >= 5 and "parent_model" in unset, "optional inputs (an artifact among them) stay unset"
    differences = equivalent(original, compile_graph(result.graph))
    assert differences, "the dropped outputs must show"
    assert all(d.startswith(("outputs.", "output_types.")) for d in differences), differences
    assert {d.split(":")[0].removeprefix("outputs.") for d in differences if d.startswith("outputs.")} \
        == AUTOML_DROPPED


@pytest.mark.parametrize("name", EXACT + AUTOML)
def test_gcpc_tasks_are_named_as_vertex_only(name):
    import yaml

    tasks = vertex_only_tasks(yaml.safe_load(GCPC[name]()))
    assert tasks
    assert not any(t.startswith("importer") for t in tasks), "an importer runs locally"


@pytest.mark.parametrize("name", EXACT + AUTOML[:1])
def test_local_run_fails_them_by_name_before_any_container_starts(name, tmp_path):
    from workbench.runs.engine import Engine
    from workbench.runs.events import TaskStateChanged

    launches, events = [], []

    class NoContainers:
        """A backend that records any launch: none may happen."""

        name = "record"

        def check(self):
            pass

        def prepare(self, images_and_packages, progress):
            pass

        def run_task(self, launch, on_line, cancel):
            launches.append(launch)
            raise AssertionError(f"a container started: {launch.image}")

        def cleanup_run(self, run_id):
            return 0

    engine = Engine(NoContainers(), sinks=[events.append], max_parallel=2, cache_dir=tmp_path / "cache",
                    workspace_root=tmp_path / "runs", use_cache=False)
    arguments = automl_tabular_and_arguments()[1] if name == "automl_tabular" else {}
    artifacts = {"vertex_dataset": "gs://my-bucket/dataset"} if name == "automl_tabular" else {}
    handle = engine.start(GCPC[name](), arguments, input_artifacts=artifacts)
    assert handle.wait(120) == "failed"
    assert launches == []
    failed = [e for e in events if isinstance(e, TaskStateChanged) and e.state == "failed"]
    assert failed and all(VERTEX_ONLY in e.message for e in failed), [e.message for e in failed]
    assert VERTEX_ONLY in handle.message
