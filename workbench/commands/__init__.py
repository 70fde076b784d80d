"""Sub-commands of the `workbench` CLI, one module per area, each with `register(subparsers)`."""
