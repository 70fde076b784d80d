"""Comparing runs without Qt: parameter differences, metric tables with the best value marked,
ROC points, and a diff of two runs' pipelines (IR texts). Used by the app's comparison view and
by `workbench runs compare`, so both always agree on what "best" and "changed" mean.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from workbench.runs.task_names import TaskNames, plain

if TYPE_CHECKING:
    from workbench.runs.store import ArtifactRecord, MetricPoint, RunRecord, RunStore

_LOWER_IS_BETTER = ("loss", "error", "mse", "mae", "rmse", "perplexity", "latency", "duration")
METRICS_TYPE = "system.Metrics"
CLASSIFICATION_TYPE = "system.ClassificationMetrics"


def lower_is_better(metric: str) -> bool:
    """Losses and errors improve downwards; scores, accuracies and AUCs upwards."""
    leaf = metric.rsplit("/", 1)[-1].lower()
    return any(word in leaf for word in _LOWER_IS_BETTER)


@dataclass(frozen=True)
class RunSummary:
    """What a comparison needs of one run. `metrics` maps `task/metric` to a number: final
    Metrics artifact values, plus `task/name (last)` for live series; `curves` keeps the live
    series (task/name -> [(step or index, value)]); `roc` maps a task to (fpr, tpr) lists;
    `cached_tasks` maps a cached task to the run that produced its cache entry, and `cached_from`
    a metric, curve or ROC key of such a task to that run. Keys hold task ids, which match across
    runs; `names` turns them into the names people gave (`series_label`), `tasks` is every task id
    the run recorded."""

    run: RunRecord
    metrics: dict[str, float] = field(default_factory=dict)
    curves: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    roc: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)
    cached_tasks: dict[str, str] = field(default_factory=dict)
    names: TaskNames = field(default_factory=TaskNames)
    tasks: frozenset[str] = frozenset()

    @property
    def cached_from(self) -> dict[str, str]:
        return {key: producer for key in [*self.metrics, *self.curves, *self.roc]
                for task_id, producer in self.cached_tasks.items()
                if key == task_id or key.startswith(f"{task_id}/")}


def final_metrics(artifacts: list[ArtifactRecord]) -> dict[str, float]:
    """Scalar values of every Metrics artifact, as `task/name`."""
    values: dict[str, float] = {}
    for artifact in artifacts:
        if artifact.type != METRICS_TYPE:
            continue
        for name, value in artifact.metadata.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
                values[f"{artifact.task_id}/{name}"] = float(value)
    return values


def curves_of(points: list[MetricPoint]) -> dict[str, list[tuple[float, float]]]:
    """Live series by `task/name`, x = step (or arrival index when a point has no step)."""
    curves: dict[str, list[tuple[float, float]]] = {}
    for point in points:
        series = curves.setdefault(f"{point.task_id}/{point.name}", [])
        series.append((float(point.step if point.step is not None else len(series)), point.value))
    return curves


def roc_points(metadata: dict[str, Any]) -> tuple[list[float], list[float]] | None:
    """(false positive rates, recalls) of a ClassificationMetrics artifact, sorted by FPR."""
    rows = metadata.get("confidenceMetrics") or []
    pairs = sorted((float(r.get("falsePositiveRate", 0.0)), float(r.get("recall", 0.0)))
                   for r in rows if isinstance(r, dict))
    if not pairs:
        return None
    return [p[0] for p in pairs], [p[1] for p in pairs]


def summarize(store: RunStore, run_id: str, *, with_curves: bool = True) -> RunSummary:
    """Read one run's comparison data from the history (slow for big runs: call off the GUI thread)."""
    run = store.get_run(run_id)
    artifacts = store.artifacts(run.id)
    metrics = final_metrics(artifacts)
    logged = store.metrics(run.id) if with_curves else []
    curves = curves_of(logged)
    for key, series in curves.items():
        metrics[f"{key} (last)"] = series[-1][1]
    roc = {}
    for artifact in artifacts:
        if artifact.type == CLASSIFICATION_TYPE:
            points = roc_points(artifact.metadata)
            if points:
                roc[artifact.task_id] = points
    tasks = store.tasks(run.id)
    names = TaskNames.from_ir(run.pipeline_yaml).with_loop_items((t.task_id, t.details) for t in tasks)
    task_ids = {t.task_id for t in tasks} | {a.task_id for a in artifacts} | {point.task_id for point in logged}
    return RunSummary(run, metrics, curves, roc, cached_tasks(tasks), names, frozenset(task_ids))


def task_label(task_id: str, summaries: list[RunSummary]) -> str:
    """A task's label over several runs: with its loop items when every run that has the task
    agrees on them (a sweep over item lists does not), else with the iteration index."""
    having = [s for s in summaries if task_id in s.tasks] or summaries[:1]
    labels = {s.names.label(task_id) for s in having}
    return labels.pop() if len(labels) == 1 else having[0].names.label(task_id, items=False)


def series_label(key: str, summaries: list[RunSummary]) -> str:
    """`for-loop-1[0]/train-model-2/loss (last)` -> `xgboost · lr=0.1 (train-model-2) / loss (last)`.
    The task is the longest task id the key starts with (metric names may hold slashes too)."""
    task_ids = [t for s in summaries for t in s.tasks if key.startswith(t + "/")]
    if not task_ids:
        return plain(key)
    task_id = max(task_ids, key=len)
    return f"{task_label(task_id, summaries)} / {plain(key[len(task_id) + 1:])}"


