"""Submitted remote runs live in the run history like local ones, and stay tracked across restarts.

A remote run's `target` column holds the target's settings (never a secret) plus `remote_id`.
Its row is owned by no local process (`create_run(owned=False)`), so `RunStore.mark_interrupted`
never takes a finished CLI for a dead run. `refresh_unfinished`, called
by the commands that list runs (and later at GUI start), reads each unfinished remote run once.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from workbench.errors import RunError
from workbench.runs.events import RunStarted
from workbench.runs.remote.client import RemoteClient, Submission, client_for
from workbench.runs.remote.status import EventDiffer
from workbench.runs.store import RunRecord, RunStore
from workbench.settings import Target, target_from_dict, target_to_dict

ClientFactory = Callable[[Target], RemoteClient]


def record_submission(store: RunStore, run_id: str, pipeline_name: str, ir_text: str, arguments: dict[str, Any],
                      target: Target, submission: Submission) -> None:
    info = {**target_to_dict(target), "remote_id": submission.remote_id}
    store.create_run(run_id, pipeline_name, ir_text, arguments, backend=target.kind, target=info, owned=False)
    store.on_event(RunStarted(run_id=run_id, pipeline_name=pipeline_name, backend=target.kind,
                              arguments=arguments, time=time.time()))


def remote_location(record: RunRecord) -> tuple[Target, str]:
    """The target a run was submitted to and its id there; RunError for a local run."""
    info = record.target or {}
    if "remote_id" not in info:
        raise RunError(f"run {record.id} ran on this machine, not on a remote target; "
                       "`workbench run` stops local runs with Ctrl-C")
    settings = {key: value for key, value in info.items() if key != "remote_id"}
    return target_from_dict(settings, source=f"run {record.id}"), info["remote_id"]


def console_url(record: RunRecord) -> str:
    """The run's page in the Vertex AI console or the KFP UI (no network call)."""
    target, remote_id = remote_location(record)
    return client_for(target).console_url(remote_id)


def unfinished_remote_runs(store: RunStore) -> list[RunRecord]:
    return [run for run in store.list_runs() if run.state == "running" and (run.target or {}).get("remote_id")]


def refresh_run(store: RunStore, record: RunRecord, make_client: ClientFactory = client_for) -> str:
    """Read one remote run's state once and record what changed; return its run state."""
    target, remote_id = remote_location(record)
    known = {task.task_id: task.state for task in store.tasks(record.id)}
    status = make_client(target).status(remote_id)
    for event in EventDiffer(record.id, known).events(status):
        store.on_event(event)
    store.flush()
    return "running" if not status.done else store.get_run(record.id).state


def refresh_unfinished(store: RunStore, make_client: ClientFactory = client_for) -> list[str]:
    """Refresh every unfinished remote run; return one line for each that could not be read."""
    problems = []
    for record in unfinished_remote_runs(store):
        try:
            refresh_run(store, record, make_client)
        except RunError as exc:
            problems.append(f"run {record.id}: state not refreshed ({exc})")
    return problems
