"""Pipeline Workbench: design, compile and run Kubeflow Pipelines. Nothing heavy is imported here."""

__version__ = "0.1.0"
