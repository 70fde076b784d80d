"""The desktop editor. The only package that imports PySide6 / pyqtgraph; everything here is a view
or controller over a `PipelineGraph`, never the owner of pipeline state."""

from workbench.gui.pyside_compat import make_none_immortal

make_none_immortal()
