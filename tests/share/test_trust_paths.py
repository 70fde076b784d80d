"""Which files belong to a bundle and when they may run, in process (fast): every way of naming a
bundle's file (links, `..`, copies, hard links, a missing manifest) and every change after trust."""

from __future__ import annotations

import os
import shutil
import zipfile

import pytest
import yaml
from share_helpers import rebundle, replace

from workbench.errors import ShareError
from workbench.share import manifest as manifest_
from workbench.share.bundle import import_bundle, read_folder
from workbench.share.trust import TrustStore, check_trusted, trust_problem


@pytest.fixture
def folder(bundle_path, tmp_path):
    return import_bundle(bundle_path, tmp_path / "incoming").folder


def trust(folder) -> None:
    bundle = read_folder(folder)
    TrustStore().approve(bundle.fingerprint, bundle.graph.name)


def refused(path, words: str) -> str:
    with pytest.raises(ShareError) as caught:
        check_trusted(path)
    message = str(caught.value)
    assert words in message and "; review it with: workbench trust " in message and "\n" not in message
    return message


def reseal(folder) -> None:
    """Rewrite the manifest to match the folder's files, as a tamperer would."""
    names = [n for n in manifest_.parse((folder / manifest_.NAME).read_bytes()).files]
    entries = [(n, (folder / n).read_bytes()) for n in names]
    (folder / manifest_.NAME).write_bytes(manifest_.build(entries, document="pipeline.wbp", pipeline="pipeline.yaml"))


def test_every_path_to_an_untrusted_file_is_refused(folder, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "link.yaml").symlink_to(folder / "pipeline.yaml")
    (outside / "folder-link").symlink_to(folder)
    shutil.copy(folder / "pipeline.yaml", folder / "components" / "renamed.yaml")
    os.link(folder / "pipeline.wbp", outside / "hard.wbp")
    paths = [folder / "pipeline.yaml", folder / "pipeline.wbp", folder / "components" / ".." / "pipeline.yaml",
             outside / "link.yaml", outside / "folder-link" / "pipeline.wbp",
             outside / "folder-link" / "components" / ".." / "pipeline.yaml", folder / "components" / "renamed.yaml",
             outside / "hard.wbp", folder / "components" / "train-model.yaml"]
    for path in paths:
        message = refused(path, "which you have not trusted")
        assert f"workbench trust {folder.resolve()}" in message, path
    trust(folder)
    for path in paths:
        check_trusted(path)  # the same content, however it is named


def test_files_that_never_came_from_a_bundle_are_unaffected(bundle_path, tmp_path):
    own = tmp_path / "project"
    own.mkdir()
    (own / "manifest.json").write_text('{"name": "my web app", "icons": []}')  # not a bundle manifest
    shutil.copy(bundle_path.parent / "train.zip", own / "train.zip")
    (own / "pipeline.wbp").write_text("{}")
    assert trust_problem(own / "pipeline.wbp") is None
    assert trust_problem(own / "not-there.yaml") is None


def test_a_bundle_unzipped_by_hand_is_a_bundle_too(bundle_path, tmp_path):
    with zipfile.ZipFile(bundle_path) as archive:
        archive.extractall(tmp_path / "by-hand")
    refused(tmp_path / "by-hand" / "pipeline.yaml", "which you have not trusted")


def test_an_imported_folder_stays_a_bundle_without_its_manifest(folder):
    trust(folder)
    (folder / "manifest.json").unlink()
    refused(folder / "pipeline.yaml", "which changed since it was imported")


def test_an_edited_file_is_untrusted_and_an_edited_copy_is_not_the_bundle(folder):
    trust(folder)
    text = (folder / "pipeline.yaml").read_text()
    (folder / "mine.yaml").write_text(text.replace("python:3.11-slim", "evil.example/miner:1"))
    refused(folder / "mine.yaml", "not one of the files of the trusted bundle")
    check_trusted(folder / "pipeline.yaml")  # the bundle itself is still as trusted
    (folder / "pipeline.wbp").write_text((folder / "pipeline.wbp").read_text().replace("60", "61", 1))
    refused(folder / "pipeline.yaml", "which changed since it was imported")


