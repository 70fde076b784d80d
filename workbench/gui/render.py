"""Render a pipeline canvas to PNG or SVG without a window (the Export menu and `workbench render`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPalette
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from workbench.errors import WorkbenchError
from workbench.gui.canvas.style import palette_color

MARGIN = 30
MAX_PIXELS = 12000


def export_scene(scene: QGraphicsScene, path: str | Path, scale: float = 1.5) -> None:
    """Write the scene's content (nodes, frames, edges) as PNG or SVG, chosen by the suffix."""
    path = Path(path)
    content = scene.content_rect()
    if content.isNull():
        content = QRectF(0, 0, 200, 100)
    source = content.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
    scene.clearSelection()
    suffix = path.suffix.lower()
    if suffix == ".svg":
        from PySide6.QtSvg import QSvgGenerator

        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(QSize(int(source.width()), int(source.height())))
        generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
        generator.setTitle(path.stem)
        painter = QPainter(generator)
        _paint(scene, painter, QRectF(0, 0, source.width(), source.height()), source)
        painter.end()
    elif suffix == ".png":
        scale = min(scale, MAX_PIXELS / max(source.width(), source.height()))
        image = QImage(int(source.width() * scale), int(source.height() * scale), QImage.Format.Format_ARGB32)
        image.fill(palette_color(QPalette.ColorRole.Base).darker(104))
        painter = QPainter(image)
        _paint(scene, painter, QRectF(image.rect()), source)
        painter.end()
        if not image.save(str(path)):
            raise WorkbenchError("cannot write the image", path=str(path))
    else:
        raise WorkbenchError("export as .png or .svg", path=str(path))


def _paint(scene: QGraphicsScene, painter: QPainter, target: QRectF, source: QRectF) -> None:
    """Items draw themselves directly (not from their pixmap caches) so SVG keeps text and vectors."""
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(target, palette_color(QPalette.ColorRole.Base).darker(104))
    cached = [(item, item.cacheMode()) for item in scene.items()
              if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for item, _mode in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
    finally:
        for item, mode in cached:
            item.setCacheMode(mode)


def render_document(path: str | Path, out: str | Path) -> None:
    """Open a .wbp or KFP IR YAML and export its canvas; needs a QApplication."""
    from workbench.gui.canvas.scene import PipelineScene
    from workbench.gui.editor_document import EditorDocument
    from workbench.gui.opening import read_document

    graph = read_document(path)
    scene = PipelineScene(EditorDocument(graph))
    export_scene(scene, out)
