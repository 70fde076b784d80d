from kfp import dsl


def cleanup(status: dsl.PipelineTaskFinalStatus, message: str = "cleaning up temporary shard data"):
    """Runs whatever happened in the guarded steps: reports the final status and cleans up."""
    print(message)
    print(f"pipeline {status.pipeline_job_resource_name} finished: {status.state}")
    if status.error_message:
        print(f"error: {status.error_message}")
