"""The desktop editor. The only package that imports PySide6 / pyqtgraph; everything here is a view
or controller over a `PipelineGraph`, never the owner of pipeline state."""
