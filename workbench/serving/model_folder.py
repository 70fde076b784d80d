"""Finding the model to serve (a folder, or the model a run produced) and copying it for an endpoint.

A model folder holds what Vertex AI's prebuilt prediction containers load: `model.joblib` /
`model.pkl` (scikit-learn) or `model.bst` (XGBoost), and optionally `model_card.json` (framework,
input schema, example request). An endpoint serves a private copy of the model file and card, so
it keeps answering when the run is deleted and cannot be changed under it. A folder a run produced
lies in the run's workspace, which a pipeline writes: it is opened one component at a time without
following links, so a planted link cannot make the host copy a file from elsewhere.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.errors import RunError

MODEL_FILES = {"model.joblib": "sklearn", "model.pkl": "sklearn", "model.bst": "xgboost"}
CARD_FILE = "model_card.json"
CARD_MAX_BYTES = 2**20
COPY_CHUNK = 2**20


@dataclass(frozen=True)
class ModelFolder:
    """A servable model: where it is, its framework and model file, its card (possibly empty)."""

    path: Path
    framework: str
    model_file: str
    card: dict[str, Any]
    run_id: str = ""
    task_id: str = ""
    workspace: Path | None = None  # set for a run's model: copies never leave this folder
    pipeline: str = ""  # set when a pipeline's Serve step asked for it: that pipeline's name

    @property
    def source(self) -> str:
        return f"run {self.run_id} ({self.task_id})" if self.run_id else str(self.path)


def inspect_folder(path: Path, workspace: Path | None = None, **origin: str) -> ModelFolder:
    """The model in `path`; a RunError naming the folder when it holds no model file."""
    folder = _open_dir(path, workspace)
    try:
        names = set(os.listdir(folder))
        model_file = next((name for name in MODEL_FILES if name in names and _is_file(name, folder)), None)
        if model_file is None:
            raise RunError(f"no model file here: expected one of {', '.join(MODEL_FILES)} (Vertex AI's prebuilt "
                           "prediction containers load these)", path=str(path))
        card = _read_card(folder, path) if CARD_FILE in names else {}
    finally:
        os.close(folder)
    return ModelFolder(Path(path), MODEL_FILES[model_file], model_file, card, workspace=workspace, **origin)


def model_from_run(store: Any, run_id: str, workspace_root: Path, task: str | None = None) -> ModelFolder:
    """The last servable model a run produced (of `task` when given), read inside its workspace."""
    record = store.get_run(run_id)
    workspace = workspace_root / record.id
    candidates = [a for a in store.artifacts(record.id)
                  if a.type == "system.Model" and (task is None or task in (a.task_id, a.task_id.rsplit("/", 1)[-1]))]
    problems = []
    for artifact in reversed(candidates):
        try:
            return inspect_folder(Path(artifact.uri.removeprefix("file://")), workspace, run_id=record.id,
                                  task_id=artifact.task_id)
        except RunError as exc:
            problems.append(str(exc))
    which = f"task {task!r} of run {record.id}" if task else f"run {record.id}"
    if not candidates:
        raise RunError(f"{which} produced no model (no system.Model output); serve a model folder instead")
    raise RunError(f"{which} produced no servable model: {problems[0]}")


def snapshot(model: ModelFolder, dest: Path) -> Path:
    """Copy the model file and card into `dest` (created, must not exist); returns `dest`."""
    dest.mkdir(parents=True)
    folder = _open_dir(model.path, model.workspace)
    try:
        for name in (model.model_file, CARD_FILE if model.card else None):
            if name:
                _copy_regular(folder, name, dest / name)
    finally:
        os.close(folder)
    return dest


def _open_dir(path: Path, workspace: Path | None) -> int:
    """A descriptor of `path`; under `workspace`, reached without following any link."""
    if workspace is None:
        try:
            return os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            raise RunError("no such model folder", path=str(path)) from None
        except NotADirectoryError:
            raise RunError("not a folder: give the folder that holds the model file", path=str(path)) from None
    relative = os.path.relpath(os.path.normpath(os.path.abspath(path)), os.path.abspath(workspace))
    if relative == ".." or relative.startswith(".." + os.sep) or os.path.isabs(relative):
        raise RunError("the model is outside the run's workspace; refusing to serve it", path=str(path))
    fd = os.open(workspace, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in [] if relative == "." else relative.split(os.sep):
            child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = child
    except OSError:
        os.close(fd)
        raise RunError("not a folder inside the run's workspace (missing, or reached through a link)",
                       path=str(path)) from None
    return fd


def _is_file(name: str, folder: int) -> bool:
    try:
        return stat.S_ISREG(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _open_regular(folder: int, name: str) -> int:
    """Opening never blocks: a FIFO a task left under that name is refused, not waited on."""
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{name} is not a regular file")
    return fd


def _read_card(folder: int, path: Path) -> dict[str, Any]:
    try:
        fd = _open_regular(folder, CARD_FILE)
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(CARD_MAX_BYTES + 1)
        if len(raw) > CARD_MAX_BYTES:
            raise ValueError(f"larger than {CARD_MAX_BYTES} bytes")
        card = json.loads(raw)
        if not isinstance(card, dict):
            raise ValueError("not a JSON object")
        return card
    except (OSError, ValueError) as exc:
        raise RunError(f"unreadable model card ({exc})", path=str(path / CARD_FILE)) from None


def _copy_regular(folder: int, name: str, dest: Path) -> None:
    try:
        source = _open_regular(folder, name)
    except OSError as exc:
        raise RunError(f"cannot copy {name} ({exc})", path=str(dest.parent)) from None
    with os.fdopen(source, "rb") as reader, open(dest, "wb") as writer:
        while chunk := reader.read(COPY_CHUNK):
            writer.write(chunk)


def example_request(card: dict[str, Any]) -> dict[str, Any]:
    """A valid request body: the card's example, else one instance of zeros from its input schema."""
    example = card.get("example_request")
    if isinstance(example, dict) and isinstance(example.get("instances"), list) and example["instances"]:
        return example
    features = (card.get("input_schema") or {}).get("features")
    if isinstance(features, list) and features:
        return {"instances": [[0.0] * len(features)]}
    raise RunError("the model card has neither an example_request nor an input_schema to build a request from")
