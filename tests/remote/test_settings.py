"""Settings: typed targets, schema version, atomic save; secrets in the keyring only."""

from __future__ import annotations

import json

import pytest

from workbench.runs.remote.secrets import delete_secret, load_secret, save_secret
from workbench.runs.remote.states import kfp_state, run_state, vertex_job_state, vertex_task_state
from workbench.runs.remote.status import RemoteStatus, RemoteTask, task_ids
from workbench.settings import (KfpTarget, Settings, SettingsError, VertexTarget, load_settings, override,
                                save_settings, settings_path)


def test_targets_round_trip_with_a_schema_version(workbench_dirs):
    vertex = VertexTarget(name="prod", project="p", region="us-east1", pipeline_root="gs://b/r", labels={"a": "b"},
                          enable_caching=False)
    kfp = KfpTarget(name="lab", host="https://kfp.example.com", namespace="team", auth="cookie")
    save_settings(Settings().with_target(vertex).with_target(kfp))
    payload = json.loads(settings_path().read_text())
    assert payload["schema_version"] == 1 and [t["kind"] for t in payload["targets"]] == ["kfp", "vertex"]
    assert load_settings().targets == {"prod": vertex, "lab": kfp}
    assert override(vertex, region="asia-east1", host="ignored", project=None).region == "asia-east1"


def test_bad_settings_name_the_file_and_target(workbench_dirs):
    settings_path().parent.mkdir(parents=True)
    settings_path().write_text(json.dumps({"schema_version": 1, "targets": [{"kind": "vertex", "name": "x",
                                                                              "token": "nope"}]}))
    with pytest.raises(SettingsError, match=r"settings.json: x: unknown field\(s\) token"):
        load_settings()
    settings_path().write_text(json.dumps({"schema_version": 99}))
    with pytest.raises(SettingsError, match="newer workbench"):
        load_settings()
    with pytest.raises(SettingsError, match="no target named 'y'"):
        Settings().target("y")


def test_secrets_live_in_the_keyring_never_in_the_settings(workbench_dirs, memory_keyring, monkeypatch):
    save_settings(Settings().with_target(KfpTarget(name="lab", host="https://h", auth="token")))
    save_secret("lab", "tok-xyz")
    assert load_secret("lab") == "tok-xyz"
    assert "tok-xyz" not in settings_path().read_text()
    monkeypatch.setenv("WORKBENCH_KFP_TOKEN", "from-env")
    assert load_secret("lab") == "from-env"
    monkeypatch.delenv("WORKBENCH_KFP_TOKEN")
    delete_secret("lab")
    delete_secret("lab")
    assert load_secret("lab") is None


def test_state_tables():
    assert [vertex_job_state(s) for s in ("PIPELINE_STATE_QUEUED", "PIPELINE_STATE_CANCELLING",
                                          "PIPELINE_STATE_CANCELLED", "PIPELINE_STATE_FAILED")] == \
        ["pending", "running", "cancelled", "failed"]
    assert vertex_task_state("SUCCEEDED", "CACHED") == "cached"
    assert vertex_task_state("NOT_TRIGGERED") == "skipped"
    assert [kfp_state(s) for s in ("CANCELING", "CANCELED", "SKIPPED", None)] == \
        ["running", "cancelled", "skipped", "pending"]
    assert [run_state(s) for s in ("cached", "pending", "failed")] == ["succeeded", "running", "failed"]


def test_task_ids_follow_the_dag_path_and_number_loop_iterations():
    tasks = (RemoteTask("1", "", "pipe", "running"), RemoteTask("2", "1", "for-loop-2", "running"),
             RemoteTask("3", "2", "train", "running"), RemoteTask("4", "2", "train", "pending"),
             RemoteTask("5", "1", "report", "pending"))
    assert task_ids(tasks) == {"2": ("for-loop-2", ()), "3": ("for-loop-2/train[0]", (0,)),
                               "4": ("for-loop-2/train[1]", (1,)), "5": ("report", ())}
    assert not RemoteStatus("running").done and RemoteStatus("cancelled").done


def test_gcs_mirrors_setting_round_trips_and_bad_ones_are_named(tmp_path):
    import json

    import pytest

    from workbench.settings import Settings, SettingsError, load_settings, save_settings

    path = tmp_path / "settings.json"
    save_settings(Settings(gcs_mirrors=("gs://b/p=/data/p",)), path)
    assert load_settings(path).gcs_mirrors == ("gs://b/p=/data/p",)
    payload = json.loads(path.read_text())
    payload["runs"]["gcs_mirrors"] = "gs://b/p=/data/p"
    path.write_text(json.dumps(payload))
    with pytest.raises(SettingsError, match="runs.gcs_mirrors"):
        load_settings(path)
