"""Placeholder resolution: every KFP placeholder form, structures, and no re-scanning of values."""

from __future__ import annotations

import json

import pytest

from workbench.runs.engine.placeholders import (PlaceholderError, TaskContext, resolve_command,
                                                resolve_constant)

CONTEXT = TaskContext(pipeline_job_name="demo-run1", pipeline_job_id="run1", pipeline_task_name="train",
                      pipeline_task_id="loop[0]/train", pipeline_root="/ws/run1",
                      workspace_path="/ws/run1/workspace", create_time_utc="2024-01-01T00:00:00Z")
MODEL = {"name": "model", "type": {"schemaTitle": "system.Model"}, "uri": "/ws/run1/up/model",
         "metadata": {"framework": "sk"}}
EXECUTOR_INPUT = {
    "inputs": {"parameterValues": {"text": "hi", "count": 3, "items": [1, 2], "evil": "{{$.inputs.parameters['text']}}"},
               "artifacts": {"model": {"artifacts": [MODEL]}}},
    "outputs": {"parameters": {"score": {"outputFile": "/ws/run1/t/score"}},
                "artifacts": {"report": {"artifacts": [{"name": "report", "uri": "/ws/run1/t/report",
                                                        "metadata": {}, "type": {}}]}},
                "outputFile": "/ws/run1/t/executor_output.json"},
}


def resolve(*parts: str) -> list[str]:
    return resolve_command(list(parts), EXECUTOR_INPUT, CONTEXT)


def test_executor_input_placeholder_is_the_whole_json():
    assert json.loads(resolve("{{$}}")[0]) == EXECUTOR_INPUT


@pytest.mark.parametrize("placeholder, expected", [
    ("{{$.inputs.parameters['text']}}", "hi"),
    ("{{$.inputs.parameters['count']}}", "3"),
    ("{{$.inputs.parameters['items']}}", "[1, 2]"),
    ("{{$.inputs.artifacts['model'].uri}}", "/ws/run1/up/model"),
    ("{{$.inputs.artifacts['model'].path}}", "/ws/run1/up/model"),
    ("{{$.inputs.artifacts['model'].metadata}}", '{"framework": "sk"}'),
    ("{{$.outputs.parameters['score'].output_file}}", "/ws/run1/t/score"),
    ("{{$.outputs.artifacts['report'].uri}}", "/ws/run1/t/report"),
    ("{{$.outputs.artifacts['report'].path}}", "/ws/run1/t/report"),
    ("{{$.outputs.artifacts['report'].metadata}}", "{}"),
    ("{{$.outputs.output_file}}", "/ws/run1/t/executor_output.json"),
    ("{{$.pipeline_job_name}}", "demo-run1"),
    ("{{$.pipeline_job_resource_name}}", "demo-run1"),
    ("{{$.pipeline_job_uuid}}", "run1"),
    ("{{$.pipeline_task_name}}", "train"),
    ("{{$.pipeline_task_uuid}}", "loop[0]/train"),
    ("{{$.pipeline_root}}", "/ws/run1"),
    ("{{$.workspace_path}}", "/ws/run1/workspace"),
    ("/kfp-workspace/data", "/ws/run1/workspace/data"),
    ("--n={{$.inputs.parameters['count']}}x{{$.inputs.parameters['text']}}", "--n=3xhi"),
])
def test_single_placeholders(placeholder, expected):
    assert resolve(placeholder) == [expected]


def test_concat_and_if_present_structures():
    concat = json.dumps({"Concat": ["--in=", "{{$.inputs.parameters['text']}}", "!"]})
    present = json.dumps({"IfPresent": {"InputName": "text", "Then": ["--text", "{{$.inputs.parameters['text']}}"]}})
    absent = json.dumps({"IfPresent": {"InputName": "missing", "Then": ["--m"], "Else": "--no-m"}})
    absent_no_else = json.dumps({"IfPresent": {"InputName": "missing", "Then": ["--m"]}})
    nested = json.dumps({"IfPresent": {"InputName": "model", "Then": {"Concat": ["m=", "{{$.inputs.artifacts['model'].uri}}"]}}})
    assert resolve("a", concat, present, absent, absent_no_else, nested) == [
        "a", "--in=hi!", "--text", "hi", "--no-m", "m=/ws/run1/up/model"]


def test_substituted_values_are_not_scanned_again():
    assert resolve("{{$.inputs.parameters['evil']}}") == ["{{$.inputs.parameters['text']}}"]


def test_unknown_placeholder_fails_with_its_name():
    with pytest.raises(PlaceholderError, match="pipeline_google_cloud_project_id"):
        resolve("{{$.pipeline_google_cloud_project_id}}")


def test_constants_take_input_references_and_run_values_only():
    value = "{{$.inputs.parameters['a']}}-{{$.pipeline_task_name}}-{{$.outputs.output_file}}"
    assert resolve_constant(value, {"a": 7}, CONTEXT) == "7-train-{{$.outputs.output_file}}"
