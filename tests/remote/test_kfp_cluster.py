"""The real kfp.Client against the fake Kubeflow Pipelines v2beta1 API, and publishing."""

from __future__ import annotations

import pytest
from fake_services import kfp_failure

from workbench.errors import RunError
from workbench.runs.events import TaskStateChanged
from workbench.runs.remote.follow import RemoteFollower
from workbench.runs.remote.kfp_cluster import KfpClient
from workbench.runs.remote.publish import publish_to_cluster, publish_to_registry
from workbench.settings import KfpTarget


def _follow(client, remote_id, **kwargs):
    events = []
    follower = RemoteFollower(client, remote_id, "run-1", [events.append], interval=0.01, **kwargs).start()
    assert follower.wait(20) is not None
    return follower, [(e.task_id, e.state) for e in events if isinstance(e, TaskStateChanged)]


def test_submit_sends_spec_parameters_and_experiment_with_the_token(fake_kfp, ir_text, memory_keyring):
    from workbench.runs.remote.secrets import save_secret

    save_secret("lab", "s3cret-token")
    target = KfpTarget(name="lab", host=fake_kfp.url, namespace="team-a", experiment="sweeps", auth="token",
                       pipeline_root="minio://mlpipeline/root", service_account="runner")
    submission = KfpClient(target).submit(ir_text, {"rows": 3}, "run-1")

    (experiment,) = fake_kfp.received("POST", r"/apis/v2beta1/experiments")
    assert (experiment["display_name"], experiment["namespace"]) == ("sweeps", "team-a")
    (run,) = fake_kfp.received("POST", r"/apis/v2beta1/runs")
    assert run["pipeline_spec"]["pipeline_spec"]["pipelineInfo"]["name"] == "two-steps"
    assert "platform_spec" in run["pipeline_spec"], "a KFP cluster gets the platform spec as compiled"
    assert run["runtime_config"] == {"parameters": {"rows": 3}, "pipeline_root": "minio://mlpipeline/root"}
    assert (run["experiment_id"], run["service_account"]) == ("exp-1", "runner")
    assert {h.get("authorization") for _m, _p, h, _b in fake_kfp.requests} == {"Bearer s3cret-token"}
    assert submission.console_url == f"{fake_kfp.url}/#/runs/details/{submission.remote_id}"


def test_states_flow_through_success_failure_and_termination(fake_kfp, ir_text):
    client = KfpClient(KfpTarget(host=fake_kfp.url))
    follower, states = _follow(client, client.submit(ir_text, {}, "run-1").remote_id)
    assert follower.state == "succeeded"
    assert states == [("produce", "running"), ("train", "pending"), ("produce", "succeeded"),
                      ("train", "running"), ("train", "succeeded")]

    fake_kfp.frames = kfp_failure()
    follower, states = _follow(client, client.submit(ir_text, {}, "run-2").remote_id)
    assert follower.state == "failed" and follower.message == "a task failed"
    assert states[-2:] == [("produce", "failed"), ("train", "skipped")]

    fake_kfp.frames = [{"run": "RUNNING", "tasks": {"produce": "RUNNING"}}]
    remote_id = client.submit(ir_text, {}, "run-3").remote_id
    client.cancel(remote_id)
    follower, states = _follow(client, remote_id)
    assert follower.state == "cancelled" and states[-1] == ("produce", "cancelled")
    assert fake_kfp.received("POST", rf"/apis/v2beta1/runs/{remote_id}:terminate")


def test_transient_errors_are_retried_with_backoff(fake_kfp, ir_text):
    client = KfpClient(KfpTarget(host=fake_kfp.url))
    remote_id = client.submit(ir_text, {}, "run-1").remote_id
    fake_kfp.fail_reads = 2
    follower, _states = _follow(client, remote_id, max_retries=3)
    assert follower.state == "succeeded"


def test_a_token_target_without_a_secret_says_where_to_put_one(fake_kfp, ir_text, memory_keyring):
    with pytest.raises(RunError, match="WORKBENCH_KFP_TOKEN"):
        KfpClient(KfpTarget(name="lab", host=fake_kfp.url, auth="token")).submit(ir_text, {}, "run-1")


def test_publish_to_a_cluster_creates_the_pipeline_then_versions(fake_kfp, ir_text):
    client = KfpClient(KfpTarget(host=fake_kfp.url))
    first = publish_to_cluster(ir_text, client)
    second = publish_to_cluster(ir_text, client, version="v2")
    assert first == f"{fake_kfp.url}/#/pipelines/details/pipe-1/version/pipe-1-v1"
    assert second == f"{fake_kfp.url}/#/pipelines/details/pipe-1/version/pipe-1-v2"
    assert [v["display_name"] for v in fake_kfp.versions] == ["two-steps", "v2"]
    assert "pipelineInfo" in fake_kfp.versions[1]["spec"]


def test_publish_to_artifact_registry_with_tags(fake_registry, ir_text):
    from google.oauth2.credentials import Credentials

    where = publish_to_registry(ir_text, f"{fake_registry.url}/my-proj/templates", ["latest", "v1"],
                                credentials=Credentials(token="ar-token"))
    assert where == f"{fake_registry.url}/my-proj/templates/two-steps/sha256:0123abcd"
    (upload,) = fake_registry.uploads
    assert upload["tags"] == "latest,v1" and "pipelineInfo" in upload["content"]
    assert upload["authorization"] == "Bearer ar-token"
