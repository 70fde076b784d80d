"""The canvas scene: binds graph changes to items (items never read the graph themselves) and
routes mouse gestures to the interactions."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSceneMouseEvent

from workbench.gui.canvas.edges import EdgeItem
from workbench.gui.canvas.frames import GroupFrameItem
from workbench.gui.canvas.interactions import ConnectDrag, MoveGesture
from workbench.gui.canvas.items import NodeItem, PortItem
from workbench.gui.canvas.style import GROUP_HEADER, GROUP_PADDING, NODE_WIDTH, type_color
from workbench.gui.editor_document import EditorDocument
from workbench.model.expressions import render

EDGE_KINDS = ("output", "collected", "loop_item")


SHOWN_ON_NODE = ("constant", "parameter", "template", "one_of")


def _describe_value(binding, node_names: dict[str, str]) -> str:
    """Inputs fed without an edge show their value next to the port name."""
    if binding.kind == "parameter":
        return f"{{{binding.parameter}}}"
    return binding.describe(node_names)


class PipelineScene(QGraphicsScene):
    status_message = Signal(str)
    quick_add_requested = Signal(QPointF, object)  # scene position, (node id, output) or None

    snap_to_grid = True  # moved nodes land on the grid; View > Snap to Grid switches it for all canvases

    def __init__(self, document: EditorDocument, parent=None):
        super().__init__(parent)
        self.document = document
        self.nodes: dict[str, NodeItem] = {}
        self.frames: dict[str, GroupFrameItem] = {}
        self.edges: dict[tuple[str, str], EdgeItem] = {}
        self.frames_frozen = False
        self.overview = False  # set by the view from its zoom (set_overview)
        self.edge_cache = QGraphicsItem.CacheMode.NoCache
        self._gesture: ConnectDrag | MoveGesture | None = None
        self.rebuild()
        document.graph_changed.connect(self._on_graph_changed)

    # ----- building ----------------------------------------------------------------------------

    def rebuild(self) -> None:
        self.clear()
        self.nodes.clear(), self.frames.clear(), self.edges.clear()
        graph = self.document.graph
        for group_id in graph.groups:
            self._add_frame(group_id)
        for node_id in graph.nodes:
            self._add_node_item(node_id)
        for node_id in graph.nodes:
            self._sync_edges(node_id)
        self.refit_frames()

    def _add_node_item(self, node_id: str) -> None:
        graph = self.document.graph
        node, spec = graph.nodes[node_id], graph.component_of(node_id)
        item = NodeItem(node_id, node.label, spec.name, spec.inputs, spec.outputs)
        item.moved_callback = self._node_item_moved
        self.addItem(item)
        self.nodes[node_id] = item
        self._sync_node(node_id)

    def _add_frame(self, group_id: str) -> None:
        frame = GroupFrameItem(group_id, self.document.graph.groups[group_id].kind)
        self.addItem(frame)
        self.frames[group_id] = frame
        self._sync_frame_text(group_id)

    def _sync_node(self, node_id: str) -> None:
        node, item = self.document.graph.nodes[node_id], self.nodes[node_id]
        names = {n.id: n.name for n in self.document.graph.nodes.values()} if any(
            b.parts for b in node.inputs.values()) else {}
        bound = {k: _describe_value(b, names) for k, b in node.inputs.items() if b.kind in SHOWN_ON_NODE}
        spec = self.document.graph.component_of(node_id)
        subtitle = spec.name if spec.name != node.label else (spec.description or spec.name)
        item.set_text(node.label, subtitle, bound)
        self._place(item, node.position)

    @staticmethod
    def _place(item: NodeItem, position) -> None:
        if (item.pos().x(), item.pos().y()) != tuple(position):
            item.snap = False
            item.setPos(*position)
            item.snap = True

    def _sync_frame_text(self, group_id: str) -> None:
        graph = self.document.graph
        group = graph.groups[group_id]
        names = {n.id: n.name for n in graph.nodes.values()}
        if group.kind == "loop":
            detail = group.items.describe(names) if group.items else "(no items)"
            if group.parallelism:
                detail += f"  \u2016 {group.parallelism}"
        elif group.kind == "condition":
            detail = render(group.condition, names) if group.condition is not None else ""
        else:
            detail = f"then {names.get(group.exit_node, '(no exit task)')}"
        self.frames[group_id].set_text(group.label, detail)

    def _sync_edges(self, node_id: str) -> None:
        """Edges into `node_id` follow its bindings."""
        graph = self.document.graph
        node = graph.nodes[node_id]
        wanted = {name: b for name, b in node.inputs.items() if b.kind in EDGE_KINDS}
        for key in [k for k in self.edges if k[0] == node_id and k[1] not in wanted]:
            self.removeItem(self.edges.pop(key))
        for name, binding in wanted.items():
            source = binding.loop if binding.kind == "loop_item" else binding.node
            output = "item" if binding.kind == "loop_item" else binding.output
            edge = self.edges.get((node_id, name))
            if edge is not None and (edge.source, edge.output) == (source, output):
                continue
            if edge is not None:
                self.removeItem(edge)
            source_node = graph.nodes.get(source)
            out_port = graph.component_of(source).output(output) if source_node else None
            color = type_color(out_port.type if out_port else "String")
            edge = EdgeItem(source, output, node_id, name, color, dashed=binding.kind == "collected")
            edge.setCacheMode(self.edge_cache)
            self.addItem(edge)
            self.edges[(node_id, name)] = edge
            self._route(edge)

    def _source_port(self, edge: EdgeItem) -> PortItem | None:
        if edge.source in self.frames:
            return self.frames[edge.source].item_port
        node = self.nodes.get(edge.source)
        return node.outputs.get(edge.output) if node else None

    def _route(self, edge: EdgeItem) -> None:
        source = self._source_port(edge)
        target = self.nodes[edge.target].inputs.get(edge.input_name)
        if source is None or target is None:
            edge.hide()
            return
        edge.show()
        via = self._collected_port(edge, source) if edge.dashed else None
        edge.set_ends(source.scenePos(), target.scenePos(), via.scenePos() if via is not None else None)

    def _collected_port(self, edge: EdgeItem, source: PortItem) -> PortItem | None:
        """Fan-in leaves through the outermost loop around the producer that the consumer is not in."""
        graph = self.document.graph
        around_target = set(graph.ancestors(edge.target))
        loops = [g for g in graph.ancestors(edge.source) if graph.groups[g].kind == "loop" and g not in around_target]
        if not loops or loops[-1] not in self.frames:
            return None
        frame = self.frames[loops[-1]]
        port = frame.collected_port(edge.source, source.port)
        y = min(max(source.scenePos().y(), frame.rect.top() + GROUP_HEADER + 8), frame.rect.bottom() - 8)
        port.setPos(frame.rect.right(), y)
        return port

    def _reroute_through_frames(self) -> None:
        """Edges that start at or pass through a frame follow it; unused collected ports go."""
        used: dict[str, set[tuple[str, str]]] = {g: set() for g in self.frames}
        for edge in self.edges.values():
            if edge.source in self.frames or edge.dashed:
                self._route(edge)
            if edge.dashed:
                for group_id in self.document.graph.ancestors(edge.source):
                    if group_id in used:
                        used[group_id].add((edge.source, edge.output))
        for group_id, frame in self.frames.items():
            frame.prune_collected(used[group_id])

    # ----- reacting to the graph ---------------------------------------------------------------

    def _on_graph_changed(self, change: str, item_id: str) -> None:
        graph = self.document.graph
        if change == "node-added":
            self._add_node_item(item_id)
            self._sync_edges(item_id)
            self.refit_frames()
        elif change == "node-removed":
            self.removeItem(self.nodes.pop(item_id))
            for key in [k for k, e in self.edges.items() if item_id in (e.source, e.target)]:
                self.removeItem(self.edges.pop(key))
            self.refit_frames()
        elif change == "node-moved":
            self._place(self.nodes[item_id], graph.nodes[item_id].position)
        elif change == "node-changed" and item_id in graph.nodes:
            self._sync_node(item_id)
            self._sync_edges(item_id)
            self._reroute_through_frames()
            for group_id in graph.groups:
                self._sync_frame_text(group_id)
        elif change == "group-added":
            self._add_frame(item_id)
            self.refit_frames()
        elif change == "group-removed":
            self.removeItem(self.frames.pop(item_id))
            self.refit_frames()
        elif change in ("group-changed", "membership"):
            for group_id in graph.groups:
                self._sync_frame_text(group_id)
            self.refit_frames()
        elif change == "component":
            for node_id in graph.nodes:
                if graph.nodes[node_id].component == item_id and item_id in graph.components:
                    spec = graph.component_of(node_id)
                    self.nodes[node_id].set_ports(spec.inputs, spec.outputs)
                    self._sync_node(node_id)

    def _node_item_moved(self, node_id: str) -> None:
        for edge in self.edges.values():
            if node_id in (edge.source, edge.target):
                self._route(edge)
        if not self.frames_frozen:
            self.refit_frames(self.document.graph.ancestors(node_id))

    # ----- frames ------------------------------------------------------------------------------

    def refit_frames(self, group_ids: list[str] | None = None) -> None:
        """Fit frames around their members, innermost first (a parent fits around its children)."""
        graph = self.document.graph
        wanted = graph.groups if group_ids is None else {a for g in group_ids for a in [g, *graph.ancestors(g)]}
        order = sorted(wanted, key=lambda g: -len(graph.ancestors(g)))
        for group_id in order:
            self._fit(group_id)
        self._reroute_through_frames()

    def _fit(self, group_id: str) -> None:
        graph = self.document.graph
        group, frame = graph.groups[group_id], self.frames[group_id]
        rect = QRectF()
        for member in group.members:
            if member in self.nodes:
                rect = rect.united(self.nodes[member].body_rect().adjusted(2, 2, 0, 0))
            elif member in self.frames:
                rect = rect.united(self.frames[member].rect)
        if rect.isNull():
            rect = QRectF(QPointF(*group.position), QRectF(0, 0, NODE_WIDTH, 40).size())
        rect = rect.adjusted(-GROUP_PADDING, -GROUP_PADDING - GROUP_HEADER, GROUP_PADDING, GROUP_PADDING)
        frame.set_rect(rect, len(graph.ancestors(group_id)))

    def group_at(self, point: QPointF) -> str | None:
        """The innermost group whose frame contains the point."""
        graph = self.document.graph
        inside = [g for g, f in self.frames.items() if f.rect.contains(point)]
        return max(inside, key=lambda g: len(graph.ancestors(g)), default=None)

    # ----- queries used by views and gestures --------------------------------------------------

    def item_at(self, pos: QPointF) -> QGraphicsItem | None:
        for item in self.items(pos):
            if isinstance(item, PortItem) and self.overview:
                continue  # not drawn on overview tiles
            if isinstance(item, (NodeItem, PortItem, GroupFrameItem, EdgeItem)):
                return item
        return None

    def port_at(self, pos: QPointF) -> PortItem | None:
        """The port nearest `pos`; none while zoomed out to overview tiles, which draw no ports
        (a press on a tile's edge then moves the task)."""
        if self.overview:
            return None
        ports = [i for i in self.items(QRectF(pos.x() - 8, pos.y() - 8, 16, 16)) if isinstance(i, PortItem)]
        return min(ports, key=lambda p: (p.scenePos() - pos).manhattanLength(), default=None)

    def mark_ports(self, allowed: set[tuple[str, str]] | None) -> None:
        """Highlight inputs in `allowed`, dim the others; None restores every port."""
        for node_id, item in self.nodes.items():
            for port in item.inputs.values():
                if allowed is None:
                    port.set_state(PortItem.NORMAL)
                else:
                    port.set_state(PortItem.HIGHLIGHTED if (node_id, port.name) in allowed else PortItem.DIMMED)

    def selected_ids(self) -> list[str]:
        ids = []
        for item in self.selectedItems():
            if isinstance(item, NodeItem):
                ids.append(item.node_id)
            elif isinstance(item, GroupFrameItem):
                ids.append(item.group_id)
        return ids

    def selected_edges(self) -> list[EdgeItem]:
        return [i for i in self.selectedItems() if isinstance(i, EdgeItem)]

    def select_ids(self, ids: list[str]) -> None:
        self.clearSelection()
        for element in ids:
            item = self.nodes.get(element) or self.frames.get(element)
            if item is not None:
                item.setSelected(True)

    def set_overview(self, on: bool) -> None:
        """The view is zoomed out to overview tiles (canvas/detail.py). Then 800 edges cost a
        500-task repaint most of its time: drawn from pixmaps they are cheap. Zoomed in they are
        long and follow moving nodes, so they are drawn directly."""
        self.overview = on
        self.edge_cache = QGraphicsItem.CacheMode.DeviceCoordinateCache if on else QGraphicsItem.CacheMode.NoCache
        for edge in self.edges.values():
            edge.setCacheMode(self.edge_cache)

    def content_rect(self) -> QRectF:
        rect = QRectF()
        for item in [*self.nodes.values(), *self.frames.values()]:
            rect = rect.united(item.sceneBoundingRect())
        return rect

    def set_run_state(self, task_name: str, state: str, text: str = "") -> None:
        """Show a task's run state in its status strip (runs are not part of the document)."""
        node = self.document.graph.node_by_name(task_name)
        if node is not None and node.id in self.nodes:
            self.nodes[node.id].set_run_state(state, text)

    # ----- mouse -------------------------------------------------------------------------------

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            port = self.port_at(event.scenePos())
            if port is not None and port.is_output:
                self._gesture = ConnectDrag(self, port)
                event.accept()
                return
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            moving = [i for i in self.selectedItems() if isinstance(i, NodeItem)]
            if moving and isinstance(self.item_at(event.scenePos()), NodeItem):
                self._gesture = MoveGesture(self, moving)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if isinstance(self._gesture, ConnectDrag):
            self._gesture.move(event.scenePos())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        gesture, self._gesture = self._gesture, None
        if isinstance(gesture, ConnectDrag):
            gesture.release(event.scenePos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if isinstance(gesture, MoveGesture):
            gesture.release()

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self.item_at(event.scenePos()) is None:
            self.quick_add_requested.emit(event.scenePos(), None)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)
