"""The pipeline canvas: scene (binds graph changes to items), items, view and interactions."""
