"""Pipelines built from Google Cloud Pipeline Components, compiled by the real kfp compiler inside
the tests: custom training (the op and a component turned into a custom job), model upload,
endpoint create and deploy, batch predict, a BigQuery query, Dataflow, and the AutoML tabular
pipeline the package ships (read from the installed package through its own helper, with the
optional inputs left unset). `GCPC` maps a name to a function returning the IR text.
"""

# no `from __future__ import annotations`: kfp reads the component annotations as types

from functools import lru_cache
from pathlib import Path

from generated_specs import _compiled

PROJECT, LOCATION = "my-project", "us-central1"


def _serving_model():
    """An importer of an unmanaged container model, as the GCPC samples upload one."""
    from google_cloud_pipeline_components.types import artifact_types
    from kfp import dsl

    return dsl.importer(
        artifact_uri="gs://my-bucket/models/m1",
        artifact_class=artifact_types.UnmanagedContainerModel,
        metadata={"containerSpec": {"imageUri":
                                    "us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-0:latest"}})


@lru_cache(maxsize=None)
def custom_training() -> str:
    from google_cloud_pipeline_components.v1.custom_job import (CustomTrainingJobOp,
                                                                create_custom_training_job_from_component)
    from kfp import dsl

    @dsl.component(base_image="python:3.11")
    def train(epochs: int, model: dsl.Output[dsl.Model]):
        with open(model.path, "w") as handle:
            handle.write(str(epochs))

    train_job = create_custom_training_job_from_component(train, display_name="train", machine_type="n1-standard-4",
                                                          replica_count=1, boot_disk_size_gb=50)

    @dsl.pipeline(name="gcpc-custom-training")
    def pipeline(epochs: int = 3, project: str = PROJECT):
        CustomTrainingJobOp(
            display_name="op-training", project=project, location=LOCATION,
            worker_pool_specs=[{"machine_spec": {"machine_type": "n1-standard-4"}, "replica_count": 1,
                                "container_spec": {"image_uri": "python:3.11", "command": ["python", "-c", "1"]}}])
        train_job(epochs=epochs, project=project, location=LOCATION)
    return _compiled(pipeline)


@lru_cache(maxsize=None)
def upload_and_deploy() -> str:
    from google_cloud_pipeline_components.v1.endpoint import EndpointCreateOp, ModelDeployOp
    from google_cloud_pipeline_components.v1.model import ModelUploadOp
    from kfp import dsl

    @dsl.pipeline(name="gcpc-upload-deploy")
    def pipeline(project: str = PROJECT):
        model = _serving_model()
        uploaded = ModelUploadOp(project=project, location=LOCATION, display_name="m1",
                                 unmanaged_container_model=model.outputs["artifact"])
        endpoint = EndpointCreateOp(project=project, location=LOCATION, display_name="e1")
        ModelDeployOp(model=uploaded.outputs["model"], endpoint=endpoint.outputs["endpoint"],
                      dedicated_resources_machine_type="n1-standard-2", dedicated_resources_min_replica_count=1,
                      dedicated_resources_max_replica_count=1)
    return _compiled(pipeline)


@lru_cache(maxsize=None)
def batch_predict() -> str:
    from google_cloud_pipeline_components.v1.batch_predict_job import ModelBatchPredictOp
    from google_cloud_pipeline_components.v1.model import ModelUploadOp
    from kfp import dsl

    @dsl.pipeline(name="gcpc-batch-predict")
    def pipeline(project: str = PROJECT, source: str = "gs://my-bucket/instances.jsonl"):
        uploaded = ModelUploadOp(project=project, location=LOCATION, display_name="m1",
                                 unmanaged_container_model=_serving_model().outputs["artifact"])
        ModelBatchPredictOp(project=project, location=LOCATION, job_display_name="score",
                            model=uploaded.outputs["model"], gcs_source_uris=[source],
                            instances_format="jsonl", predictions_format="jsonl",
                            gcs_destination_output_uri_prefix="gs://my-bucket/predictions",
                            machine_type="n1-standard-2", starting_replica_count=1, max_replica_count=2)
    return _compiled(pipeline)


@lru_cache(maxsize=None)
def bigquery_and_dataflow() -> str:
    from google_cloud_pipeline_components.v1.bigquery import BigqueryQueryJobOp
    from google_cloud_pipeline_components.v1.dataflow import DataflowPythonJobOp
    from google_cloud_pipeline_components.v1.wait_gcp_resources import WaitGcpResourcesOp
    from kfp import dsl

    @dsl.pipeline(name="gcpc-bigquery-dataflow")
    def pipeline(project: str = PROJECT, table: str = "my-project.sales.orders"):
        query = BigqueryQueryJobOp(project=project, location="US",
                                   query=f"SELECT region, SUM(amount) FROM `{table}` GROUP BY region",
                                   job_configuration_query={"useLegacySql": False})
        flow = DataflowPythonJobOp(project=project, location=LOCATION, python_module_path="gs://my-bucket/job.py",
                                   temp_location="gs://my-bucket/tmp", args=["--table", table])
        flow.after(query)
        WaitGcpResourcesOp(gcp_resources=flow.outputs["gcp_resources"])
    return _compiled(pipeline)


@lru_cache(maxsize=None)
def automl_tabular_and_arguments() -> tuple:
    """The package's own AutoML tabular pipeline (its optional inputs stay unset in the IR) and
    the run arguments its helper gives."""
    from google_cloud_pipeline_components.v1.automl.tabular import utils

    path, parameters = utils.get_automl_tabular_pipeline_and_parameters(
        project=PROJECT, location=LOCATION, root_dir="gs://my-bucket/root", target_column="label",
        prediction_type="classification", optimization_objective="maximize-au-roc",
        transformations="gs://my-bucket/transform.json", train_budget_milli_node_hours=1000)
    return Path(path).read_text(), parameters


def automl_tabular() -> str:
    return automl_tabular_and_arguments()[0]


@lru_cache(maxsize=None)
def automl_tabular_preview() -> str:
    """The preview AutoML tabular v2 pipeline (feature transform engine), read the same way."""
    from google_cloud_pipeline_components.preview.automl.tabular import utils

    path, _parameters = utils.get_automl_tabular_feature_selection_pipeline_and_parameters(
        project=PROJECT, location=LOCATION, root_dir="gs://my-bucket/root", target_column="label",
        prediction_type="classification", optimization_objective="maximize-au-roc",
        transformations="gs://my-bucket/transform.json", train_budget_milli_node_hours=1000)
    return Path(path).read_text()


GCPC = {
    "custom_training": custom_training,
    "upload_and_deploy": upload_and_deploy,
    "batch_predict": batch_predict,
    "bigquery_and_dataflow": bigquery_and_dataflow,
    "automl_tabular": automl_tabular,
    "automl_tabular_preview": automl_tabular_preview,
}
