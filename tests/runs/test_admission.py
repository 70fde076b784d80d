"""Admission by resource requests, unit level: K8s quantities (hostile ones too), a task's
resources from its IR spec (placeholders filled from its inputs), and the admission decisions."""

from __future__ import annotations

import math

import pytest

from workbench.runs.engine.admission import Admission, default_cap
from workbench.runs.engine.machine import Machine, docker_gpus, read_memory
from workbench.runs.engine.placeholders import TaskContext
from workbench.runs.engine.quantities import (QuantityError, accelerator_count, cpu_cores, memory_bytes,
                                              parse_quantity)
from workbench.runs.engine.task_resources import TaskResources, task_resources

GiB = 2**30
CONTEXT = TaskContext("run-x", "x", "train", "train", "/tmp/root", "/tmp/root/workspace", "2026-01-01T00:00:00Z")


@pytest.mark.parametrize("text, cores", [("500m", 0.5), ("2", 2.0), ("1.5", 1.5), ("1e3", 1000.0), (".25", 0.25),
                                         ("+1", 1.0), ("250000u", 0.25), (0.25, 0.25), (4, 4.0), ("1E-1", 0.1)])
def test_cpu_quantities(text, cores):
    assert cpu_cores(text) == pytest.approx(cores)


@pytest.mark.parametrize("text, size", [("512Mi", 512 * 2**20), ("1G", 10**9), ("1Gi", GiB), ("1e3", 1000),
                                        ("1.5Gi", 3 * 2**29), ("100k", 100_000), ("100K", 100_000),
                                        ("500m", 1), ("1E", 10**18), ("1Ki", 1024)])
def test_memory_quantities(text, size):
    assert memory_bytes(text) == size


@pytest.mark.parametrize("hostile", ["2 cores", "-1", "1Zi", "NaN", "nan", "inf", "-inf", "Infinity", "", " ",
                                     "0x10", "1.2.3", "1e", "1e1e1", "1 Gi", "1gi", "1mi", "١٢", "1\n2", "1;rm -rf /", " 1", "1 ",
                                     "{{$.inputs.parameters['cpu']}}", "9" * 65, "1" + "0" * 70, "1e9999",
                                     math.nan, math.inf, -1.0, -2, True, None, [1], {"cpu": 1}])
def test_hostile_quantities_are_refused_with_the_value(hostile):
    with pytest.raises(QuantityError) as error:
        cpu_cores(hostile)
    assert len(str(error.value)) < 200  # a one-line message, even for a huge value


def test_absurd_sizes_are_refused_before_any_arithmetic_blows_up():
    for value in ("1e999", "999999999999Ei", "1e100"):
        with pytest.raises(QuantityError, match="larger than any machine"):
            memory_bytes(value)
    with pytest.raises(QuantityError, match="larger than any machine"):
        cpu_cores("200000")
    assert memory_bytes("1Ei") == 2**60  # the largest accepted


def test_accelerator_counts_are_whole_numbers():
    assert accelerator_count("2") == 2 and accelerator_count(1) == 1
    for bad in ("0.5", "2k", "-1", "two", "1\n"):
        with pytest.raises(QuantityError):
            accelerator_count(bad)


def test_parse_quantity_keeps_exact_decimals():
    assert str(parse_quantity("100m")) == "0.100"


def test_requests_fall_back_to_limits_and_numeric_fields_are_gigabytes():
    resources = task_resources({"cpuLimit": 2.0, "memoryLimit": 1.5, "resourceMemoryRequest": "256Mi"}, {}, CONTEXT)
    assert resources == TaskResources(cpu_limit=2.0, memory_limit=1_500_000_000, cpu_request=2.0,
                                      memory_request=256 * 2**20)
    assert task_resources({}, {}, CONTEXT) == TaskResources()
    assert not TaskResources().requests_anything


def test_quantities_from_parameters_are_filled_from_the_task_inputs():
    spec = {"resourceCpuLimit": "{{$.inputs.parameters['pipelinechannel--cpu']}}",
            "resourceMemoryRequest": "{{$.inputs.parameters['pipelinechannel--mem']}}",
            "accelerator": {"resourceCount": "{{$.inputs.parameters['pipelinechannel--gpus']}}",
                            "resourceType": "nvidia.com/gpu"}}
    resources = task_resources(spec, {"pipelinechannel--cpu": "500m", "pipelinechannel--mem": "1Gi",
                                      "pipelinechannel--gpus": 2}, CONTEXT)
    assert (resources.cpu_limit, resources.cpu_request, resources.memory_request) == (0.5, 0.5, GiB)
    assert (resources.accelerators, resources.accelerator_type) == (2, "nvidia.com/gpu")


def test_bad_values_name_the_field_and_the_value():
    spec = {"resourceCpuLimit": "{{$.inputs.parameters['pipelinechannel--cpu']}}"}
    with pytest.raises(QuantityError, match=r"CPU limit: '2 cores' is not a quantity"):
        task_resources(spec, {"pipelinechannel--cpu": "2 cores"}, CONTEXT)
    with pytest.raises(QuantityError, match="CPU limit: .*names an input the task does not have"):
        task_resources(spec, {}, CONTEXT)
    with pytest.raises(QuantityError, match="memory request: '-1'"):
        task_resources({"resourceMemoryRequest": "-1"}, {}, CONTEXT)
    # an upstream string that looks like a placeholder is data, not a second round of substitution
    with pytest.raises(QuantityError, match="CPU limit"):
        task_resources(spec, {"pipelinechannel--cpu": "{{$.inputs.parameters['pipelinechannel--cpu']}}"}, CONTEXT)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def needs(cpu: float = 0.0, memory: int = 0, gpus: int = 0) -> TaskResources:
    return TaskResources(cpu_request=cpu, memory_request=memory, accelerators=gpus)


