"""What the corpus runs need here: sample arguments, and the files that cannot succeed on a
laptop with the reason their failure message must give."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from workbench.runs.engine.ir import parse_ir

SAMPLE_VALUES = {"STRING": "hello", "NUMBER_INTEGER": 3, "NUMBER_DOUBLE": 1.5, "BOOLEAN": True,
                 "STRUCT": {"a": 1}, "LIST": ["a", "b"]}
ARGUMENT_OVERRIDES = {
    "pipeline_with_parallelfor_parallelism.yaml": {"loop_parameter": [{"A_a": "1", "B_b": "2"},
                                                                       {"A_a": "10", "B_b": "20"}]},
    "take_nap_pipeline_root_compiled.yaml": {"naptime_secs": 1},  # default: a 15-minute nap
}
EXPECTED_FAILURES = {
    # file: text the run's failure message must contain
    # Kubernetes secrets and PVCs: the Docker backend emulates them (test_local_kubernetes_docker.py)
    "pipeline_with_secret_as_env.yaml": "Kubernetes secretAsEnv needs the Docker backend",
    "pipeline_with_volume.yaml": "Kubernetes CreatePVC needs the Docker backend",
    "pipeline_with_volume_long_name.yaml": "Kubernetes CreatePVC needs the Docker backend",
    "pipeline_with_volume_no_cache.yaml": "Kubernetes CreatePVC needs the Docker backend",
    "pipeline_with_dynamic_task_output_custom_training_job.yaml": "runs on Vertex AI only",
    # an importer's gs:// URI, with no Google Cloud credentials and no --gcs-mirror
    "pipeline_with_importer_and_gcpc_types.yaml": "gs://ml-pipeline-playground/shakespeare1.txt needs Google Cloud "
                                                  "credentials or --gcs-mirror",
    # the container's own program is not on this machine (it lives in the task's image)
    "container_with_if_placeholder.yaml": "cannot start 'my_program'",
    "container_with_placeholder_in_fstring.yaml": "cannot start 'my_program'",
    "pipeline_with_various_io_types.yaml": "cannot start 'hello'",  # its input artifact given, it gets this far
    "container_with_artifact_output.yaml": "exited with code 2",  # runs the image's run.sh
    # the component's code needs a newer kfp than the kfp==2.14.3 its command pins
    "embedded_artifact.yaml": "exited with code 1",
    "pipeline_with_artifact_custom_path.yaml": "exited with code 1",
    # expects the Kubernetes downward API to set empty variables it never declared
    "create_pod_metadata_complex.yaml": "'validate-no-pod-metadata' exited with code 1",
    # imports an oci:// model image (modelcar), which needs a cluster's image volume
    "modelcar.yaml": "'get-model-files-list' exited with code 1",
    # a TASK_FINAL_STATUS pipeline input has no producer when the pipeline runs on its own
    "component_with_task_final_status_GH-12033.yaml": "'exit-comp' exited with code 1",
}
NEEDS_NETWORK = {
    "pipeline_with_artifact_upload_download.yaml": "downloads a data set from the Hugging Face Hub",
}
STREAMS_FOR_A_MINUTE = "log_streaming_compiled.yaml"
CORPUS = sorted(Path(__file__).resolve().parents[2].parent.joinpath("shared", "corpus", "kfp-ir").glob("*.yaml"))
RUN_TIMEOUT = 240


def input_artifacts_for(path: str | Path, folder: Path) -> dict[str, str]:
    """A sample file in `folder` for each pipeline input artifact (`--input-artifact NAME=PATH`)."""
    artifacts = parse_ir(Path(path).read_text()).root.get("inputDefinitions", {}).get("artifacts", {})
    given = {}
    for name in artifacts:
        sample = folder / f"{name}.txt"
        sample.write_text(f"sample for {name}\n")
        given[name] = str(sample)
    return given


def arguments_for(path: str | Path) -> dict[str, Any]:
    """Sample values for required pipeline parameters, typed by their definitions."""
    name = os.path.basename(path)
    ir = parse_ir(Path(path).read_text())
    arguments = {key: SAMPLE_VALUES[spec.get("parameterType", "STRING")]
                 for key, spec in ir.pipeline_parameters().items()
                 if "defaultValue" not in spec and not spec.get("isOptional")}
    arguments.update(ARGUMENT_OVERRIDES.get(name, {}))
    return arguments
