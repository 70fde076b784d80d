"""The Qt-free pipeline document: what the canvas edits, the compiler reads and the importer writes.

Import from the submodules (`document`, `bindings`, `expressions`, `serialize`, `validate`,
`types`); this package module stays empty so `components` can use `model.types` without a cycle.
"""
