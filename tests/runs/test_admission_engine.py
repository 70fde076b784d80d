"""Admission in real runs: tasks requesting 1 CPU each run two at a time on a 2-CPU machine,
tasks without requests start at once, the memory floor holds with a fake memory reader, and bad
or impossible requests fail the task by name before it starts while the run goes on.

Concurrency is counted from the event stream (running -> terminal intervals), never timed.
"""

from kfp import dsl

from engine_support import compile_pipeline
from workbench.runs.engine.machine import Machine
from workbench.runs.events import TaskStateChanged, event_from_json, event_to_json

GiB = 2**30
TIMEOUT = 60
TERMINAL = {"succeeded", "failed", "skipped", "cancelled", "cached"}


@dsl.container_component
def nap(seconds: float):
    return dsl.ContainerSpec(image="alpine", command=["sh", "-c", 'sleep "$0"'], args=[seconds])


@dsl.container_component
def cpu_text(out: dsl.OutputPath(str)):
    return dsl.ContainerSpec(image="alpine", command=["sh", "-c", 'mkdir -p "$(dirname "$0")"; printf 250m > "$0"'],
                             args=[out])


@dsl.pipeline(name="cpu-from-upstream")
def cpu_from_upstream():
    nap(seconds=0.1).set_cpu_request(cpu_text().output).set_caching_options(False)


@dsl.pipeline(name="one-cpu-each")
def one_cpu_each():
    with dsl.ParallelFor(list(range(8))):
        nap(seconds=0.3).set_cpu_request("1").set_caching_options(False)


@dsl.pipeline(name="no-requests")
def no_requests(count: int = 8):
    with dsl.ParallelFor(list(range(8))):
        nap(seconds=1.0).set_caching_options(False)


@dsl.pipeline(name="sixteen-naps")
def sixteen_naps():
    with dsl.ParallelFor(list(range(16))):
        nap(seconds=0.5).set_caching_options(False)


@dsl.pipeline(name="bad-requests")
def bad_requests(cpu: str = "2 cores"):
    nap(seconds=0.1).set_cpu_limit(cpu).set_caching_options(False)
    nap(seconds=0.1).set_memory_request("64Gi").set_caching_options(False)
    nap(seconds=0.1).set_accelerator_type("nvidia.com/gpu").set_accelerator_limit(1).set_caching_options(False)
    nap(seconds=0.1).set_cpu_limit("500m").set_memory_limit("256Mi").set_caching_options(False)


def most_at_once(events) -> int:
    """The most executor tasks between their `running` and terminal events at any moment."""
    running, most = set(), 0
    for event in events.of(TaskStateChanged):
        if event.state == "running" and "/" in event.task_id:  # loop bodies only, not the loop DAG
            running.add(event.task_id)
        elif event.state in TERMINAL:
            running.discard(event.task_id)
        most = max(most, len(running))
    return most


def waits(events, kind: str) -> list[TaskStateChanged]:
    return [e for e in events.of(TaskStateChanged) if e.state == "pending" and e.details.get("waiting_for") == kind]


def test_tasks_requesting_one_cpu_each_run_two_at_a_time(make_engine, subprocess_backend, tmp_path, events):
    engine = make_engine(subprocess_backend, max_parallel=None, machine=Machine(cpus=2, memory=64 * GiB),
                         read_available=lambda: 60 * GiB)
    handle = engine.start(compile_pipeline(one_cpu_each, tmp_path), {})
    assert handle.wait(TIMEOUT) == "succeeded", handle.message
    assert most_at_once(events) == 2
    cpu_waits = waits(events, "cpu")
    assert cpu_waits and cpu_waits[0].message == "waiting for CPU: needs 1, 0 of 2 free"
    per_task = [sum(e.task_id == task_id for e in cpu_waits) for task_id in {e.task_id for e in cpu_waits}]
    assert len(per_task) == 6 and max(per_task) <= 2  # the six that waited, announced once per change
    # a waiting reason survives the --events jsonl round trip the CLI and the store rely on
    assert event_from_json(event_to_json(cpu_waits[0])) == cpu_waits[0]


def test_tasks_without_requests_start_at_once_up_to_the_cap(make_engine, fake_backend, tmp_path, events):
    machine = Machine(cpus=2, memory=64 * GiB)
    handle = make_engine(fake_backend, max_parallel=None, machine=machine,
                         read_available=lambda: 60 * GiB).start(compile_pipeline(no_requests, tmp_path), {})
    assert handle.wait(TIMEOUT) == "succeeded", handle.message
    assert fake_backend.max_running == 8  # 4 per CPU on 2 CPUs, and nothing else holds them back
    assert not waits(events, "memory") and not waits(events, "cpu")


