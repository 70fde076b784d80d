"""The DAG walker. Runs on one coordinator thread; executor tasks run on the context's bounded
pool and post their results back, so DAG bookkeeping needs no locks.

A task starts when all its upstream tasks are done. It is skipped when an upstream did not
succeed (unless its trigger strategy is ALL_UPSTREAM_TASKS_COMPLETED, as for exit handlers and
`ignore_upstream_failure`) or its CEL condition is false; a skipped DAG marks its sub-graph
skipped too. DAG tasks (sub-pipelines, conditions, exit-handler bodies) recurse; ParallelFor
tasks run their iterations within `parallelismLimit` and collect their outputs as lists.

Executor tasks go through admission (admission.py) before they take a worker: a task whose
resources are malformed or larger than the machine fails by name at once; one that does not fit
yet waits, its reason shown as a `pending` state change with the reason as its message. Each look
at the queue stops at the cap and considers a bounded window of waiting tasks, so a loop of
10,000 items costs no more per event than one of a hundred.
"""

from __future__ import annotations

import sys
import time
import traceback
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

from workbench.runs.engine.admission import Admission, Wait
from workbench.runs.engine.conditions import ConditionError, evaluate_condition
from workbench.runs.engine.context import RunContext, TaskRef
from workbench.runs.engine.executor_io import Values
from workbench.runs.engine.inputs import (SUCCESS_STATES, InputError, TaskResult, collect_iterations, parameter_value,
                                          dag_outputs, loop_items, resolve_task_inputs, upstream_tasks,
                                          with_defaults)
from workbench.runs.engine.quantities import QuantityError
from workbench.runs.engine.skips import (Origin, condition_skip, first_blocking, loop_item_origins, task_input_origins,
                                         upstream_skip)
from workbench.runs.engine.task_resources import TaskResources, task_resources
from workbench.runs.engine.task_runner import ExecutorCall, run_executor_task
from workbench.errors import WorkbenchError
from workbench.runs.explain import skip_text
from workbench.runs.task_names import item_labels

Done = Callable[[TaskResult], None]
_STALL_GRACE_SECONDS = 5.0
_WINDOW = 64  # waiting tasks considered per look (at least twice the cap)


@dataclass(eq=False)
class _Waiting:
    call: ExecutorCall
    done: Done
    needs: TaskResources
    wait: Wait | None = None


class Scheduler:
    def __init__(self, ctx: RunContext, admission: Admission):
        self.ctx = ctx
        self.admission = admission
        self.active: set[DagExecution | LoopExecution] = set()
        self.in_flight = 0
        self.waiting: list[_Waiting] = []

    def run(self, arguments: dict[str, Any],
            artifacts: dict[str, list[dict[str, Any]]] | None = None) -> TaskResult:
        """Walk the root DAG to the end; returns its result. Cancel is honoured between callbacks."""
        finished: list[TaskResult] = []
        scope = Values(parameters=dict(arguments), artifacts=dict(artifacts or {}))
        root = DagExecution(self, self.ctx.ir.root, scope,
                            TaskRef("", self.ctx.ir.name), finished.append)
        self._guarded(root.start)
        cancelled_at: float | None = None
        while not finished:
            callback = self.ctx.next_callback(timeout=0.1)
            if callback is not None:
                self._guarded(callback)
            elif self.waiting:
                self._guarded(self._admit)  # available memory changes without events
            if self.ctx.cancel_event.is_set() and cancelled_at is None:
                cancelled_at = time.monotonic()
                self._guarded(self._cancel_waiting)
                for execution in list(self.active):
                    self._guarded(execution.cancel_pending)
            if (cancelled_at is not None and callback is None and self.in_flight == 0
                    and time.monotonic() - cancelled_at > _STALL_GRACE_SECONDS):
                return TaskResult("cancelled", message="run cancelled")
        return finished[0]

    def submit(self, call: ExecutorCall, done: Done) -> None:
        """Admit the task (now or once it fits), or fail it at once when it never can."""
        container = (call.executor or {}).get("container") or {}
        try:
            needs = task_resources(container.get("resources") or {}, call.inputs.parameters,
                                   self.ctx.placeholder_context(call.ref))
        except QuantityError as exc:
            return done(TaskResult("failed", message=f"task {call.ref.name!r}: {exc}"))
        refusal = self.admission.refusal(needs)
        if refusal:
            return done(TaskResult("failed", message=f"task {call.ref.name!r} {refusal}"))
        self.waiting.append(_Waiting(call, done, needs))
        self._admit()

    def _admit(self) -> None:
        """Start waiting tasks that fit, in order. A task waiting on a kind of resource holds later
        tasks that need that kind behind it, so a large request is not starved by small ones;
        every task needs memory, so a memory wait holds all."""
        available = self.admission.available()
        held: set[str] = set()
        for item in self.waiting[:max(_WINDOW, 2 * self.admission.cap)]:
            if self.admission.full() or "memory" in held:
                break
            kind = next((kind for kind in self.admission.kinds(item.needs) if kind in held), None)
            if kind is not None:
                wait: Wait | None = Wait(kind, "queued behind an earlier task waiting for the same")
            else:
                wait = self.admission.wait(item.needs, available)
            if wait is None:
                self.waiting.remove(item)
                self._start(item)
                continue
            held.add(wait.kind)
            if wait != item.wait:
                item.wait = wait
                self.ctx.set_state(item.call.ref, "pending", wait.message, waiting_for=wait.kind)

    def _start(self, item: _Waiting) -> None:
        reservation = self.admission.reserve(item.needs)
        self.in_flight += 1
        call = item.call

        def work() -> TaskResult:
            if not self.ctx.cancel_event.is_set():
                self.ctx.set_state(call.ref, "running")
            return run_executor_task(self.ctx, call)

        def finished(result: TaskResult) -> None:
            self.in_flight -= 1
            self.admission.release(reservation)
            item.done(result)
            self._admit()

        self.ctx.submit(work, finished)

    def _cancel_waiting(self) -> None:
        waiting, self.waiting = self.waiting, []
        for item in waiting:
            item.done(TaskResult("cancelled", message="run cancelled"))

    def _guarded(self, callback: Callable[[], None]) -> None:
        """A bug in the walker cancels the run instead of hanging it."""
        try:
            callback()
        except Exception:  # noqa: BLE001
            print(f"workbench: internal error in run {self.ctx.run_id}:\n{traceback.format_exc()}",
                  file=sys.stderr)
            self.ctx.cancel_event.set()


