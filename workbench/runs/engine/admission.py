"""Which ready task may start now: admission by resource requests, as a cluster's scheduler does.

- A task's CPU, memory and GPU requests (the limit where no request is given) are reserved against
  the machine while it runs: CPUs, memory less a floor kept free, GPUs. A task that does not fit
  waits; one that could never fit is refused with what it asks for and what the machine has.
- Available memory (read from the OS) must stay above the floor (default 10% of RAM) once the new
  task and the tasks started in the last few seconds, whose memory may not show yet, take what
  they are expected to: their memory request, else the larger of the floor and the most a running
  task of this run has taken on average. The first task of a run is never held back, so a run
  always makes progress.
- At most `cap` tasks run at once (`--max-parallel`; default 4x the CPUs), so a 10,000-item loop
  does not start 10,000 containers.

A task that waits on a kind of resource holds later tasks that need the same kind behind it, so a
large request is not starved by a stream of small ones.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from workbench.runs.engine.machine import Machine
from workbench.runs.engine.task_resources import TaskResources

DEFAULT_FLOOR_FRACTION = 0.10
CAP_PER_CPU = 4
SETTLE_SECONDS = 2.0  # how long a started task's memory may take to show in the OS's numbers


def default_cap(cpus: float) -> int:
    return max(1, int(cpus * CAP_PER_CPU))


_TITLES = {"cpu": "waiting for CPU", "memory": "waiting for memory", "gpu": "waiting for GPU"}


@dataclass(frozen=True)
class Wait:
    """Why a task is not started yet: `kind` is cpu, memory or gpu."""

    kind: str
    detail: str

    @property
    def message(self) -> str:
        return f"{wait_title(self.kind)}: {self.detail}"


def wait_title(kind: str) -> str:
    """"waiting for CPU" and the like; unknown kinds (from a newer engine) read generically."""
    return _TITLES.get(kind, f"waiting for {kind}")


def size_text(size: float) -> str:
    """Bytes for people: `819.2 MiB`, `7.2 GiB`."""
    units = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
    index = 0
    while abs(size) >= 1024 and index < len(units) - 1:
        size /= 1024
        index += 1
    return f"{size:.0f} B" if index == 0 else f"{size:.1f} {units[index]}"


@dataclass(eq=False)
class Reservation:
    needs: TaskResources
    started: float


class Admission:
    """Reservations of one run. Used from the run's coordinator thread only."""

    def __init__(self, machine: Machine, cap: int, read_available: Callable[[], int | None],
                 floor_fraction: float = DEFAULT_FLOOR_FRACTION,
                 clock: Callable[[], float] = time.monotonic):
        self.machine = machine
        self.clock = clock
        self.cap = max(1, cap)
        self.read_available = read_available
        self.floor = int(machine.memory * floor_fraction)
        self.allocatable = machine.memory - self.floor
        self.running = 0
        self.cpu = 0.0
        self.memory = 0
        self.gpus = 0
        self._reservations: list[Reservation] = []
        self._baseline: int | None = None  # available memory when none of the run's tasks ran
        self._per_task = 0                 # the most memory a running task took on average

    def refusal(self, needs: TaskResources) -> str | None:
        """Why the task can never start here, or None."""
        machine = self.machine
        if needs.cpu_request > machine.cpus:
            return f"asks for {needs.cpu_request:g} CPUs; this machine has {machine.cpus:g}"
        if machine.memory and needs.memory_request > self.allocatable:
            return (f"asks for {size_text(needs.memory_request)} of memory; this machine has "
                    f"{size_text(machine.memory)}, {size_text(self.allocatable)} for tasks after keeping "
                    f"{size_text(self.floor)} free")
        if needs.accelerators > machine.gpus:
            kind = needs.accelerator_type or "GPU"
            return f"asks for {needs.accelerators} {kind} accelerator(s); this machine has {machine.gpus} GPUs"
        return None

    def available(self) -> int | None:
        """Available memory now (read once per admission pass); learns what running tasks take."""
        available = self.read_available() if self.machine.memory else None
        if available is None:
            return None
        if self.running == 0:
            self._baseline = available
        elif self._baseline is not None:
            self._per_task = max(self._per_task, (self._baseline - available) // self.running)
        return available

    def full(self) -> bool:
        """The cap is reached: nothing starts, whatever it asks for."""
        return self.running >= self.cap

    def wait(self, needs: TaskResources, available: int | None) -> Wait | None:
        """None when the task may start now (below the cap), else why it waits. The messages
        change only when reservations do, so a waiting task is not re-announced at every look."""
        if needs.cpu_request and self.cpu + needs.cpu_request > self.machine.cpus + 1e-9:
            free = max(0.0, self.machine.cpus - self.cpu)
            return Wait("cpu", f"needs {needs.cpu_request:g}, {free:g} of "
                               f"{self.machine.cpus:g} free")
        if needs.accelerators and self.gpus + needs.accelerators > self.machine.gpus:
            return Wait("gpu", f"needs {needs.accelerators}, "
                               f"{self.machine.gpus - self.gpus} of {self.machine.gpus} free")
        if needs.memory_request and self.memory + needs.memory_request > self.allocatable:
            return Wait("memory", f"needs {size_text(needs.memory_request)}, "
                                  f"{size_text(self.allocatable - self.memory)} not reserved")
        if available is not None and self.running:
            now = self.clock()
            settling = sum(self._expected(r.needs) for r in self._reservations
                           if now - r.started < SETTLE_SECONDS)
            if available - settling - self._expected(needs) < self.floor:
                return Wait("memory", f"keeping {size_text(self.floor)} free"
                                      + (", and tasks just started may take more" if settling else ""))
        return None

    def _expected(self, needs: TaskResources) -> int:
        return needs.memory_request or max(self._per_task, self.floor)

    def reserve(self, needs: TaskResources) -> Reservation:
        reservation = Reservation(needs, self.clock())
        self._reservations.append(reservation)
        self.running += 1
        self.cpu += needs.cpu_request
        self.memory += needs.memory_request
        self.gpus += needs.accelerators
        return reservation

    def release(self, reservation: Reservation) -> None:
        self._reservations.remove(reservation)
        needs = reservation.needs
        self.running -= 1
        self.cpu -= needs.cpu_request
        self.memory -= needs.memory_request
        self.gpus -= needs.accelerators

    def kinds(self, needs: TaskResources) -> tuple[str, ...]:
        """The kinds of resource a task asks for; memory always (every task takes some)."""
        return ("memory",) + (("cpu",) if needs.cpu_request else ()) + (("gpu",) if needs.accelerators else ())
