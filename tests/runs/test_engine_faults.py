"""Bad input and faults: malformed outputs, features that cannot run here, bad IR and arguments."""

from __future__ import annotations

import textwrap

import pytest

from workbench.errors import RunError

TIMEOUT = 60


def single_task_ir(command: list[str], *, output_type: str = "STRING", image: str = "alpine") -> str:
    import json

    return textwrap.dedent(f"""\
        pipelineInfo: {{name: faulty}}
        components:
          comp-t:
            executorLabel: exec-t
            outputDefinitions: {{parameters: {{out: {{parameterType: {output_type}}}}}}}
        deploymentSpec:
          executors:
            exec-t:
              container: {{image: {json.dumps(image)}, command: {json.dumps(command)}}}
        root:
          dag:
            tasks:
              t: {{componentRef: {{name: comp-t}}, taskInfo: {{name: t}}}}
        """)


@pytest.mark.parametrize("command, expected", [
    (["sh", "-c", 'echo "{not json" > "$0"', "{{$.outputs.output_file}}"], "malformed executor_output.json"),
    (["sh", "-c", 'echo "[1, 2]" > "$0"', "{{$.outputs.output_file}}"], "not a JSON object"),
    (["sh", "-c", 'echo \'{"parameterValues": 5}\' > "$0"', "{{$.outputs.output_file}}"],
     "'parameterValues' is not an object"),
])
def test_malformed_executor_output_fails_the_task(make_engine, fake_backend, command, expected):
    handle = make_engine(fake_backend).start(single_task_ir(command), {})
    assert handle.wait(TIMEOUT) == "failed"
    assert expected in handle.message and "'t'" in handle.message


def test_output_parameter_of_the_wrong_type_fails_the_task(make_engine, fake_backend):
    command = ["sh", "-c", 'mkdir -p "$(dirname "$0")"; printf abc > "$0"',
               "{{$.outputs.parameters['out'].output_file}}"]
    handle = make_engine(fake_backend).start(single_task_ir(command, output_type="NUMBER_INTEGER"), {})
    assert handle.wait(TIMEOUT) == "failed"
    assert "output parameter 'out' (NUMBER_INTEGER) is not valid JSON" in handle.message


def test_missing_program_fails_with_exit_127(make_engine, fake_backend):
    handle = make_engine(fake_backend).start(single_task_ir(["no-such-program-xyz"]), {})
    assert handle.wait(TIMEOUT) == "failed"
    assert "code 127" in handle.message and "no-such-program-xyz" in handle.message


def test_google_cloud_service_component_fails_naming_the_feature(make_engine, fake_backend):
    ir = single_task_ir(["python3", "-m", "launcher"],
                        image="gcr.io/ml-pipeline/google-cloud-pipeline-components:2.14.1")
    handle = make_engine(fake_backend).start(ir, {})
    assert handle.wait(TIMEOUT) == "failed"
    assert "runs on Vertex AI only" in handle.message and "'t'" in handle.message
    assert fake_backend.launches == []


def test_kubernetes_secret_on_a_non_docker_backend_fails_the_task_not_the_engine(make_engine, fake_backend, corpus_dir):
    handle = make_engine(fake_backend).start((corpus_dir / "pipeline_with_secret_as_env.yaml").read_text(), {})
    assert handle.wait(TIMEOUT) == "failed"
    assert handle.task_states() == {"generate-secret-name": "succeeded", "comp": "failed"}
    assert "task 'comp': Kubernetes secretAsEnv needs the Docker backend" in handle.message


def test_pod_metadata_is_emulated_for_field_path_env(make_engine, fake_backend, corpus_dir):
    handle = make_engine(fake_backend).start((corpus_dir / "pipeline_with_pod_metadata.yaml").read_text(), {})
    assert handle.wait(TIMEOUT) == "succeeded"
    task_a = next(launch for launch in fake_backend.launches if launch.task_id == "validate-pod-metadata-task-a")
    assert {task_a.env[name] for name in ("POD_TASK_ANNOTATION", "POD_TASK_LABEL_1", "POD_TASK_LABEL_2")} == \
        {"annotation", "label-1", "label-2"}
    assert task_a.labels["workbench.pod-label.task-label-1"] == "label-1"  # container labels, prefixed
    assert task_a.labels["workbench.pod-annotation.task-annotation"] == "annotation"


@pytest.mark.parametrize("text, message", [
    ("a: [", "not valid YAML"),
    ("just: a mapping", "not a compiled KFP pipeline"),
])
def test_bad_ir_is_refused_at_start(make_engine, fake_backend, text, message):
    with pytest.raises(RunError, match=message):
        make_engine(fake_backend).start(text, {})


def test_arguments_are_checked_at_start(make_engine, fake_backend, corpus_dir):
    ir = (corpus_dir / "add_numbers.yaml").read_text()
    with pytest.raises(RunError, match="'a' is required"):
        make_engine(fake_backend).start(ir, {"b": 1})
    with pytest.raises(RunError, match="unknown pipeline parameter"):
        make_engine(fake_backend).start(ir, {"a": 1, "b": 2, "c": 3})


def test_a_failing_sink_does_not_stop_the_run(tmp_path, fake_backend, capsys):
    from workbench.runs.engine import Engine

    def broken(event):
        raise RuntimeError("subscriber bug")

    engine = Engine(fake_backend, sinks=[broken], cache_dir=tmp_path / "c", workspace_root=tmp_path / "w")
    assert engine.start(single_task_ir(["true"]), {}).wait(TIMEOUT) == "succeeded"
    assert "subscriber bug" in capsys.readouterr().err
