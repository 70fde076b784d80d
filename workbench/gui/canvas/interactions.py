"""Mouse gestures on the canvas as small state machines. Each ends in at most one document edit."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsPathItem

from workbench.gui.canvas.edges import curve
from workbench.gui.canvas.items import NodeItem, PortItem
from workbench.gui.connections import compatible_inputs
from workbench.model.bindings import Binding


class ConnectDrag:
    """Press on an output port, drag, release on an input port. While dragging, compatible inputs
    highlight and the rest dim; the release connects, explains a refusal, or asks for quick-add."""

    def __init__(self, scene, port: PortItem):
        self.scene, self.port = scene, port
        self.start = port.scenePos()
        self.line = QGraphicsPathItem()
        pen = QPen(port.color, 2, Qt.PenStyle.DashLine)
        self.line.setPen(pen)
        self.line.setZValue(100)
        scene.addItem(self.line)
        self.allowed = self._allowed_inputs()
        scene.mark_ports(self.allowed)

    def _allowed_inputs(self) -> set[tuple[str, str]]:
        graph = self.scene.document.graph
        if self.port.kind == "loop_item":
            inside = set(graph.nodes_in(self.port.owner))
            return {(n, p.name) for n in inside for p in graph.component_of(n).inputs if not p.is_artifact}
        return compatible_inputs(graph, self.port.owner, self.port.name)

    def move(self, pos: QPointF) -> None:
        self.line.setPath(curve(self.start, pos))

    def release(self, pos: QPointF) -> None:
        self.scene.removeItem(self.line)
        self.scene.mark_ports(None)
        target = self.scene.port_at(pos)
        if target is None or target.is_output:
            if self.scene.item_at(pos) is None and self.port.kind != "loop_item":
                self.scene.quick_add_requested.emit(pos, (self.port.owner, self.port.name))
            return
        self._connect(target)

    def _connect(self, target: PortItem) -> None:
        document = self.scene.document
        if self.port.kind == "loop_item":
            if (target.owner, target.name) not in self.allowed:
                self.scene.status_message.emit("the loop item can only feed parameter inputs of tasks inside the loop")
                return
            document.set_binding(target.owner, target.name, Binding.loop_item(self.port.owner))
            return
        problem = document.connect_ports(self.port.owner, self.port.name, target.owner, target.name)
        self.scene.status_message.emit(f"Cannot connect: {problem}" if problem else
                                       f"Connected {self.port.name} \u2192 {target.name}")


class MoveGesture:
    """Nodes dragged together: one undo step with their new positions and, for nodes dropped into
    or out of a frame, their new group (frames hold still while the drag lasts)."""

    def __init__(self, scene, items: list[NodeItem]):
        self.scene = scene
        self.start = {item.node_id: (item.pos().x(), item.pos().y()) for item in items}
        scene.frames_frozen = True

    def release(self) -> None:
        scene = self.scene
        scene.frames_frozen = False
        graph = scene.document.graph
        moves, membership = {}, {}
        for node_id, old in self.start.items():
            item = scene.nodes.get(node_id)
            if item is None:
                continue
            new = (item.pos().x(), item.pos().y())
            if new != old:
                moves[node_id] = (tuple(graph.nodes[node_id].position), new)
                membership[node_id] = scene.group_at(item.sceneBoundingRect().center())
        if moves:
            scene.document.move_nodes(moves, membership)
        scene.refit_frames()
