"""A run's state drawn on its canvas: node badges, loop progress with an iteration picker, the
branch a condition took, and the run's progress for the status bar.

The overlay owns no document state: it reads the RunSession and paints through
`scene.set_run_state` (node status strips) and small badges it parents to the group frames.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QMenu

from workbench.gui.canvas.style import GROUP_HEADER, NODE_WIDTH, STATE_COLORS
from workbench.gui.runs import task_paths
from workbench.gui.runs.session import TERMINAL, RunSession, TaskView
from workbench.runs.engine.admission import wait_title
from workbench.runs.task_names import ITEM_LIMIT, elide

_PRIORITY = ("running", "failed", "cancelled", "pending", "succeeded", "cached", "skipped")


def combined_state(states: list[str]) -> str:
    """One state for several occurrences of a task (its loop iterations)."""
    if not states:
        return ""
    if len(set(states)) == 1:
        return states[0]
    if "running" in states or ("pending" in states and any(s in TERMINAL for s in states)):
        return "running"
    return next(state for state in _PRIORITY if state in states)


def waiting_text(tasks: list[TaskView]) -> str:
    """Why pending occurrences wait (the scheduler's reason, e.g. "waiting for CPU"), or ""."""
    kinds = [t.details.get("waiting_for") for t in tasks if t.state == "pending" and t.message]
    return next((wait_title(kind) for kind in kinds if kind), "")


def iteration_text(index: int, label: str, state: str) -> str:
    """A loop picker entry: the iteration's item, elided ("lr=0.1, epochs=20: succeeded")."""
    shown = elide(label, ITEM_LIMIT) if label != f"#{index}" else f"Iteration {index}"
    return f"{shown}: {state}".replace("&", "&&")  # a lone & would underline the next letter


def duration_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds}s" if seconds < 60 else f"{seconds // 60}m{seconds % 60:02d}s"


def _fit(text: str) -> str:
    """The text elided to the width of a node's status strip."""
    return QFontMetricsF(QFont()).elidedText(text, Qt.TextElideMode.ElideRight, NODE_WIDTH - 14)


class FrameBadge(QGraphicsObject):
    """A pill in a group frame's header: loop progress or the branch taken. A loop's badge opens
    a menu to pick which iteration the node badges inside show."""

    picked = Signal(object)  # iteration index, or None for all iterations

    def __init__(self, frame: QGraphicsItem):
        super().__init__(frame)
        self.frame = frame
        self.text, self.color = "", QColor("#607d8b")
        self.label_font = QFont()
        self.iterations: list[tuple[int, str, str]] = []  # (index, state, item label) for the picker
        self.setZValue(50)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresParentOpacity)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_badge(self, text: str, color: str, detail: str = "") -> None:
        """`detail`: more for the tooltip (why a branch was not taken)."""
        self.prepareGeometryChange()
        self.text, self.color = text, QColor(color)
        self.setToolTip(text + (f"\n{detail}" if detail else "")
                        + ("\nclick to pick an iteration" if self.iterations else ""))
        self.place()
        self.update()

    def _size(self) -> tuple[float, float]:
        return QFontMetricsF(self.label_font).horizontalAdvance(self.text) + 16, 18.0

    def place(self) -> None:
        rect = self.frame.rect
        width, _ = self._size()
        self.setPos(rect.right() - width - 10, rect.top() + (GROUP_HEADER - 8 - 18) / 2 + 2)

    def boundingRect(self) -> QRectF:
        width, height = self._size()
        return QRectF(0, 0, width, height)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if not self.text:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.color)
        painter.drawRoundedRect(self.boundingRect(), 9, 9)
        painter.setPen(QColor("white"))
        painter.setFont(self.label_font)
        painter.drawText(self.boundingRect(), Qt.AlignmentFlag.AlignCenter, self.text)

    def mousePressEvent(self, event) -> None:
        if not self.iterations:
            return super().mousePressEvent(event)
        self.picker().exec(event.screenPos())
        event.accept()

    def picker(self) -> QMenu:
        """The iteration picker: every iteration by its loop item, with its state."""
        menu = QMenu()
        menu.setToolTipsVisible(True)
        menu.addAction("All iterations", lambda: self.picked.emit(None))
        menu.addSeparator()
        for index, state, label in self.iterations:
            action = menu.addAction(iteration_text(index, label, state), lambda i=index: self.picked.emit(i))
            action.setToolTip(f"iteration {index}: {label}")
        return menu


