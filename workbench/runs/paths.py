"""Where local runs keep their state: one user data dir, overridable for tests and CI.

`WORKBENCH_DATA_DIR` replaces the platformdirs location so tests never touch a user's history.
Functions (not constants) so the override is read when used, not at import time.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from workbench.errors import RunError

APP_NAME = "pipeline-workbench"
RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
"""What a run id may be: it names the run's workspace folder and labels its containers. The
engine's own ids (`20261202-132210-3fa9c1`) match."""


def check_run_id(run_id: str) -> str:
    """`run_id` itself, or RunError when it cannot name a workspace folder."""
    if not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id):
        raise RunError(f"run id {run_id!r} is not allowed: use letters, digits, '_', '.' and '-' "
                       "(starting with a letter or digit), at most 100 characters")
    return run_id


def data_dir() -> Path:
    override = os.environ.get("WORKBENCH_DATA_DIR")
    if override:
        return Path(override).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def runs_db_path() -> Path:
    return data_dir() / "runs.sqlite"


def workspace_root() -> Path:
    """Each run gets `workspace_root()/RUN_ID` (see the engine for what is inside and mounted)."""
    return data_dir() / "workspaces"


def cache_dir() -> Path:
    """Cached task outputs (the KFP-style execution cache)."""
    return data_dir() / "cache"


def venv_root() -> Path:
    """Virtual environments of the subprocess backend, one per package set."""
    return data_dir() / "venvs"


def images_cache_dir() -> Path:
    """Wheels downloaded on the host for derived runtime images, kept between builds."""
    return data_dir() / "images"
