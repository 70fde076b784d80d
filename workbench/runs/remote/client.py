"""What every remote backend offers, and the one place that picks a backend for a target.

A client is cheap to build and imports its service library only when a method is called, so
choosing a target never costs the ~4 s google-cloud-aiplatform import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from workbench.runs.remote.status import RemoteStatus
from workbench.settings import KfpTarget, Target, VertexTarget


@dataclass(frozen=True)
class Submission:
    """A run the service accepted: its id there, its console page, and what was changed to submit it."""

    remote_id: str
    console_url: str
    notes: tuple[str, ...] = field(default=())


class RemoteClient(Protocol):
    kind: str

    def submit(self, ir_text: str, arguments: dict[str, Any], run_id: str) -> Submission: ...

    def status(self, remote_id: str) -> RemoteStatus: ...

    def cancel(self, remote_id: str) -> None: ...

    def console_url(self, remote_id: str) -> str: ...

    def is_transient(self, error: BaseException) -> bool: ...


def client_for(target: Target, *, credentials: Any = None, secret: str | None = None) -> RemoteClient:
    """The client for a target. `credentials` (Google) and `secret` (KFP) default to the user's."""
    if isinstance(target, VertexTarget):
        from workbench.runs.remote.vertex import VertexClient

        return VertexClient(target, credentials=credentials)
    if isinstance(target, KfpTarget):
        from workbench.runs.remote.kfp_cluster import KfpClient

        return KfpClient(target, secret=secret)
    raise TypeError(f"not a remote target: {target!r}")
