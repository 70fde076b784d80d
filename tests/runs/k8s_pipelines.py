"""Pipelines compiled in the tests with kfp-kubernetes, for the local Kubernetes emulation."""

from __future__ import annotations

from pathlib import Path
from typing import Callable


def compile_pipeline(build: Callable[[], None], folder: Path) -> str:
    """Compile the @dsl.pipeline `build` to IR text."""
    from kfp import compiler

    path = folder / "pipeline.yaml"
    compiler.Compiler().compile(build, str(path))
    return path.read_text()


def shell_component(image: str, script: str):
    """A container component running `script` with sh in `image`."""
    from kfp import dsl

    @dsl.container_component
    def shell():
        return dsl.ContainerSpec(image=image, command=["sh", "-c", script])
    return shell