def overall_state(results: list[TaskResult]) -> tuple[str, str]:
    """A group's state: cancelled beats failed beats succeeded (skipped children are fine),
    with the first matching child's message."""
    states = {result.state for result in results}
    state = "cancelled" if "cancelled" in states else "failed" if "failed" in states else "succeeded"
    if state == "succeeded":
        return state, ""
    return state, next((r.message for r in results if r.state == state and r.message), "")


def failure_details(children: list[tuple[str, TaskResult]]) -> dict[str, Any]:
    """`failed_task` of a group that failed: the executor task whose failure it carries (the one
    whose message `overall_state` took), so a skip downstream names it rather than the group."""
    failed = [(task_id, r) for task_id, r in children if r.state == "failed"]
    task_id, result = next(((t, r) for t, r in failed if r.message), failed[0]) if failed else ("", None)
    return {"failed_task": result.details.get("failed_task") or task_id} if result is not None else {}


def _skipped(skip: dict[str, Any]) -> TaskResult:
    return TaskResult("skipped", message=skip_text(skip), details={"skip": skip})


class DagExecution:
    """`origins`: where each of the DAG's input parameters came from (skips.py), for skip reasons."""

    def __init__(self, scheduler: Scheduler, component: dict[str, Any], scope: Values, ref: TaskRef,
                 on_done: Done, origins: dict[str, Origin] | None = None):
        self.scheduler = scheduler
        self.ctx = scheduler.ctx
        self.component = component
        self.scope = scope
        self.ref = ref
        self.on_done = on_done
        self.origins = origins or {}
        self.tasks: dict[str, dict[str, Any]] = component.get("dag", {}).get("tasks", {})
        self.upstream = {name: upstream_tasks(task) & set(self.tasks) for name, task in self.tasks.items()}
        self.results: dict[str, TaskResult] = {}
        self.started: set[str] = set()
        self.finished = False

    def start(self) -> None:
        self.scheduler.active.add(self)
        for name in self.tasks:
            self.ctx.set_state(self.ref.child(name), "pending")
        self.ctx.post(self._advance)

    def cancel_pending(self) -> None:
        for name in self.tasks:
            if name not in self.started:
                self.started.add(name)
                self._complete(name, TaskResult("cancelled", message="run cancelled"))

    def _advance(self) -> None:
        if self.finished:
            return
        for name in self.tasks:
            if name not in self.started and self.upstream[name] <= set(self.results):
                self.started.add(name)
                self._start(name)
        if len(self.results) == len(self.tasks):
            self._finish()

    def _start(self, name: str) -> None:
        task = self.tasks[name]
        ref = self.ref.child(name)
        done = partial(self._complete, name)
        if self.ctx.cancel_event.is_set():
            return done(TaskResult("cancelled", message="run cancelled"))
        blocked = [u for u in sorted(self.upstream[name]) if self.results[u].state not in SUCCESS_STATES]
        if blocked and task.get("triggerPolicy", {}).get("strategy") != "ALL_UPSTREAM_TASKS_COMPLETED":
            culprit = first_blocking(blocked, self.results)
            return done(_skipped(upstream_skip(self.ref.child(culprit).task_id, self.results[culprit])))
        origins = task_input_origins(task, self.ref.task_id, self.origins)
        try:
            inputs = resolve_task_inputs(task, self.scope, self.results, self.ctx.placeholder_context(ref))
            condition = task.get("triggerPolicy", {}).get("condition")
            if condition and not evaluate_condition(condition, inputs.parameters, inputs.artifacts):
                return done(_skipped(condition_skip(condition, origins)))
            component = self.ctx.ir.component_of(task)
            inputs = with_defaults(component, inputs)
        except (InputError, ConditionError, WorkbenchError) as exc:
            return done(TaskResult("failed", message=f"task {name!r}: {exc}"))
        if "dag" not in component:
            call = ExecutorCall(ref, task, component, self.ctx.ir.executor_of(component), inputs,
                                partial(parameter_value, scope=self.scope, results=self.results,
                                        run_name=self.ctx.run_name))
            return self.scheduler.submit(call, done)
        self.ctx.set_state(ref, "running")
        if "parameterIterator" in task or "artifactIterator" in task:
            LoopExecution(self.scheduler, task, component, inputs, ref, done, origins).start()
        else:
            DagExecution(self.scheduler, component, inputs, ref, done, origins).start()

    def _complete(self, name: str, result: TaskResult) -> None:
        ref = self.ref.child(name)
        self.results[name] = result
        self.ctx.record_outputs(ref, result.outputs)
        self.ctx.set_state(ref, result.state, result.message, **result.details)
        if result.state in ("skipped", "cancelled"):
            self._mark_subtree(self.tasks[name], ref, result)
        self.ctx.post(self._advance)

    def _mark_subtree(self, task: dict[str, Any], ref: TaskRef, result: TaskResult) -> None:
        """Tasks inside a DAG that never ran share its fate and, when skipped, its reason (shown
        once, without loop indexes)."""
        component = self.ctx.ir.components.get(task.get("componentRef", {}).get("name", ""), {})
        skip = result.details.get("skip") if result.state == "skipped" else None
        for child_name, child in component.get("dag", {}).get("tasks", {}).items():
            child_ref = ref.child(child_name)
            if self.ctx.states().get(child_ref.task_id) in (None, "pending"):
                if skip:
                    self.ctx.set_state(child_ref, result.state, result.message, skip=skip)
                else:
                    self.ctx.set_state(child_ref, result.state, f"parent {ref.name!r} {result.state}")
            self._mark_subtree(child, child_ref, result)

    def _finish(self) -> None:
        self.finished = True
        self.scheduler.active.discard(self)
        state, message = overall_state(list(self.results.values()))
        details = failure_details([(self.ref.child(name).task_id, result) for name, result in self.results.items()])
        self.on_done(TaskResult(state, dag_outputs(self.component, self.results), message, details))


