"""Shared fixtures: the KFP IR corpus beside the checkout, and the Docker engine gate.

The corpus (`../shared/corpus/kfp-ir`) is read in place, never copied. Where it or the Docker
engine is missing, the tests that need them skip with the reason, except under CI (`CI` set),
where a missing corpus or engine is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO.parent / "shared" / "corpus" / "kfp-ir"
IN_CI = bool(os.environ.get("CI"))


def _require(available: bool, reason: str) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


def corpus_files() -> list[Path]:
    return sorted(CORPUS_DIR.glob("*.yaml")) if CORPUS_DIR.is_dir() else []


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
