"""A remote run's state as both services report it, and the events that tell what changed.

Vertex AI and Kubeflow Pipelines both return a flat list of task details linked by parent ids;
each client turns its answer into a `RemoteStatus`, and `EventDiffer` turns successive statuses
into the same TaskStateChanged / ArtifactProduced / RunFinished events the local engine emits.
Task ids follow the local engine: the DAG path below the root (`condition-1/train`), with `[i]`
for loop iterations (siblings that share a name).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from workbench.runs.events import ArtifactProduced, RunEvent, RunFinished, TaskStateChanged
from workbench.runs.remote.states import TERMINAL, run_state


@dataclass(frozen=True)
class RemoteArtifact:
    name: str
    type: str
    uri: str
    metadata: dict


@dataclass(frozen=True)
class RemoteTask:
    key: str
    parent: str
    name: str
    state: str
    message: str = ""
    artifacts: tuple[RemoteArtifact, ...] = ()


@dataclass(frozen=True)
class RemoteStatus:
    """`state` is in task vocabulary (pending ... cancelled); `done` once it is terminal."""

    state: str
    message: str = ""
    tasks: tuple[RemoteTask, ...] = ()

    @property
    def done(self) -> bool:
        return self.state in TERMINAL


def _sort_key(key: str) -> tuple[int, int | str]:
    return (0, int(key)) if key.isdigit() else (1, key)


def task_ids(tasks: tuple[RemoteTask, ...]) -> dict[str, tuple[str, tuple[int, ...]]]:
    """Our (task_id, iteration) for each remote task key; the root DAG task gets none."""
    by_key = {task.key: task for task in tasks}
    children: dict[str, list[RemoteTask]] = defaultdict(list)
    for task in tasks:
        children[task.parent if task.parent in by_key else ""].append(task)
    tops = children[""]
    # both services list the pipeline's root DAG as the one task without a parent
    root_keys = [tops[0].key] if len(tops) == 1 else []
    result: dict[str, tuple[str, tuple[int, ...]]] = {}

    def walk(parent_key: str, prefix: str, iteration: tuple[int, ...]) -> None:
        siblings = sorted(children.get(parent_key, []), key=lambda t: _sort_key(t.key))
        counts: dict[str, int] = defaultdict(int)
        for task in siblings:
            counts[task.name] += 1
        seen: dict[str, int] = defaultdict(int)
        for task in siblings:
            index = seen[task.name]
            seen[task.name] += 1
            looped = counts[task.name] > 1
            own = f"{task.name}[{index}]" if looped else task.name
            task_iteration = iteration + (index,) if looped else iteration
            result[task.key] = (f"{prefix}{own}", task_iteration)
            walk(task.key, f"{prefix}{own}/", task_iteration)

    if root_keys:
        walk(root_keys[0], "", ())
    else:
        walk("", "", ())
    return result


class EventDiffer:
    """Remembers what was already told about a run and emits only what changed."""

    def __init__(self, run_id: str, known_states: dict[str, str] | None = None):
        self.run_id = run_id
        self._states = dict(known_states or {})
        self._finished = False

    def events(self, status: RemoteStatus) -> list[RunEvent]:
        now = time.time()
        ids = task_ids(status.tasks)
        events: list[RunEvent] = []
        for task in status.tasks:
            if task.key not in ids:
                continue
            task_id, iteration = ids[task.key]
            if self._states.get(task_id) == task.state:
                continue
            self._states[task_id] = task.state
            events.append(TaskStateChanged(run_id=self.run_id, task_id=task_id, task_name=task.name,
                                           state=task.state, time=now, iteration=iteration,
                                           message=task.message, details={"remote_task": task.key}))
            if task.state in TERMINAL:
                events.extend(ArtifactProduced(run_id=self.run_id, task_id=task_id, name=art.name, type=art.type,
                                               uri=art.uri, metadata=dict(art.metadata), time=now)
                              for art in task.artifacts)
        if status.done and not self._finished:
            self._finished = True
            events.append(RunFinished(run_id=self.run_id, state=run_state(status.state), time=now,
                                      message=status.message))
        return events
