"""The real google-cloud-aiplatform client against the fake Vertex AI PipelineService."""

from __future__ import annotations

import base64
import json

import pytest
from fake_services import TOKEN, vertex_failure, vertex_running_forever

from workbench.errors import RunError
from workbench.runs.events import ArtifactProduced, RunFinished, TaskStateChanged
from workbench.runs.remote.follow import RemoteFollower
from workbench.runs.remote.vertex import VertexClient
from workbench.settings import VertexTarget


def _target(fake, **values) -> VertexTarget:
    return VertexTarget(name="vx", project="my-proj", region="europe-west4", pipeline_root="gs://bucket/root",
                        service_account="runner@my-proj.iam.gserviceaccount.com", labels={"team": "ml"},
                        api_endpoint=fake.url, **values)


def _jwt_issuer(header: str) -> str:
    token = header.removeprefix("Bearer ")
    if token == TOKEN:  # an access token from the fake's token endpoint
        return "ci@my-proj.iam.gserviceaccount.com"
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["iss"]


def _follow(client, remote_id):
    events = []
    follower = RemoteFollower(client, remote_id, "run-1", [events.append], interval=0.01).start()
    assert follower.wait(20) is not None
    return follower, events


def _states(events):
    return [(e.task_id, e.state) for e in events if isinstance(e, TaskStateChanged)]


def test_submit_sends_the_spec_parameters_labels_root_and_service_account(fake_vertex, ir_text):
    client = VertexClient(_target(fake_vertex, enable_caching=False))
    submission = client.submit(ir_text, {"rows": 5, "lr": 0.5}, "20240101-120000-abc123")

    (job,) = fake_vertex.received("POST", r"/v1/projects/my-proj/locations/europe-west4/pipelineJobs")
    assert job["pipelineSpec"]["pipelineInfo"]["name"] == "two-steps"
    assert "platforms" not in job["pipelineSpec"]
    assert job["runtimeConfig"]["gcsOutputDirectory"] == "gs://bucket/root"
    assert job["runtimeConfig"]["parameterValues"] == {"rows": 5, "lr": 0.5}
    assert job["labels"] == {"team": "ml", "workbench-run": "20240101-120000-abc123"}
    assert job["serviceAccount"] == "runner@my-proj.iam.gserviceaccount.com"
    tasks = job["pipelineSpec"]["root"]["dag"]["tasks"]
    assert all(task["cachingOptions"].get("enableCache", False) is False for task in tasks.values())
    assert submission.notes == ("dropped the Kubernetes platform-spec document (Vertex AI does not accept it)",)
    assert submission.remote_id == ("projects/my-proj/locations/europe-west4/pipelineJobs/"
                                    "two-steps-20240101-120000-abc123")
    assert submission.console_url == ("https://console.cloud.google.com/vertex-ai/locations/europe-west4/pipelines/"
                                      "runs/two-steps-20240101-120000-abc123?project=my-proj")
    # ADC came from the key file: every API call is signed as that service account
    auth = [headers.get("authorization", "") for method, path, headers, _ in fake_vertex.requests
            if path.startswith("/v1/projects")]
    assert auth and {_jwt_issuer(header) for header in auth} == {"ci@my-proj.iam.gserviceaccount.com"}
    # aiplatform created the missing pipeline-root bucket and let the service account write to it
    assert "bucket" in fake_vertex.buckets
    bindings = {b["role"]: b["members"] for b in fake_vertex.bucket_policies["bucket"]["bindings"]}
    assert bindings["roles/storage.objectCreator"] == ["serviceAccount:runner@my-proj.iam.gserviceaccount.com"]


def test_following_maps_states_cache_and_final_metrics(fake_vertex, ir_text):
    client = VertexClient(_target(fake_vertex))
    submission = client.submit(ir_text, {}, "run-1")
    follower, events = _follow(client, submission.remote_id)

    assert follower.state == "succeeded"
    assert _states(events) == [("produce", "running"), ("train", "pending"), ("produce", "cached"),
                               ("train", "running"), ("train", "succeeded")]
    (metrics,) = [e for e in events if isinstance(e, ArtifactProduced)]
    assert (metrics.task_id, metrics.type, metrics.metadata) == ("train", "system.Metrics", {"accuracy": 0.9})
    assert isinstance(events[-1], RunFinished) and events[-1].state == "succeeded"


def test_a_failed_job_fails_the_run_with_the_service_message(fake_vertex, ir_text):
    fake_vertex.frames = vertex_failure()
    client = VertexClient(_target(fake_vertex))
    follower, events = _follow(client, client.submit(ir_text, {}, "run-1").remote_id)
    assert follower.state == "failed"
    assert ("produce", "failed") in _states(events) and ("train", "skipped") in _states(events)
    failed = next(e for e in events if isinstance(e, TaskStateChanged) and e.state == "failed")
    assert failed.message == "produce exited with code 1"
    assert events[-1].message == "The DAG failed because some tasks failed."


def test_cancel_goes_through_the_api_and_ends_cancelled(fake_vertex, ir_text):
    fake_vertex.frames = vertex_running_forever()
    client = VertexClient(_target(fake_vertex))
    remote_id = client.submit(ir_text, {}, "run-1").remote_id
    events = []
    follower = RemoteFollower(client, remote_id, "run-1", [events.append], interval=0.05).start()
    assert follower.wait(0.3) is None
    follower.cancel()
    assert follower.wait(20) == "cancelled"
    assert fake_vertex.received("POST", r".*/pipelineJobs/[^/]+:cancel")
    assert ("produce", "cancelled") in _states(events)


def test_missing_adc_says_how_to_get_credentials(fake_vertex, ir_text, monkeypatch, tmp_path):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    with pytest.raises(RunError) as caught:
        VertexClient(_target(fake_vertex)).submit(ir_text, {}, "run-1")
    message = str(caught.value)
    assert "gcloud auth application-default login" in message and "GOOGLE_APPLICATION_CREDENTIALS" in message
    assert "Traceback" not in message


def test_anonymous_credentials_work_against_the_fake(fake_vertex, ir_text):
    from google.auth.credentials import AnonymousCredentials

    client = VertexClient(_target(fake_vertex), credentials=AnonymousCredentials())
    remote_id = client.submit(ir_text, {}, "run-1").remote_id
    assert client.status(remote_id).state == "pending"
    assert not any(path == "/token" for _m, path, _h, _b in fake_vertex.requests)


def test_an_unreachable_service_ends_in_a_clear_message(fake_vertex, ir_text):
    client = VertexClient(_target(fake_vertex))
    remote_id = client.submit(ir_text, {}, "run-1").remote_id
    fake_vertex.stop()
    events = []
    follower = RemoteFollower(client, remote_id, "run-1", [events.append], interval=0.01, max_retries=2).start()
    assert follower.wait(60) == "lost"
    assert "after 3 tries" in follower.message and "goes on remotely" in follower.message
    assert not events
