"""Fixtures for tests that run containers: the locally built base image and a clean data dir.

Import the fixtures into a test module (`from docker_support import base_image`). The base image
is built by `.ci/base-image` (no registry is reachable in CI); it is named by
WORKBENCH_TEST_BASE_IMAGE.
"""

from __future__ import annotations

import os

import pytest

BASE_IMAGE = os.environ.get("WORKBENCH_TEST_BASE_IMAGE", "workbench-base:bookworm")


@pytest.fixture(scope="session")
def docker_client(docker_engine):
    import docker

    client = docker.from_env(timeout=120)
    yield client
    client.close()


@pytest.fixture(scope="session")
def base_image(docker_client) -> str:
    import docker

    try:
        docker_client.images.get(BASE_IMAGE)
    except docker.errors.ImageNotFound:
        reason = f"base image {BASE_IMAGE} not found: build it with .ci/base-image"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (required under CI)")
        pytest.skip(reason)
    return BASE_IMAGE


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """Point the user data dir (history, wheels, workspaces) at a fresh temporary directory."""
    path = tmp_path / "data"
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(path))
    return path
