"""Live metrics from the log stream and final artifacts at task end, turned into events.

A component needs no import from this project: it prints
`WORKBENCH_METRIC {"name": "loss", "value": 0.31, "step": 12}` and the line becomes a
MetricLogged event as soon as the backend hands it over.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

from workbench.runs.engine.executor_io import Values
from workbench.runs.events import ArtifactProduced, MetricLogged

METRIC_PREFIX = "WORKBENCH_METRIC "


def parse_metric_line(run_id: str, task_id: str, line: str) -> MetricLogged | None:
    """A MetricLogged for a well-formed metric line; None for anything else (ordinary log)."""
    start = line.find(METRIC_PREFIX)
    if start < 0:
        return None
    try:
        payload = json.loads(line[start + len(METRIC_PREFIX):])
        name = payload["name"]
        value = float(payload["value"])
        step = payload.get("step")
        step = None if step is None else int(step)
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(name, str) or not name or not math.isfinite(value):
        return None
    return MetricLogged(run_id=run_id, task_id=task_id, name=name, value=value, step=step,
                        time=time.time())


def artifact_events(run_id: str, task_id: str, outputs: Values) -> list[ArtifactProduced]:
    """One event per output artifact; metrics artifacts carry their final values in metadata."""
    events = []
    for name, items in outputs.artifacts.items():
        for item in items:
            events.append(ArtifactProduced(
                run_id=run_id, task_id=task_id, name=name, type=_schema_title(item),
                uri=item["uri"], metadata=dict(item.get("metadata") or {}), time=time.time()))
    return events


def _schema_title(artifact: dict[str, Any]) -> str:
    return artifact.get("type", {}).get("schemaTitle", "system.Artifact")