@pytest.mark.parametrize("tamper", ["swap a command", "add platform config", "edit the document"])
def test_a_change_with_a_matching_manifest_is_a_new_untrusted_bundle(folder, tamper):
    trust(folder)
    pipeline = folder / "pipeline.yaml"
    if tamper == "swap a command":
        pipeline.write_text(pipeline.read_text().replace("- sh\n", "- /tmp/evil.sh\n", 1))
    elif tamper == "add platform config":
        spec = yaml.safe_load(pipeline.read_text())
        label = sorted(spec["deploymentSpec"]["executors"])[0]
        platform = {"platforms": {"kubernetes": {"deploymentSpec": {"executors": {label: {
            "secretAsEnv": [{"secretName": "prod", "keyToEnv": [{"secretKey": "k", "envVar": "K"}]}]}}}}}}
        pipeline.write_text(pipeline.read_text() + "---\n" + yaml.safe_dump(platform))
    else:
        document = folder / "pipeline.wbp"
        document.write_text(document.read_text().replace("python:3.11-slim", "evil.example/miner:1"))
    reseal(folder)
    refused(folder / "pipeline.yaml", "which you have not trusted")
    review = read_folder(folder).review()
    assert "pipeline.yaml is NOT what pipeline.wbp compiles to" in review.warnings[0]
    if tamper == "add platform config":
        assert "platform config differs" in review.warnings[0]
        assert any("secretName: prod" in t.platform for t in review.tasks)


def test_revoking_makes_a_trusted_bundle_untrusted(folder):
    trust(folder)
    check_trusted(folder / "pipeline.wbp")
    assert TrustStore().revoke(read_folder(folder).fingerprint)
    refused(folder / "pipeline.wbp", "which you have not trusted")
    assert not TrustStore().revoke(read_folder(folder).fingerprint)


def test_a_bundle_inside_a_trusted_bundle_must_be_trusted_itself(folder, bundle_files, tmp_path):
    """A folder holding a second bundle (the same pipeline, another README): both must approve the file."""
    trust(folder)
    inner = folder / "components" / "inner"
    other = rebundle(replace(bundle_files, "README.md", b"another bundle\n"), tmp_path / "inner.zip")
    with zipfile.ZipFile(other) as archive:
        archive.extractall(inner)
    refused(inner / "pipeline.yaml", f"from the bundle {inner.resolve()}, which you have not trusted")


def _within(seconds, call, fifo):
    """`call()`'s outcome; a call still blocked on `fifo` after `seconds` is unblocked and fails the test."""
    import threading

    outcome: list = []

    def target():
        try:
            outcome.append(("ok", call()))
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(("raised", exc))
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        with open(fifo, "wb"):
            pass
        thread.join(seconds)
        pytest.fail(f"blocked reading the FIFO {fifo}")
    return outcome[0]


def test_fifos_and_devices_in_a_bundle_unzipped_by_hand_are_refused_not_waited_on(folder, bundle_path, tmp_path):
    """`unzip` keeps links and a bundle folder is anyone's: a listed file that is a FIFO, or a link to
    /dev/zero, made `workbench run` wait forever or read without end before it said anything."""
    trust(folder)
    component = next(name for name in os.listdir(folder / "components") if name.endswith(".yaml"))
    fifo = folder / "components" / component
    fifo.unlink()
    os.mkfifo(fifo)
    kind, outcome = _within(5, lambda: check_trusted(folder / "pipeline.wbp"), fifo)
    assert kind == "raised" and "which changed since it was imported" in str(outcome)
    kind, outcome = _within(5, lambda: read_folder(folder), fifo)
    assert kind == "raised" and f"components/{component}: is not a regular file" in str(outcome)
    fifo.unlink()
    fifo.symlink_to("/dev/zero")
    refused(folder / "pipeline.wbp", "which changed since it was imported")

    by_hand = tmp_path / "by-hand"
    by_hand.mkdir()
    (by_hand / "pipeline.yaml").write_text("pipelineInfo: {name: mine}\n")
    os.mkfifo(by_hand / manifest_.NAME)  # a manifest never read: the folder's files do not run
    kind, outcome = _within(5, lambda: check_trusted(by_hand / "pipeline.yaml"), by_hand / manifest_.NAME)
    assert kind == "raised" and "changed since it was imported" in str(outcome)


def test_two_processes_approving_at_once_keep_every_approval(tmp_path):
    """The app importing while `workbench trust` approves: each read the file, added its entry and
    wrote it back, so one of the two changes was lost."""
    import subprocess
    import sys

    from share_helpers import REPO

    store = tmp_path / "trusted.json"
    code = ("import sys; from pathlib import Path; from workbench.share.trust import TrustStore; "
            "store = TrustStore(Path(sys.argv[1]))\n"
            "for index in range(40): store.approve(f'{sys.argv[2]}-{index}', 'x')")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writers = [subprocess.Popen([sys.executable, "-c", code, str(store), name], env=env) for name in ("a", "b", "c")]
    assert [writer.wait(120) for writer in writers] == [0, 0, 0]
    approved = TrustStore(store)
    assert all(approved.is_trusted(f"{name}-{index}") for name in "abc" for index in range(40))
