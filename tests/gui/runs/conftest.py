"""Fixtures for running pipelines from the window on the real engine (Docker)."""

from __future__ import annotations

import pytest

from run_helpers import EXAMPLE


@pytest.fixture
def docker_images(base_image, monkeypatch):
    """The examples name python:3.11-slim; no registry here, so they run in the local base image."""
    monkeypatch.setenv("WORKBENCH_IMAGE_MAP", f"python:3.11-slim={base_image}")
    return base_image


@pytest.fixture
def example_tab(window):
    tab = window.open_path(str(EXAMPLE))
    assert tab is not None
    return tab
