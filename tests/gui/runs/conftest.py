"""Fixtures for running pipelines from the window: on the real engine (Docker), or on a saved Kubeflow
Pipelines target served by a fake KFP v2beta1 server on 127.0.0.1 (quick, no Docker)."""

from __future__ import annotations

import pytest

from fake_services import FakeKfp
from run_helpers import EXAMPLE, remote_frames


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


@pytest.fixture
def kfp_target(tmp_path, monkeypatch):
    from workbench.gui.runs import remote_start
    from workbench.settings import KfpTarget, load_settings, save_settings

    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setattr(remote_start, "POLL_INTERVAL_S", 0.2)
    with FakeKfp(remote_frames()) as fake:
        save_settings(load_settings().with_target(KfpTarget(name="lab", host=fake.url)))
        yield fake
