"""Model folders as pipelines may leave them: links planted in a run's workspace, paths that climb
out of it, damaged or oversized model cards; and the request built from a card."""

from __future__ import annotations

import json
import os

import pytest

from workbench.errors import RunError
from workbench.serving.model_folder import (CARD_MAX_BYTES, example_request, inspect_folder, snapshot)


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "run"
    (root / "tasks" / "train" / "model").mkdir(parents=True)
    (root / "tasks" / "train" / "model" / "model.joblib").write_bytes(b"pickle bytes")
    (root / "tasks" / "train" / "model" / "model_card.json").write_text(json.dumps(
        {"framework": "sklearn", "input_schema": {"features": [{"name": "a"}, {"name": "b"}]}}))
    return root


def test_a_run_model_is_found_and_copied_without_anything_else(workspace, tmp_path):
    folder = workspace / "tasks" / "train" / "model"
    (folder / "notes.txt").write_text("not copied")
    model = inspect_folder(folder, workspace)
    assert (model.framework, model.model_file) == ("sklearn", "model.joblib")
    copy = snapshot(model, tmp_path / "copy")
    assert sorted(os.listdir(copy)) == ["model.joblib", "model_card.json"]
    assert (copy / "model.joblib").read_bytes() == b"pickle bytes"


def test_links_planted_in_the_workspace_are_not_followed(workspace, tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "model.joblib").write_bytes(b"host file")
    os.symlink(secret, workspace / "tasks" / "linked")
    with pytest.raises(RunError, match="reached through a link"):
        inspect_folder(workspace / "tasks" / "linked", workspace)
    (secret / "sub").mkdir()
    (secret / "sub" / "model.joblib").write_bytes(b"host file")
    with pytest.raises(RunError, match="reached through a link"):  # a link as an intermediate folder
        inspect_folder(workspace / "tasks" / "linked" / "sub", workspace)
    planted = workspace / "tasks" / "train" / "planted"
    planted.mkdir()
    os.symlink(secret / "model.joblib", planted / "model.joblib")
    with pytest.raises(RunError, match="no model file here"):
        inspect_folder(planted, workspace)


def test_a_card_swapped_for_a_link_after_the_check_is_not_copied(workspace, tmp_path):
    folder = workspace / "tasks" / "train" / "model"
    model = inspect_folder(folder, workspace)
    (folder / "model_card.json").unlink()
    os.symlink("/etc/passwd", folder / "model_card.json")
    with pytest.raises(RunError, match="cannot copy model_card.json"):
        snapshot(model, tmp_path / "copy")


@pytest.mark.parametrize("path", ["../elsewhere", "../run-2/tasks/x", "tasks/../../other"])
def test_paths_that_leave_the_workspace_are_refused(workspace, path):
    with pytest.raises(RunError, match="outside the run's workspace"):
        inspect_folder(workspace / path, workspace)


@pytest.mark.parametrize("card, words", [
    (b"{not json", "unreadable model card"),
    (b"[1, 2]", "not a JSON object"),
    (b" " * (CARD_MAX_BYTES + 1), "larger than"),
])
def test_damaged_cards_are_named(workspace, card, words):
    folder = workspace / "tasks" / "train" / "model"
    (folder / "model_card.json").write_bytes(card)
    with pytest.raises(RunError, match=words) as caught:
        inspect_folder(folder, workspace)
    assert "model_card.json" in str(caught.value)


def test_the_sample_request_comes_from_the_card(workspace):
    assert example_request({"example_request": {"instances": [[1, 2]]}}) == {"instances": [[1, 2]]}
    assert example_request({"input_schema": {"features": [{"name": "a"}, {"name": "b"}]}}) == \
        {"instances": [[0.0, 0.0]]}
    with pytest.raises(RunError, match="neither an example_request nor an input_schema"):
        example_request({"example_request": {"instances": []}})


def _in_thread(call, fifo) -> BaseException | None:
    """Run `call`; if it is still blocked after 5 s, feed the FIFO EOF so the test ends, and fail."""
    import threading

    outcome: list = []

    def target():
        try:
            call()
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(5)
    if thread.is_alive():
        with open(fifo, "wb"):
            pass
        thread.join(5)
        pytest.fail(f"blocked on the FIFO {fifo.name} a task left")
    return outcome[0]


def test_a_fifo_left_as_the_card_or_the_model_is_refused_not_waited_on(workspace, tmp_path):
    folder = workspace / "tasks" / "train" / "model"
    (folder / "model_card.json").unlink()
    os.mkfifo(folder / "model_card.json")
    error = _in_thread(lambda: inspect_folder(folder, workspace), folder / "model_card.json")
    assert isinstance(error, RunError) and "not a regular file" in str(error) and "model_card.json" in str(error)

    (folder / "model_card.json").unlink()
    model = inspect_folder(folder, workspace)
    (folder / "model.joblib").unlink()  # swapped by a task still running in the same run
    os.mkfifo(folder / "model.joblib")
    error = _in_thread(lambda: snapshot(model, tmp_path / "copy"), folder / "model.joblib")
    assert isinstance(error, RunError) and "cannot copy model.joblib" in str(error)
