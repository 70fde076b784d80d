"""`workbench submit --wait`, `targets`, `cancel-remote` end to end in a subprocess against the fakes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from fake_services import vertex_running_forever

from workbench.runs import paths
from workbench.runs.remote.tracking import refresh_unfinished
from workbench.runs.store import RunStore
from workbench.settings import settings_path

# Works before and after the lead lists the module in COMMAND_MODULES.
DRIVER = ("import sys; from workbench import cli\n"
          "if 'workbench.commands.remote' not in cli.COMMAND_MODULES:\n"
          "    cli.COMMAND_MODULES += ('workbench.commands.remote',)\n"
          "sys.exit(cli.main(sys.argv[1:]))")


def workbench(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", DRIVER, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def _store() -> RunStore:
    return RunStore(paths.runs_db_path())


def test_submit_wait_to_a_saved_vertex_target(fake_vertex, ir_path):
    added = workbench("targets", "add", "vx", "--kind", "vertex", "--project", "my-proj", "--region", "us-east1",
                      "--pipeline-root", "gs://bucket/root", "--service-account", "sa@my-proj.iam.gserviceaccount.com",
                      "--label", "team=ml")
    assert added.returncode == 0, added.stderr
    result = workbench("submit", str(ir_path), "--target", "vx", "--api-endpoint", fake_vertex.url,
                       "--param", "rows=7", "--param", "lr=0.25", "--wait", "--poll-interval", "0.05")
    assert result.returncode == 0, result.stderr
    assert "dropped the Kubernetes platform-spec document" in result.stderr
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert "produce cached" in lines and "train succeeded" in lines and "train metrics: accuracy=0.9" in lines
    assert lines[-1].endswith("succeeded")
    (job,) = fake_vertex.received("POST", r"/v1/projects/my-proj/locations/us-east1/pipelineJobs")
    assert job["runtimeConfig"]["parameterValues"] == {"rows": 7, "lr": 0.25}
    assert job["labels"]["team"] == "ml"

    store = _store()
    try:
        (run,) = store.list_runs()
        assert (run.backend, run.state, run.arguments) == ("vertex", "succeeded", {"rows": 7, "lr": 0.25})
        assert run.target["remote_id"].endswith(run.id.lower())
        assert {t.task_id: t.state for t in store.tasks(run.id)} == {"produce": "cached", "train": "succeeded"}
        assert store.artifacts(run.id)[0].metadata == {"accuracy": 0.9}
    finally:
        store.close()


def test_submit_wait_exits_1_when_the_run_fails(fake_kfp, ir_path):
    from fake_services import kfp_failure

    fake_kfp.frames = kfp_failure()
    result = workbench("submit", str(ir_path), "--target", "kfp", "--host", fake_kfp.url, "--wait",
                       "--poll-interval", "0.05")
    assert result.returncode == 1
    assert "failed: a task failed" in result.stdout.splitlines()[-1]


def test_a_submitted_run_stays_tracked_and_can_be_cancelled(fake_vertex, ir_path):
    fake_vertex.frames = vertex_running_forever()
    common = ["--project", "my-proj", "--pipeline-root", "gs://bucket/root", "--service-account", "sa@x.com",
              "--api-endpoint", fake_vertex.url]
    submitted = workbench("submit", str(ir_path), "--target", "vertex", *common)
    assert submitted.returncode == 0, submitted.stderr
    run_id = submitted.stdout.split()[2].rstrip(":")

    store = _store()
    try:
        assert store.mark_interrupted() == [], "a remote run does not die with the process that submitted it"
        assert refresh_unfinished(store) == []
        assert {t.task_id: t.state for t in store.tasks(run_id)} == {"produce": "running", "train": "pending"}
    finally:
        store.close()

    cancelled = workbench("cancel-remote", run_id[:12])
    assert cancelled.returncode == 0, cancelled.stderr
    assert fake_vertex.received("POST", r".*/pipelineJobs/[^/]+:cancel")
    store = _store()
    try:
        refresh_unfinished(store)
        assert store.get_run(run_id).state == "cancelled"
    finally:
        store.close()


def test_headless_keyring_says_so_and_the_env_token_is_used(fake_kfp, ir_path):
    no_keyring = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "MY_TOKEN": "tok-123"}
    added = workbench("targets", "add", "lab", "--kind", "kfp", "--host", fake_kfp.url, "--auth", "token",
                      "--token-env", "MY_TOKEN", env=no_keyring)
    assert added.returncode == 1
    assert "target saved" in added.stderr and "no system keyring" in added.stderr
    assert "WORKBENCH_KFP_TOKEN" in added.stderr
    assert "tok-123" not in added.stderr + added.stdout + settings_path().read_text()
    assert json.loads(settings_path().read_text())["targets"][0]["auth"] == "token"

    added = workbench("targets", "add", "lab2", "--kind", "kfp", "--host", fake_kfp.url, "--auth", "token")
    assert added.returncode == 1 and "--token-env" in added.stderr  # no terminal to prompt on
    result = workbench("submit", str(ir_path), "--target", "lab", "--wait", "--poll-interval", "0.05",
                       env={**no_keyring, "WORKBENCH_KFP_TOKEN": "env-token"})
    assert result.returncode == 0, result.stderr
    assert {h.get("authorization") for _m, _p, h, _b in fake_kfp.requests} == {"Bearer env-token"}
    assert "env-token" not in result.stdout + result.stderr


def test_help_does_not_import_the_cloud_libraries():
    probe = DRIVER.replace("sys.exit(cli.main(sys.argv[1:]))",
                           "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
                           "import sys as s\nprint([m for m in ('google.cloud.aiplatform', 'kfp', 'keyring') "
                           "if m in s.modules])")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert "submit" in result.stdout and "targets" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"
