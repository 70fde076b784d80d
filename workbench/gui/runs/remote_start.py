"""Submitting a run to a saved remote target (Vertex AI, a Kubeflow Pipelines cluster) from the
app: the same client, history record and follower as `workbench submit --wait`, so a remote run
streams the same events into the same views as a local one. Runs on a worker thread."""

from __future__ import annotations

from typing import Any

from workbench.gui.runs.session import RunOptions
from workbench.runs.events import EventSink

POLL_INTERVAL_S = 3.0  # the app reads a remote run's state this often (the CLI's default is 10 s)


def submit_remote(store: Any, run_id: str, options: RunOptions, sink: EventSink) -> Any:
    """Submit, record and start following; returns the RemoteFollower (it has cancel() and wait())."""
    from workbench.runs.remote.client import client_for
    from workbench.runs.remote.follow import RemoteFollower
    from workbench.runs.remote.tracking import record_submission
    from workbench.settings import load_settings

    target = load_settings().target(options.target)
    client = client_for(target)
    submission = client.submit(options.ir_text, options.arguments, run_id)
    record_submission(store, run_id, options.pipeline_name or "pipeline", options.ir_text, options.arguments,
                      target, submission)
    sink_started(sink, run_id, options, target.kind)
    return RemoteFollower(client, submission.remote_id, run_id, [store.on_event, sink],
                          interval=POLL_INTERVAL_S).start()


def sink_started(sink: EventSink, run_id: str, options: RunOptions, kind: str) -> None:
    """The GUI learns the run started (record_submission tells only the history)."""
    import time

    from workbench.runs.events import RunStarted

    sink(RunStarted(run_id=run_id, pipeline_name=options.pipeline_name or "pipeline", backend=kind,
                    arguments=options.arguments, time=time.time()))
