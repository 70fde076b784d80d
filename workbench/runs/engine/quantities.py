"""Kubernetes resource quantities (`500m`, `2`, `1.5`, `512Mi`, `1G`, `1e3`) as numbers.

The grammar is the API server's: an unsigned decimal, then a binary suffix (Ki..Ei), a decimal
suffix (n, u, m, k/K, M, G, T, P, E) or an exponent (`e3`, `E-2`). Anything else (`2 cores`,
`-1`, `1Zi`, NaN, infinity) and sizes no machine has are refused with the value in the message,
so a task fails by name before it starts instead of deep inside a backend.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_CEILING, Decimal, InvalidOperation

_QUANTITY = re.compile(r"\+?(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
                       r"(?:(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkKMGTPE])|[eE](?P<exponent>[+-]?[0-9]{1,3}))?")
_SUFFIXES = {
    "": Decimal(1), "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"),
    "k": Decimal(10) ** 3, "K": Decimal(10) ** 3, "M": Decimal(10) ** 6, "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12, "P": Decimal(10) ** 15, "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30, "Ti": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50, "Ei": Decimal(2) ** 60,
}
_MAX_TEXT = 64
MAX_CPUS = Decimal(100_000)       # more cores than any single machine
MAX_BYTES = Decimal(2) ** 60      # 1 EiB
MAX_ACCELERATORS = Decimal(1_024)


class QuantityError(ValueError):
    """A resource value that is not a usable quantity; the message names the value."""


def parse_quantity(value: object) -> Decimal:
    """A non-negative, finite quantity; numbers from the IR (`cpuLimit: 0.5`) are accepted too."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise QuantityError(f"{value!r} is not a quantity")
    if isinstance(value, float) and not math.isfinite(value):
        raise QuantityError(f"{value!r} is not a finite quantity")
    text = repr(value) if isinstance(value, float) else str(value)
    match = _QUANTITY.fullmatch(text) if len(text) <= _MAX_TEXT else None
    if match is None:
        raise QuantityError(f"{str(value)[:_MAX_TEXT]!r} is not a quantity "
                            "(a number such as 2, 0.5, 500m, 512Mi or 1G)")
    try:
        number = Decimal(match["number"])
        if match["exponent"] is not None:
            return number.scaleb(int(match["exponent"]))
        return number * _SUFFIXES[match["suffix"] or ""]
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only plain decimals
        raise QuantityError(f"{text!r} is not a quantity") from exc


def _bounded(value: object, what: str, maximum: Decimal, most: str, scale: Decimal = Decimal(1)) -> Decimal:
    quantity = parse_quantity(value) * scale
    if quantity > maximum:
        raise QuantityError(f"{what} {str(value)[:_MAX_TEXT]!r} is larger than any machine (at most {most})")
    return quantity


def cpu_cores(value: object) -> float:
    """Cores: `500m` -> 0.5, `2` -> 2.0."""
    return float(_bounded(value, "CPU", MAX_CPUS, "100,000 cores"))


def memory_bytes(value: object, scale: Decimal = Decimal(1)) -> int:
    """Bytes, rounded up as Kubernetes does: `512Mi` -> 536870912, `1G` -> 10**9. `scale` is for
    the IR's numeric `memoryLimit` / `memoryRequest` fields, which are in gigabytes."""
    quantity = _bounded(value, "memory", MAX_BYTES, "1Ei", scale)
    return int(quantity.to_integral_value(rounding=ROUND_CEILING))


def accelerator_count(value: object) -> int:
    """A whole number of devices: `1`, `2`; `0.5` or `2k` devices are refused."""
    count = _bounded(value, "accelerator count", MAX_ACCELERATORS, "1,024")
    if count != count.to_integral_value():
        raise QuantityError(f"accelerator count {value!r} is not a whole number")
    return int(count)
