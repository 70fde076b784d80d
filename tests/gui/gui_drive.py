"""Real input for GUI tests: mouse gestures on a view's viewport and key clicks, in scene terms."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

LEFT = Qt.MouseButton.LeftButton


def view_point(view, scene_pos: QPointF) -> QPoint:
    return view.mapFromScene(scene_pos)


def drag(view, start: QPointF, end: QPointF, steps: int = 6, modifier=Qt.KeyboardModifier.NoModifier,
         button=LEFT) -> None:
    """Press at `start`, move in steps, release at `end` (scene coordinates)."""
    viewport = view.viewport()
    a, b = view_point(view, start), view_point(view, end)
    QTest.mousePress(viewport, button, modifier, a)
    for i in range(1, steps + 1):
        QTest.mouseMove(viewport, QPoint(a.x() + (b.x() - a.x()) * i // steps, a.y() + (b.y() - a.y()) * i // steps))
    QTest.mouseRelease(viewport, button, modifier, b)


def click(view, scene_pos: QPointF, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.mouseClick(view.viewport(), LEFT, modifier, view_point(view, scene_pos))


def double_click(view, scene_pos: QPointF) -> None:
    QTest.mouseDClick(view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, view_point(view, scene_pos))


def port_pos(scene, node_id: str, name: str, output: bool) -> QPointF:
    item = scene.nodes[node_id]
    return (item.outputs if output else item.inputs)[name].scenePos()


def node_header(scene, node_id: str) -> QPointF:
    item = scene.nodes[node_id]
    return item.scenePos() + QPointF(60, 12)


def frame_point(tab, group_id: str) -> QPointF:
    """A point of a group's frame that no task covers (a new, empty branch may lie under tasks)."""
    frame = tab.scene.frames[group_id]
    rect = frame.rect
    points = (QPointF(rect.left() + dx, rect.top() + dy) for dy in range(6, int(rect.height()), 8)
              for dx in range(10, int(rect.width()), 10))
    return next(p for p in points if tab.scene.item_at(p) is frame)


def node_named(graph, name: str) -> str:
    return graph.node_by_name(name).id


def inspector_widgets(window, cls) -> list:
    """Widgets of type `cls` on the inspector's page, once its deferred rebuild has run."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    page = window.inspector.page
    return ([page] if isinstance(page, cls) else []) + page.findChildren(cls)


def inspector_widget(window, cls):
    found = inspector_widgets(window, cls)
    return found[0] if found else None
