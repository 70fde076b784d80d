"""Fixtures for the engine tests: a fake in-process backend, an event log, engines with throw-away
workspaces, and a session-wide subprocess backend whose virtual environments persist."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest
from engine_support import SHARED_VENVS, EventLog, FakeBackend

from workbench.runs.engine import Engine
from workbench.runs.subprocess_backend import SubprocessBackend


@pytest.fixture
def fake_backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def events() -> EventLog:
    return EventLog()


@pytest.fixture
def make_engine(tmp_path: Path, events: EventLog) -> Callable[..., Engine]:
    def make(backend: Any, **options: Any) -> Engine:
        options.setdefault("max_parallel", 2)
        options.setdefault("cache_dir", tmp_path / "cache")
        return Engine(backend, sinks=[events], workspace_root=tmp_path / "runs", **options)
    return make


@pytest.fixture(scope="session")
def subprocess_backend() -> SubprocessBackend:
    """One backend for the session; its virtual environments persist between sessions."""
    return SubprocessBackend(SHARED_VENVS)
