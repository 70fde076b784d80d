"""A task's resources from its IR container spec: limits for the backend, requests for admission.

The compiler writes a quantity given as a pipeline parameter or an upstream output
(`set_cpu_limit(cpu)`) as `{{$.inputs.parameters['pipelinechannel--cpu']}}` in the `resource*`
string fields and passes the value in as a task input; those are filled from the task's inputs
first, as the KFP driver does. The numeric fields (`cpuLimit: 0.5`, `memoryLimit: 1.5` in GB) are
the older form, read when no string form is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from workbench.runs.engine.placeholders import TaskContext, resolve_constant
from workbench.runs.engine.quantities import QuantityError, accelerator_count, cpu_cores, memory_bytes

_GIGABYTE = Decimal(10) ** 9
# label: (string field, numeric field, parser of the string, parser of the number)
_FIELDS: dict[str, tuple[str, str, Callable[[Any], Any], Callable[[Any], Any]]] = {
    "CPU limit": ("resourceCpuLimit", "cpuLimit", cpu_cores, cpu_cores),
    "CPU request": ("resourceCpuRequest", "cpuRequest", cpu_cores, cpu_cores),
    "memory limit": ("resourceMemoryLimit", "memoryLimit", memory_bytes,
                     lambda gigabytes: memory_bytes(gigabytes, _GIGABYTE)),
    "memory request": ("resourceMemoryRequest", "memoryRequest", memory_bytes,
                       lambda gigabytes: memory_bytes(gigabytes, _GIGABYTE)),
    "accelerator count": ("resourceCount", "count", accelerator_count, accelerator_count),
}


@dataclass(frozen=True)
class TaskResources:
    cpu_limit: float | None = None
    memory_limit: int | None = None
    cpu_request: float = 0.0       # what admission reserves: the request, else the limit
    memory_request: int = 0
    accelerator_type: str = ""
    accelerators: int = 0

    @property
    def requests_anything(self) -> bool:
        return bool(self.cpu_request or self.memory_request or self.accelerators)


def task_resources(resources: dict[str, Any], parameters: dict[str, Any], context: TaskContext) -> TaskResources:
    """Raises QuantityError naming the field and its value."""
    def quantity(label: str, spec: dict[str, Any]) -> Any:
        string_key, number_key, parse_text, parse_number = _FIELDS[label]
        try:
            if spec.get(string_key) not in (None, ""):
                return parse_text(_filled(spec[string_key], parameters, context))
            if spec.get(number_key) not in (None, ""):
                return parse_number(spec[number_key])
        except QuantityError as exc:
            raise QuantityError(f"{label}: {exc}") from None
        return None

    accelerator = (resources.get("accelerator") or {}) if isinstance(resources, dict) else None
    if not isinstance(resources, dict) or not isinstance(accelerator, dict):
        raise QuantityError(f"resources {str(resources)[:80]!r} are not a mapping of quantities")
    cpu_limit = quantity("CPU limit", resources)
    cpu_request = quantity("CPU request", resources)
    memory_limit = quantity("memory limit", resources)
    memory_request = quantity("memory request", resources)
    return TaskResources(
        cpu_limit=cpu_limit or None, memory_limit=memory_limit or None,
        cpu_request=(cpu_limit or 0.0) if cpu_request is None else cpu_request,
        memory_request=(memory_limit or 0) if memory_request is None else memory_request,
        accelerator_type=str(accelerator.get("resourceType") or accelerator.get("type") or ""),
        accelerators=quantity("accelerator count", accelerator) or 0)


def _filled(value: Any, parameters: dict[str, Any], context: TaskContext) -> Any:
    if not isinstance(value, str):
        return value
    filled = resolve_constant(value, parameters, context)
    if "{{$" in filled:
        raise QuantityError(f"{value!r} names an input the task does not have")
    return filled
