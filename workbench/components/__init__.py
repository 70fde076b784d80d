"""Component definitions: the KFP component spec a node runs, and where components come from."""

from workbench.components.spec import ComponentSpec, Port, PythonSource

__all__ = ["ComponentSpec", "Port", "PythonSource"]
