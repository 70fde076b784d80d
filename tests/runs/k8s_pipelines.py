"""Container components for the kfp-kubernetes pipelines the local Kubernetes tests compile."""

from __future__ import annotations


def shell_component(image: str, script: str, name: str = "shell"):
    """A container component `name` running `script` with sh in `image`."""
    from kfp import dsl

    def component():
        return dsl.ContainerSpec(image=image, command=["sh", "-c", script])
    component.__name__ = component.__qualname__ = name
    return dsl.container_component(component)
