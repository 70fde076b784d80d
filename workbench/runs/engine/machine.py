"""What this machine has for running tasks: CPUs, memory (total and available now) and GPUs.

Memory comes from the OS: `/proc/meminfo` (MemAvailable counts reclaimable cache, unlike MemFree)
on Linux, psutil where it is installed, else `os.sysconf` page counts. GPUs are those the Docker
engine reports for the Docker backend, and NVIDIA devices the host driver lists for local processes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_MEMINFO = Path("/proc/meminfo")
_NVIDIA_GPUS = Path("/proc/driver/nvidia/gpus")


@dataclass(frozen=True)
class Machine:
    cpus: float
    memory: int  # total bytes; 0 when the OS does not say
    gpus: int = 0


@dataclass(frozen=True)
class MemoryReading:
    total: int
    available: int


def this_machine(backend: Any) -> Machine:
    """The capacity tasks of `backend` share. A backend may report its own GPUs (`gpu_count()`)."""
    reading = read_memory()
    report = getattr(backend, "gpu_count", None)
    gpus = report() if callable(report) else host_gpus()
    return Machine(cpus=float(os.cpu_count() or 1), memory=reading.total if reading else 0, gpus=gpus)


def read_memory() -> MemoryReading | None:
    """Total and available bytes now, or None where the OS cannot tell."""
    try:
        fields = {}
        for line in _MEMINFO.read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("MemTotal", "MemAvailable"):
                fields[name] = int(rest.split()[0]) * 1024
        return MemoryReading(fields["MemTotal"], fields["MemAvailable"])
    except (OSError, KeyError, ValueError, IndexError):
        pass
    try:
        import psutil  # optional: only where something else installed it
    except ImportError:
        psutil = None
    if psutil is not None:
        memory = psutil.virtual_memory()
        return MemoryReading(int(memory.total), int(memory.available))
    try:
        page = os.sysconf("SC_PAGE_SIZE")
        return MemoryReading(os.sysconf("SC_PHYS_PAGES") * page, os.sysconf("SC_AVPHYS_PAGES") * page)
    except (AttributeError, ValueError, OSError):
        return None


def available_memory() -> int | None:
    reading = read_memory()
    return reading.available if reading else None


def host_gpus() -> int:
    """NVIDIA GPUs the host driver lists (Linux); 0 where none can be detected."""
    try:
        return sum(1 for entry in _NVIDIA_GPUS.iterdir() if entry.is_dir())
    except OSError:
        return 0


def docker_gpus(info: dict[str, Any]) -> int:
    """GPUs in a Docker engine's `info`: CDI devices (`nvidia.com/gpu=0`), swarm generic resources
    of a GPU kind, else the host's NVIDIA GPUs when the engine has the nvidia runtime."""
    devices = [d.get("ID", "") for d in info.get("DiscoveredDevices") or [] if isinstance(d, dict)]
    cdi = [name for name in devices if "gpu=" in name and not name.endswith("=all")]
    if cdi:
        return len(cdi)
    generic = 0
    for resource in info.get("GenericResources") or []:
        for kind, spec in (resource or {}).items():
            if isinstance(spec, dict) and "gpu" in str(spec.get("Kind", "")).lower():
                generic += int(spec.get("Value", 0)) if kind == "DiscreteResourceSpec" else 1
    if generic:
        return generic
    return host_gpus() if "nvidia" in (info.get("Runtimes") or {}) else 0
