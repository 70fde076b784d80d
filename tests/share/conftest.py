"""Shared fixtures for the sharing tests: an isolated data dir, and one exported bundle per session
(exporting compiles, which takes about a second)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from share_helpers import EXAMPLE


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path, monkeypatch):
    """Trust approvals and the Private library go to a fresh folder, never the user's."""
    data = tmp_path / "data"
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(data))
    monkeypatch.delenv("WORKBENCH_TEAM_DIR", raising=False)
    monkeypatch.delenv("WORKBENCH_CATALOG_DIRS", raising=False)
    return data


@pytest.fixture(scope="session")
def bundle_path(tmp_path_factory) -> Path:
    from workbench.share.bundle import export_bundle

    return export_bundle(EXAMPLE, tmp_path_factory.mktemp("bundle") / "train.zip", render=False)


@pytest.fixture(scope="session")
def bundle_files(bundle_path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(bundle_path) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]