class LoopExecution:
    """A ParallelFor: one DagExecution per item, at most `parallelismLimit` at a time."""

    def __init__(self, scheduler: Scheduler, task: dict[str, Any], component: dict[str, Any],
                 inputs: Values, ref: TaskRef, on_done: Done, origins: dict[str, Origin]):
        self.scheduler = scheduler
        self.ctx = scheduler.ctx
        self.task = task
        self.component = component
        self.inputs = inputs
        self.ref = ref
        self.on_done = on_done
        self.origins = origins
        self.limit = int(task.get("iteratorPolicy", {}).get("parallelismLimit") or 0)
        self.item_input = ""
        self.is_artifact = False
        self.waiting: list[tuple[int, Any]] = []
        self.results: dict[int, TaskResult] = {}
        self.running = 0
        self.total = 0
        self.details: dict[str, Any] = {}
        self.finished = False

    def start(self) -> None:
        try:
            self.item_input, items, self.is_artifact = loop_items(self.task, self.inputs)
        except InputError as exc:
            return self.on_done(TaskResult("failed", message=f"task {self.ref.name!r}: {exc}"))
        self.scheduler.active.add(self)
        self.waiting = list(enumerate(items))
        self.total = len(items)
        # views show "3/8 done" and label iterations by their item ("lr=0.1, epochs=20")
        self.details = {"iterations": self.total, "items": item_labels(items)}
        self.ctx.set_state(self.ref, "running", **self.details)
        self._fill()

    def cancel_pending(self) -> None:
        for index, _ in self.waiting:
            self.results[index] = TaskResult("cancelled", message="run cancelled")
        self.waiting = []
        self._fill()

    def _fill(self) -> None:
        while self.waiting and (not self.limit or self.running < self.limit):
            index, item = self.waiting.pop(0)
            scope = Values(dict(self.inputs.parameters), dict(self.inputs.artifacts))
            if self.is_artifact:
                scope.artifacts[self.item_input] = item
            else:
                scope.parameters[self.item_input] = item
            iteration_ref = TaskRef(f"{self.ref.task_id}[{index}]", self.ref.name,
                                    self.ref.iteration + (index,))
            self.running += 1
            DagExecution(self.scheduler, self.component, scope, iteration_ref, partial(self._iteration_done, index),
                         loop_item_origins(self.origins, self.item_input)).start()
        if len(self.results) == self.total and not self.finished:
            self._finish()

    def _iteration_done(self, index: int, result: TaskResult) -> None:
        self.running -= 1
        self.results[index] = result
        self._fill()

    def _finish(self) -> None:
        self.finished = True
        self.scheduler.active.discard(self)
        ordered = [self.results[index] for index in sorted(self.results)]
        state, message = overall_state(ordered)
        details = {**self.details, **failure_details([(f"{self.ref.task_id}[{index}]", self.results[index])
                                                      for index in sorted(self.results)])}
        self.on_done(TaskResult(state, collect_iterations(self.component, ordered), message, details))
