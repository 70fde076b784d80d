"""Where local runs keep their state: one user data dir, overridable for tests and CI.

`WORKBENCH_DATA_DIR` replaces the platformdirs location so tests never touch a user's history.
Functions (not constants) so the override is read when used, not at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "pipeline-workbench"


def data_dir() -> Path:
    override = os.environ.get("WORKBENCH_DATA_DIR")
    if override:
        return Path(override).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def runs_db_path() -> Path:
    return data_dir() / "runs.sqlite"


def workspace_root() -> Path:
    """Each run gets `workspace_root()/RUN_ID`, mounted into its containers at the same path."""
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