def test_max_parallel_still_caps_everything(make_engine, fake_backend, tmp_path, events):
    handle = make_engine(fake_backend, max_parallel=3, machine=Machine(cpus=2, memory=64 * GiB),
                         read_available=lambda: 60 * GiB).start(compile_pipeline(no_requests, tmp_path), {})
    assert handle.wait(TIMEOUT) == "succeeded", handle.message
    assert fake_backend.max_running == 3


def test_memory_stays_above_the_floor_when_every_task_takes_2_gib(make_engine, fake_backend, tmp_path, events):
    """A fake OS: 24 GiB, 1 GiB used by others, each running task takes 2 GiB at once. Sixteen
    such tasks (32 GiB) may not all run; available memory must never go under the 10% floor."""
    readings = []

    def read_available() -> int:
        available = 23 * GiB - 2 * GiB * fake_backend.running
        readings.append(available)
        return available

    engine = make_engine(fake_backend, max_parallel=16, machine=Machine(cpus=2, memory=24 * GiB),
                         read_available=read_available)
    handle = engine.start(compile_pipeline(sixteen_naps, tmp_path), {})
    assert handle.wait(TIMEOUT) == "succeeded", handle.message
    floor = int(24 * GiB * 0.10)
    assert min(readings) >= floor
    assert 23 * GiB - 2 * GiB * fake_backend.max_running >= floor
    assert fake_backend.max_running >= 4  # held back by memory, not run one by one
    assert waits(events, "memory")


def test_bad_and_impossible_requests_fail_by_name_before_starting_and_the_run_goes_on(
        make_engine, fake_backend, tmp_path, events):
    engine = make_engine(fake_backend, max_parallel=None, machine=Machine(cpus=2, memory=8 * GiB, gpus=0),
                         read_available=lambda: 7 * GiB)
    handle = engine.start(compile_pipeline(bad_requests, tmp_path), {})
    assert handle.wait(TIMEOUT) == "failed"
    failures = {e.task_id: e.message for e in events.of(TaskStateChanged) if e.state == "failed"}
    assert failures == {
        "nap": "task 'nap': CPU limit: '2 cores' is not a quantity (a number such as 2, 0.5, 500m, 512Mi or 1G)",
        "nap-2": "task 'nap-2' asks for 64.0 GiB of memory; this machine has 8.0 GiB, 7.2 GiB for tasks "
                 "after keeping 819.2 MiB free",
        "nap-3": "task 'nap-3' asks for 1 nvidia.com/gpu accelerator(s); this machine has 0 GPUs"}
    assert handle.task_states()["nap-4"] == "succeeded"  # the run went on
    assert len(fake_backend.launches) == 1  # nothing started for the failed ones
    launched = fake_backend.launches[0]
    assert (launched.cpu_limit, launched.memory_limit) == (0.5, 256 * 2**20)


def test_a_quantity_from_a_pipeline_parameter_reaches_the_backend(make_engine, fake_backend, tmp_path):
    engine = make_engine(fake_backend, max_parallel=None, machine=Machine(cpus=2, memory=8 * GiB),
                         read_available=lambda: 7 * GiB)
    handle = engine.start(compile_pipeline(bad_requests, tmp_path), {"cpu": "1500m"})
    handle.wait(TIMEOUT)
    assert handle.task_states()["nap"] == "succeeded"
    assert sorted(launch.cpu_limit for launch in fake_backend.launches) == [0.5, 1.5]


def test_cancel_while_tasks_wait_for_cpu(make_engine, fake_backend, tmp_path):
    engine = make_engine(fake_backend, max_parallel=None, machine=Machine(cpus=1, memory=0),
                         read_available=lambda: None)
    handle = engine.start(compile_pipeline(one_cpu_each, tmp_path), {})
    handle.cancel()
    assert handle.wait(10) == "cancelled"
    assert "pending" not in handle.task_states().values()


def test_a_quantity_from_an_upstream_output_reaches_admission(make_engine, fake_backend, tmp_path):
    ir = compile_pipeline(cpu_from_upstream, tmp_path)
    assert "resourceCpuRequest: '{{$.inputs.parameters[''pipelinechannel--cpu-text-out'']}}'" in ir  # kfp 2.17's form
    small = make_engine(fake_backend, machine=Machine(cpus=0.2, memory=0), read_available=lambda: None)
    handle = small.start(ir, {})
    assert handle.wait(TIMEOUT) == "failed"
    assert handle.message == "task 'nap' asks for 0.25 CPUs; this machine has 0.2"
    enough = make_engine(fake_backend, machine=Machine(cpus=1, memory=0), read_available=lambda: None)
    assert enough.start(ir, {}).wait(TIMEOUT) == "succeeded"