def test_cpu_requests_are_reserved_while_tasks_run():
    admission = Admission(Machine(cpus=2, memory=0), cap=16, read_available=lambda: None)
    first, second = admission.reserve(needs(cpu=1)), admission.reserve(needs(cpu=1))
    wait = admission.wait(needs(cpu=1), None)
    assert wait.kind == "cpu" and wait.message == "waiting for CPU: needs 1, 0 of 2 free"
    assert admission.wait(needs(), None) is None  # a task without requests still starts
    admission.release(first)
    assert admission.wait(needs(cpu=1), None) is None
    admission.release(second)
    assert admission.cpu == 0 and admission.running == 0


def test_what_can_never_fit_is_refused_with_what_it_asks_and_what_the_machine_has():
    admission = Admission(Machine(cpus=2, memory=8 * GiB, gpus=0), cap=8, read_available=lambda: 8 * GiB)
    assert admission.refusal(needs(cpu=3)) == "asks for 3 CPUs; this machine has 2"
    assert "asks for 7.5 GiB of memory; this machine has 8.0 GiB, 7.2 GiB for tasks" in \
        admission.refusal(needs(memory=int(7.5 * GiB)))
    assert admission.refusal(TaskResources(accelerators=1, accelerator_type="NVIDIA_TESLA_T4")) == \
        "asks for 1 NVIDIA_TESLA_T4 accelerator(s); this machine has 0 GPUs"
    assert admission.refusal(needs(cpu=2, memory=7 * GiB)) is None


def test_gpus_and_memory_requests_wait_for_each_other():
    admission = Admission(Machine(cpus=4, memory=10 * GiB, gpus=1), cap=8, read_available=lambda: 10 * GiB)
    admission.reserve(needs(gpus=1, memory=5 * GiB))
    assert admission.wait(needs(gpus=1), 10 * GiB).kind == "gpu"
    assert admission.wait(needs(memory=5 * GiB), 10 * GiB).kind == "memory"  # 9 GiB allocatable
    assert admission.wait(needs(memory=4 * GiB), 10 * GiB) is None


def test_the_cap_bounds_everything():
    admission = Admission(Machine(cpus=2, memory=0), cap=3, read_available=lambda: None)
    for _ in range(3):
        admission.reserve(needs())
    assert admission.full()
    admission.release(admission.reserve(needs()))
    assert admission.full() and admission.running == 3
    assert default_cap(2) == 8 and default_cap(0.5) == 2


def test_memory_floor_counts_tasks_whose_memory_does_not_show_yet():
    clock = Clock()
    available = [20 * GiB]
    admission = Admission(Machine(cpus=2, memory=20 * GiB), cap=100, read_available=lambda: available[0], clock=clock)
    assert admission.floor == 2 * GiB
    started = 0
    while admission.wait(needs(), admission.available()) is None:  # one admission pass at t=0
        admission.reserve(needs())
        started += 1
    # the first runs regardless; each newcomer counts as the floor (2 GiB) until it has settled
    assert started == 9
    clock.now += 5  # they settled, and each took 1 GiB
    available[0] = 11 * GiB
    assert admission.available() == 11 * GiB
    assert admission.wait(needs(), 11 * GiB) is None  # 11 - 2 (expected) >= 2
    available[0] = 3 * GiB
    wait = admission.wait(needs(), admission.available())
    assert wait.message == "waiting for memory: keeping 2.0 GiB free"


def test_the_first_task_starts_whatever_memory_says():
    admission = Admission(Machine(cpus=2, memory=20 * GiB), cap=4, read_available=lambda: 0)
    assert admission.wait(needs(), admission.available()) is None
    admission.reserve(needs())
    assert admission.wait(needs(), admission.available()).kind == "memory"


def test_docker_gpus_from_engine_info():
    assert docker_gpus({}) == 0
    assert docker_gpus({"DiscoveredDevices": [{"Source": "cdi", "ID": "nvidia.com/gpu=0"},
                                              {"Source": "cdi", "ID": "nvidia.com/gpu=1"},
                                              {"Source": "cdi", "ID": "nvidia.com/gpu=all"}]}) == 2
    assert docker_gpus({"GenericResources": [{"DiscreteResourceSpec": {"Kind": "NVIDIA-GPU", "Value": 4}}]}) == 4
    assert docker_gpus({"GenericResources": [{"NamedResourceSpec": {"Kind": "gpu", "Value": "GPU-1"}},
                                             {"NamedResourceSpec": {"Kind": "gpu", "Value": "GPU-2"}}]}) == 2
    assert docker_gpus({"Runtimes": {"runc": {}}, "DiscoveredDevices": None}) == 0


def test_memory_reading_from_the_os():
    reading = read_memory()
    assert reading is not None and 0 < reading.available <= reading.total


def test_resource_specs_of_the_wrong_shape_fail_by_value_not_by_traceback():
    for hostile in (["cpu"], "2", {"accelerator": ["gpu"]}, {"resourceCpuLimit": {"nested": 1}},
                    {"cpuLimit": "NaN"}, {"memoryLimit": float("inf")}, {"accelerator": {"resourceCount": "1.5"}}):
        with pytest.raises(QuantityError):
            task_resources(hostile, {}, CONTEXT)
