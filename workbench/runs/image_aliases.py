"""Image aliases: run the tasks that name image A in image B (`WORKBENCH_IMAGE_MAP=A=B,C=D`).

For machines that cannot pull the public images a pipeline names: an air-gapped laptop with a
local mirror, or a CI machine with no registry that builds its own base image. The pipeline file
is not changed; only where the task runs.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from typing import Callable

from workbench.errors import RunError
from workbench.runs.backend import LineSink, TaskBackend, TaskLaunch, TaskOutcome

ENVIRONMENT_VARIABLE = "WORKBENCH_IMAGE_MAP"


def parse_aliases(text: str) -> dict[str, str]:
    aliases = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        source, separator, target = entry.partition("=")
        if not separator or not source.strip() or not target.strip():
            raise RunError(f"{ENVIRONMENT_VARIABLE}: {entry!r} is not IMAGE=REPLACEMENT")
        aliases[source.strip()] = target.strip()
    return aliases


class AliasedImages:
    """A TaskBackend that hands the wrapped backend the replacement image of each task."""

    def __init__(self, backend: TaskBackend, aliases: dict[str, str]):
        self._backend = backend
        self.aliases = aliases
        self.name = backend.name

    def image(self, name: str) -> str:
        return self.aliases.get(name, name)

    def check(self) -> None:
        self._backend.check()

    def prepare(self, images_and_packages: set[tuple[str, tuple[str, ...]]], progress: Callable[[str], None]) -> None:
        for image in sorted({image for image, _ in images_and_packages if image in self.aliases}):
            progress(f"running tasks of {image} in {self.aliases[image]} ({ENVIRONMENT_VARIABLE})")
        self._backend.prepare({(self.image(i), p) for i, p in images_and_packages}, progress)

    def run_task(self, launch: TaskLaunch, on_line: LineSink, cancel: threading.Event) -> TaskOutcome:
        return self._backend.run_task(dataclasses.replace(launch, image=self.image(launch.image)), on_line, cancel)

    def cleanup_run(self, run_id: str) -> int:
        return self._backend.cleanup_run(run_id)

    def gpu_count(self) -> int:
        report = getattr(self._backend, "gpu_count", None)
        return report() if callable(report) else 0

    # PVCs (Docker backend only): the image that opens a new volume is aliased like a task's
    def create_volume(self, name: str, run_id: str, image: str) -> None:
        self._backend.create_volume(name, run_id, self.image(image))  # type: ignore[attr-defined]

    def volume_exists(self, name: str) -> bool:
        return self._backend.volume_exists(name)  # type: ignore[attr-defined]

    def remove_volume(self, name: str) -> bool:
        return self._backend.remove_volume(name)  # type: ignore[attr-defined]


def with_aliases_from_environment(backend: TaskBackend) -> TaskBackend:
    aliases = parse_aliases(os.environ.get(ENVIRONMENT_VARIABLE, ""))
    return AliasedImages(backend, aliases) if aliases else backend
