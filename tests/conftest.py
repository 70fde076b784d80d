"""Shared fixtures: the KFP IR corpus beside the checkout, and the Docker engine gate.

The corpus (`../shared/corpus/kfp-ir`) is read in place, never copied. Where it or the Docker
engine is missing, the tests that need them skip with the reason, except under CI (`CI` set),
where a missing corpus or engine is a failure.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from corpus import CORPUS_DIR, IN_CI


def _require(available: bool, reason: str) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    _require(CORPUS_DIR.is_dir(), f"KFP IR corpus not found at {CORPUS_DIR}")
    return CORPUS_DIR


def docker_available() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=5)
        client.ping()
        client.close()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def docker_engine() -> None:
    """Use in every test that needs a running Docker engine."""
    _require(docker_available(), "no Docker engine answers (start dockerd)")


# The base image tests run in: built locally by `.ci/base-image` (no registry is reachable in CI).
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
        _require(False, f"base image {BASE_IMAGE} not found: build it with .ci/base-image")
    return BASE_IMAGE


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """Point the user data dir (history, wheels, workspaces) at a fresh temporary directory."""
    path = tmp_path / "data"
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(path))
    return path


@pytest.fixture
def memory_keyring():
    """An in-memory system keyring for the test, so secrets never touch the real one."""
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.entries: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.entries.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.entries[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            from keyring.errors import PasswordDeleteError

            if self.entries.pop((service, username), None) is None:
                raise PasswordDeleteError(username)

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session", autouse=True)
def test_endpoints(tmp_path_factory):
    """Endpoints that tests start (an example's Serve step, the serving tests) serve from this
    interpreter (it has the serving packages) rather than a fresh virtual environment, and are
    removed at the end: every one belongs to a data dir under the session's temporary folder."""
    previous = os.environ.setdefault("WORKBENCH_SERVING_PYTHON", sys.executable)
    yield
    if previous == sys.executable:
        os.environ.pop("WORKBENCH_SERVING_PYTHON", None)
    from stop_test_endpoints import stop_endpoints_under

    stop_endpoints_under(tmp_path_factory.getbasetemp())