def cached_tasks(tasks) -> dict[str, str]:
    """Task id -> id of the run whose cache entry it reused, for a run's cached tasks that say so."""
    found = {}
    for task in tasks:
        source = task.details.get("cached_from") if task.state == "cached" else None
        if isinstance(source, dict) and source.get("run_id"):
            found[task.task_id] = str(source["run_id"])
    return found


def parameter_differences(runs: list[RunRecord]) -> dict[str, list[Any]]:
    """Parameters whose value is not the same in every run (missing counts as a difference)."""
    names = sorted({name for run in runs for name in run.arguments})
    missing = object()
    differences = {}
    for name in names:
        values = [run.arguments.get(name, missing) for run in runs]
        if len({json.dumps(v, sort_keys=True, default=str) if v is not missing else "\0" for v in values}) > 1:
            differences[name] = [None if v is missing else v for v in values]
    return differences


@dataclass(frozen=True)
class MetricRow:
    name: str
    values: list[float | None]
    best: int | None  # index of the best run, None when fewer than two runs have the metric
    lower_is_better: bool


def metrics_table(summaries: list[RunSummary]) -> list[MetricRow]:
    """One row per metric any run has, the best run marked; ties go to the earliest run."""
    names = sorted({name for summary in summaries for name in summary.metrics})
    rows = []
    for name in names:
        values = [summary.metrics.get(name) for summary in summaries]
        present = [(v, i) for i, v in enumerate(values) if v is not None]
        lower = lower_is_better(name.removesuffix(" (last)"))
        best = None
        if len(present) > 1 and len({v for v, _ in present}) > 1:
            best = sorted(present, key=lambda pair: (pair[0] if lower else -pair[0], pair[1]))[0][1]
        rows.append(MetricRow(name, values, best, lower))
    return rows


# ----- pipeline diff -----------------------------------------------------------------------------

@dataclass(frozen=True)
class GraphDiff:
    added: list[str]
    removed: list[str]
    changed: dict[str, list[str]]  # task -> what changed (image, command, inputs, placement ...)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _ir_tasks(ir_text: str) -> dict[str, dict[str, Any]]:
    """Every task of a pipeline by name, with what decides its behaviour."""
    documents = [d for d in yaml.safe_load_all(ir_text) if d]
    spec = documents[0] if documents else {}
    components = spec.get("components", {})
    executors = spec.get("deploymentSpec", {}).get("executors", {})
    found: dict[str, dict[str, Any]] = {}

    def walk(dag: dict[str, Any], path: str) -> None:
        for name, task in dag.get("tasks", {}).items():
            component = components.get(task.get("componentRef", {}).get("name", ""), {})
            executor = executors.get(component.get("executorLabel", ""), {})
            container = executor.get("container", {})
            found[name] = {
                "group": path,
                "image": container.get("image", ""),
                "command": [*container.get("command", []), *container.get("args", [])],
                "inputs": task.get("inputs", {}),
                "interface": [component.get("inputDefinitions", {}), component.get("outputDefinitions", {})],
                "after": sorted(task.get("dependentTasks", [])),
                "condition": task.get("triggerPolicy", {}),
                "options": [task.get("cachingOptions", {}), task.get("retryPolicy", {}),
                            container.get("resources", {})],
            }
            if "dag" in component:
                walk(component["dag"], f"{path}/{name}" if path else name)

    walk(spec.get("root", {}).get("dag", {}), "")
    return found


_ASPECTS = (("image", "image"), ("command", "command"), ("inputs", "inputs"), ("interface", "interface"),
            ("after", "dependencies"), ("condition", "condition"), ("options", "options"), ("group", "placement"))


def graph_diff(before: str, after: str) -> GraphDiff:
    """Tasks added, removed and changed between two compiled pipelines (by IR task name)."""
    old, new = _ir_tasks(before), _ir_tasks(after)
    changed = {}
    for name in sorted(set(old) & set(new)):
        aspects = [label for key, label in _ASPECTS
                   if json.dumps(old[name][key], sort_keys=True) != json.dumps(new[name][key], sort_keys=True)]
        if aspects:
            changed[name] = aspects
    return GraphDiff(sorted(set(new) - set(old)), sorted(set(old) - set(new)), changed)


# ----- text (the CLI) ----------------------------------------------------------------------------

def format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if value is None:
        return "-"
    return value if isinstance(value, str) else json.dumps(value, default=str)


def comparison_tables(summaries: list[RunSummary]) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, headers, rows) for the parameter differences and the metrics table (best marked `*`,
    values of cached tasks `(cached)`), then the cached tasks and where they came from, if any."""
    ids = [summary.run.id for summary in summaries]
    differences = parameter_differences([summary.run for summary in summaries])
    parameters = [[name, *map(format_value, values)] for name, values in differences.items()]
    metrics = []
    sources = [summary.cached_from for summary in summaries]
    labelled = [(series_label(row.name, summaries), row) for row in metrics_table(summaries)]
    for label, row in sorted(labelled, key=lambda pair: pair[0]):
        cells = [format_value(v) + (" *" if i == row.best else "")
                 + (" (cached)" if v is not None and row.name in sources[i] else "")
                 for i, v in enumerate(row.values)]
        metrics.append([label + (" (lower is better)" if row.lower_is_better else ""), *cells])
    cached = [[summary.run.id, task_label(task_id, summaries), producer] for summary in summaries
              for task_id, producer in sorted(summary.cached_tasks.items())]
    tables = [("Parameter differences", ["PARAMETER", *ids], parameters),
              ("Metrics (* best)", ["METRIC", *ids], metrics)]
    if cached:
        tables.append(("Cached tasks (their metrics are those of the run that produced the cache entry)",
                       ["RUN", "TASK", "CACHED FROM RUN"], cached))
    return tables
