"""Sharing GUI fixtures: private settings and library folders, an exported example bundle, and file
dialogs answered by the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from sharing_gui_helpers import EXAMPLE


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Targets and library folders from a fresh config dir; no Team or catalog folder from the environment."""
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("WORKBENCH_TEAM_DIR", raising=False)
    monkeypatch.delenv("WORKBENCH_CATALOG_DIRS", raising=False)
    monkeypatch.delenv("WORKBENCH_KFP_TOKEN", raising=False)
    return tmp_path / "config"


@pytest.fixture(scope="session")
def example_bundle(tmp_path_factory) -> Path:
    """The train/compare/deploy example as a bundle (Python components: images and sources to review)."""
    from workbench.share.bundle import export_bundle

    return export_bundle(EXAMPLE, tmp_path_factory.mktemp("bundle") / "train.zip", render=False)


class FileDialogs:
    """Answers QFileDialog's static calls (they would block offscreen) and records the questions."""

    def __init__(self):
        self.answer = ""
        self.asked: list[str] = []

    def install(self, monkeypatch) -> None:
        from PySide6.QtWidgets import QFileDialog

        def save(parent, title, start="", *args, **kwargs):
            self.asked.append(title)
            return self.answer, ""

        def folder(parent, title, start="", *args, **kwargs):
            self.asked.append(title)
            return self.answer

        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save))
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(folder))


@pytest.fixture
def file_dialogs(monkeypatch) -> FileDialogs:
    dialogs = FileDialogs()
    dialogs.install(monkeypatch)
    return dialogs