class StatusOverlay(QObject):
    """Binds one RunSession to one DocumentTab's scene until `detach()`."""

    progress_text = Signal(str)

    def __init__(self, scene, session: RunSession, parent: QObject | None = None):
        super().__init__(parent)
        self.scene, self.session = scene, session
        session.use_document(scene.document.graph)  # loops and conditions by the frames' names
        self.groups: dict[str, str] = {}  # IR group name -> document group id
        self.badges: dict[str, FrameBadge] = {}
        self.picked_iteration: dict[str, int | None] = {}  # document loop id -> iteration shown
        self.tooltips: set[str] = set()  # node ids whose tooltip this overlay set
        self.timer = QTimer(self)
        self.timer.setInterval(1000)  # running badges count their elapsed seconds
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        scene.destroyed.connect(self.timer.stop)  # its tab was closed: nothing left to paint on
        self.refresh()

    def detach(self) -> None:
        self.timer.stop()
        for badge in self.badges.values():
            if badge.scene() is not None:
                badge.scene().removeItem(badge)
        self.badges.clear()
        for node_id, item in self.scene.nodes.items():
            item.set_run_state("", "")
            if node_id in self.tooltips:
                item.setToolTip("")

    # ----- reading the session --------------------------------------------------------------

    def _visible(self, task: TaskView) -> bool:
        """False for occurrences in a loop iteration other than the one picked for that loop."""
        for name, index in task_paths.group_path(task.task_id):
            group_id = self.groups.get(name)
            chosen = self.picked_iteration.get(group_id) if group_id else None
            if index is not None and chosen is not None and index != chosen:
                return False
        return True

    def node_states(self) -> dict[str, tuple[str, str, str]]:
        """Node name -> (state, status strip text, tooltip) over the occurrences shown."""
        by_name: dict[str, list[TaskView]] = {}
        for task in self.session.tasks.values():
            if self._visible(task):
                by_name.setdefault(task.task_name, []).append(task)
        now = time.time()
        shown = {}
        for name, tasks in by_name.items():
            state = combined_state([t.state for t in tasks])
            text = state
            if state == "running":
                started = [t.start for t in tasks if t.start is not None and t.state == "running"]
                text = f"running {duration_text(now - min(started))}" if started else "running"
            elif state in ("succeeded", "failed") and len(tasks) == 1 and tasks[0].start and tasks[0].end:
                text = f"{state} in {duration_text(tasks[0].end - tasks[0].start)}"
            elif state == "skipped" and len(tasks) == 1 and self.session.reason(tasks[0].task_id):
                text = f"skipped: {self.session.reason(tasks[0].task_id)}"
            elif state == "pending":
                text = waiting_text(tasks) or text
            if len(tasks) > 1:
                done = sum(t.state in TERMINAL for t in tasks)
                text += f" \u00b7 {done}/{len(tasks)}"
            tooltip = f"{self.session.display_name(tasks[0].task_id)} \u2014 {text}"
            failed = next((t for t in tasks if t.state == "failed"), None)
            if failed is not None and self.session.reason(failed.task_id):
                exception = failed.details.get("exception")
                text = f"failed: {exception}" if exception and len(tasks) == 1 else text
                tooltip += f"\n{self.session.reason(failed.task_id)}\n(the Step tab shows the whole error)"
            elif state == "cached" and len(tasks) == 1 and self.session.cached_from(tasks[0].task_id):
                tooltip += f"\n{self.session.cached_from(tasks[0].task_id)}"
            shown[name] = (state, _fit(text), tooltip)
        return shown

    def loop_progress(self, loop_name: str) -> tuple[str, list[tuple[int, str]]]:
        """("5/8 done, 1 failed", [(iteration, state)]) of one loop, from its tasks' states."""
        per_iteration: dict[int, list[str]] = {}
        total = 0
        for task in self.session.tasks.values():
            if task.task_name == loop_name and task.details.get("iterations") is not None:
                total = max(total, int(task.details["iterations"]))
            index = task_paths.iteration_of(task.task_id, loop_name)
            if index is not None:
                per_iteration.setdefault(index, []).append(task.state)
        states = sorted((index, combined_state(found)) for index, found in per_iteration.items())
        total = max(total, len(states))
        done = sum(state in ("succeeded", "cached", "skipped") for _, state in states)
        failed = sum(state in ("failed", "cancelled") for _, state in states)
        text = f"{done}/{total} done" + (f", {failed} failed" if failed else "")
        return text, states

    def branch_state(self, condition_name: str) -> str:
        states = [t.state for t in self.session.tasks.values() if t.task_name == condition_name]
        return combined_state(states)

    # ----- painting -------------------------------------------------------------------------

    def refresh(self) -> None:
        self.groups.update(task_paths.map_groups(self.scene.document.graph, self.session.tasks))
        states = self.node_states()
        for node in self.scene.document.graph.nodes.values():
            state, text, tooltip = states.get(node.name, ("", "", ""))
            item = self.scene.nodes.get(node.id)
            if item is not None and (item.run_state, item.run_text) != (state, text):
                self.scene.set_run_state(node.name, state, text)
            if item is not None and tooltip and item.toolTip() != tooltip:
                item.setToolTip(tooltip)
                self.tooltips.add(node.id)
        for ir_name, group_id in self.groups.items():
            self._paint_group(ir_name, group_id)
        self.session.changed_tasks.clear()
        self.progress_text.emit(self.summary())
        if self.session.finished:
            self.timer.stop()

    def _paint_group(self, ir_name: str, group_id: str) -> None:
        frame = self.scene.frames.get(group_id)
        if frame is None:
            return
        badge = self.badges.get(group_id)
        if badge is None or badge.scene() is None:
            badge = self.badges[group_id] = FrameBadge(frame)
            badge.picked.connect(lambda index, g=group_id: self.pick_iteration(g, index))
        if ir_name.startswith("for-loop-") and self.branch_state(ir_name) == "skipped":
            badge.iterations = []
            badge.set_badge("skipped", STATE_COLORS["skipped"], self._reason_of(ir_name))
        elif ir_name.startswith("for-loop-"):
            text, iterations = self.loop_progress(ir_name)
            names = self.session.names
            badge.iterations = [(index, state, names.loop_item(ir_name, index)) for index, state in iterations]
            chosen = self.picked_iteration.get(group_id)
            if chosen is not None:
                text += f" \u00b7 showing {elide(names.loop_item(ir_name, chosen), ITEM_LIMIT)}"
            failed = any(state in ("failed", "cancelled") for _, state in iterations)
            badge.set_badge(text, STATE_COLORS["failed"] if failed else STATE_COLORS["running"])
        elif ir_name.startswith("condition-"):
            state = self.branch_state(ir_name)
            if state in ("running", "succeeded", "failed", "cached"):
                badge.set_badge("\u2713 branch taken", STATE_COLORS["succeeded"])
            elif state == "skipped":
                badge.set_badge("not taken", STATE_COLORS["skipped"], self._reason_of(ir_name))
            else:
                badge.set_badge(state or "pending", STATE_COLORS.get(state, "#9e9e9e"))
        else:
            state = self.branch_state(ir_name)
            badge.set_badge(state or "pending", STATE_COLORS.get(state, "#9e9e9e"))

    def _reason_of(self, group_name: str) -> str:
        """Why a group task (a loop, a condition branch) was skipped, with display names."""
        task = next((t for t in self.session.tasks.values() if t.task_name == group_name and t.state == "skipped"), None)
        return f"skipped: {self.session.reason(task.task_id)}" if task and self.session.reason(task.task_id) else ""

    def pick_iteration(self, group_id: str, index: int | None) -> None:
        self.picked_iteration[group_id] = index
        self.refresh()

    def summary(self) -> str:
        done, running, total = self.session.progress()
        elapsed = duration_text(self.session.elapsed())
        head = f"Run {self.session.run_id}: "
        if self.session.finished:
            detail = self.session.outcome_detail()
            return head + f"{self.session.state} after {elapsed}" + (f" \u2014 {detail}" if detail else "")
        return head + f"{done}/{total} tasks done, {running} running, {elapsed}"
