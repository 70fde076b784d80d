"""Right-click menus: on the canvas (background, task, frame, edge) and on a run-history row.

Every entry triggers one of the window's actions, a DocumentTab / EditorDocument edit or a history
view method, so each entry has a working, undoable action behind it and nothing is implemented
twice. An entry that cannot apply is shown disabled with the reason as its tooltip. Right-click on
an item that is not selected selects it first, as in every editor; on a selected one the selection
stays, so Delete, Duplicate and Wrap act on all of it.
"""

from __future__ import annotations

import copy
from typing import Callable

from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QWidget

from workbench.gui.canvas.edges import EdgeItem
from workbench.gui.canvas.frames import GroupFrameItem
from workbench.gui.canvas.items import NodeItem, PortItem
from workbench.gui.clipboard import parse_fragment

WRAPS = (("wrap_loop", "loop"), ("wrap_condition", "condition"), ("wrap_exit_handler", "exit_handler"))
NO_RUN = "No run is shown on this canvas: run the pipeline (F5) or open a run from Run History"


def new_menu(parent: QWidget) -> QMenu:
    menu = QMenu(parent)
    menu.setToolTipsVisible(True)
    return menu


def add_entry(menu: QMenu, text: str, slot: Callable[[], object], problem: str | None = None,
              like: QAction | None = None) -> QAction:
    """An entry calling `slot`; disabled with `problem` as tooltip. `like` lends icon and shortcut text."""
    if like is not None and not like.shortcut().isEmpty():
        text += "\t" + like.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action = menu.addAction(text)
    if like is not None:
        action.setIcon(like.icon())
    action.setEnabled(problem is None)
    if problem:
        action.setToolTip(problem)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def window_entry(menu: QMenu, window, name: str, problem: str | None = None, text: str = "") -> QAction:
    """An entry that triggers the window's action `name` (menus, toolbar and shortcut do the same)."""
    source = window.actions_by_name[name]
    return add_entry(menu, text or source.text(), source.trigger, problem, source)


# ----- canvas ----------------------------------------------------------------------------------


class CanvasMenus:
    """The canvas menus of one window; `attach` each new tab."""

    def __init__(self, window):
        self.window = window

    def attach(self, tab) -> None:
        tab.view.context_menu_requested.connect(lambda at, scene_pos, keyboard, t=tab: self.popup(
            t, at, scene_pos, keyboard))

    def popup(self, tab, at: QPoint, scene_pos: QPointF, keyboard: bool = False) -> None:
        """The menu at the mouse; from the keyboard, at the first selected item (else the view's centre)."""
        if keyboard:
            scene_pos = self.selection_anchor(tab)
            at = tab.view.viewport().mapToGlobal(tab.view.mapFromScene(scene_pos))
        menu = self.menu_for(tab, scene_pos)
        menu.exec(at)
        menu.deleteLater()

    def menu_for(self, tab, scene_pos: QPointF) -> QMenu:
        """The menu for what lies at `scene_pos`, after selecting it if it was not selected."""
        item = tab.scene.item_at(scene_pos)
        if isinstance(item, PortItem):
            item = item.parentItem()
        menu = new_menu(tab)
        if isinstance(item, NodeItem):
            self._select(tab, item.node_id)
            self._task_entries(menu, tab, item.node_id)
        elif isinstance(item, GroupFrameItem):
            self._select(tab, item.group_id)
            self._frame_entries(menu, tab, item.group_id)
        elif isinstance(item, EdgeItem):
            if not item.isSelected():
                tab.scene.clearSelection()
                item.setSelected(True)
            window_entry(menu, self.window, "delete", text="Delete Connection")
        else:
            self._background_entries(menu, tab, scene_pos)
        return menu

    @staticmethod
    def selection_anchor(tab) -> QPointF:
        """A scene point on the first selected item (a task's or frame's title, an edge's middle)."""
        scene = tab.scene
        for item in scene.selectedItems():
            if isinstance(item, NodeItem):
                return item.scenePos() + QPointF(20, 10)
            if isinstance(item, GroupFrameItem):
                return item.header_rect().topLeft() + QPointF(20, 10)
            if isinstance(item, EdgeItem):
                return item.path().pointAtPercent(0.5)
        return tab.view.mapToScene(tab.view.viewport().rect().center())

    @staticmethod
    def _select(tab, element: str) -> None:
        if element not in tab.scene.selected_ids():
            tab.scene.select_ids([element])

    # ----- background --------------------------------------------------------------------------

    def _background_entries(self, menu: QMenu, tab, scene_pos: QPointF) -> None:
        add_entry(menu, "Add Component Here\u2026", lambda: tab.open_quick_add(scene_pos, None))
        fragment = parse_fragment(QGuiApplication.clipboard().text())
        add_entry(menu, "Paste Here", lambda: tab.paste(at=scene_pos),
                  None if fragment and fragment["nodes"] else "The clipboard holds no pipeline tasks: copy some first",
                  self.window.actions_by_name["paste"])
        menu.addSeparator()
        window_entry(menu, self.window, "select_all")
        window_entry(menu, self.window, "fit")

    # ----- task --------------------------------------------------------------------------------

    def _task_entries(self, menu: QMenu, tab, node_id: str) -> None:
        add_entry(menu, "Rename\u2026", lambda: self.rename(tab, node_id))
        add_entry(menu, "Run from Here", lambda: self._run_from(tab, node_id), self._run_from_problem(),
                  self.window.actions_by_name["rerun_from_task"])
        add_entry(menu, "View Logs", lambda: self.view_logs(tab, node_id), self._task_of_run(tab, node_id)[1])
        menu.addSeparator()
        window_entry(menu, self.window, "duplicate")
        window_entry(menu, self.window, "delete")
        menu.addSeparator()
        selected = tab.selected()
        for name, kind in WRAPS:
            window_entry(menu, self.window, name, tab.document.wrap_problem(selected, kind))
        menu.addSeparator()
        nodes = [n for n in selected if n in tab.document.graph.nodes]
        caching = add_entry(menu, "Disable Caching", lambda: self.toggle_caching(tab, nodes))
        caching.setCheckable(True)
        caching.setChecked(all(not tab.document.graph.nodes[n].options.caching for n in nodes))
        caching.setToolTip("Always run the selected task(s), never reuse a cached result")

    def rename(self, tab, node_id: str) -> None:
        """A new display name (one undo step); an empty name shows the task name again."""
        node = tab.document.graph.nodes[node_id]
        text, accepted = QInputDialog.getText(self.window, "Rename task",
                                              f"Display name of {node.name} (empty: show the task name):",
                                              QLineEdit.EchoMode.Normal, node.label)
        if accepted and node_id in tab.document.graph.nodes:
            text = text.strip()
            tab.document.update_node(node_id, "Rename task", display_name="" if text == node.name else text)

    @staticmethod
    def toggle_caching(tab, node_ids: list[str]) -> None:
        """Switch caching for the tasks as one undo step: off unless all of them have it off already."""
        graph, document = tab.document.graph, tab.document
        caching = all(not graph.nodes[n].options.caching for n in node_ids)
        document.undo_stack.beginMacro("Enable caching" if caching else "Disable caching")
        for node_id in node_ids:
            options = copy.deepcopy(graph.nodes[node_id].options)
            options.caching = caching
            document.update_node(node_id, "Edit task options", options=options)
        document.undo_stack.endMacro()

    def _run_from_problem(self) -> str | None:
        session = self.window.runs.session_for_tab()
        return None if session is not None else "Run the pipeline first: re-running from a task reuses that run's " \
                                                "cached results upstream"

    def _run_from(self, tab, node_id: str) -> None:
        tab.scene.select_ids([node_id])
        self.window.actions_by_name["rerun_from_task"].trigger()

    def _task_of_run(self, tab, node_id: str) -> tuple[str | None, str | None]:
        """(task id in the run shown on the tab, None) or (None, why there is none)."""
        overlay = self.window.runs.overlays.get(tab)
        if overlay is None:
            return None, NO_RUN
        name = tab.document.graph.nodes[node_id].name
        matches = sorted(t.task_id for t in overlay.session.tasks.values() if t.task_name == name)
        if not matches:
            return None, f"{tab.document.graph.nodes[node_id].label} has not started in run {overlay.session.run_id}"
        return matches[0], None

    def view_logs(self, tab, node_id: str) -> None:
        """The task's logs in the Run dock (its step details and artifacts follow the selection)."""
        task_id, _problem = self._task_of_run(tab, node_id)
        runs = self.window.runs
        tab.scene.select_ids([node_id])
        session = runs.overlays[tab].session
        if runs.current is not session:
            runs.show_session(session)
        runs.logs.show_task(task_id)
        runs.details.setCurrentWidget(runs.logs)
        runs.docks["run"].show()
        runs.docks["run"].raise_()

    # ----- frame -------------------------------------------------------------------------------

    def _frame_entries(self, menu: QMenu, tab, group_id: str) -> None:
        document = tab.document
        group = document.graph.groups[group_id]
        add_entry(menu, "Edit", lambda: self.edit_group(tab, group_id))
        if group.kind == "condition":
            for text, is_else in (("Add Elif Branch", False), ("Add Else Branch", True)):
                add_entry(menu, text, lambda e=is_else: self.add_branch(tab, group_id, e),
                          None if document.can_add_branch(group_id, is_else) else self._branch_problem(group, is_else))
        menu.addSeparator()
        window_entry(menu, self.window, "unwrap")
        window_entry(menu, self.window, "delete", text="Delete with Its Tasks")

    @staticmethod
    def _branch_problem(group, else_branch: bool) -> str:
        if group.condition is None:
            return "Nothing follows an Else branch"
        return "An Else only ends a chain: add it after the last branch"

    def edit_group(self, tab, group_id: str) -> None:
        """The group in the inspector, its first field focused."""
        tab.scene.select_ids([group_id])
        inspector = self.window.inspector
        inspector.set_selection([group_id])
        inspector.refresh()
        dock = self.window.docks["inspector"]
        dock.show()
        dock.raise_()
        fields = inspector.page.findChildren(QLineEdit)
        (fields[0] if fields else inspector).setFocus()

    @staticmethod
    def add_branch(tab, group_id: str, else_branch: bool) -> None:
        branch = tab.document.add_branch(group_id, else_branch)
        if branch is not None:
            tab.scene.select_ids([branch])


# ----- run history -----------------------------------------------------------------------------


def history_menu(view, pos: QPoint) -> QMenu | None:
    """The menu for the history row at `pos` (viewport coordinates), or None off the rows."""
    table = view.table
    row = table.rowAt(pos.y())
    if row < 0:
        return None
    if not table.selectionModel().isRowSelected(row, table.rootIndex()):
        table.clearSelection()
        table.selectRow(row)
    ids = view.selected_run_ids()
    menu = new_menu(view)
    one = None if len(ids) == 1 else "Select one run"
    add_entry(menu, "Open", view.open_selected, one)
    add_entry(menu, "Compare", view.compare_selected,
              None if len(ids) >= 2 else "Select two or more runs (Ctrl+click) to compare them")
    add_entry(menu, "Re-run", view.rerun_selected, one)
    menu.addSeparator()
    add_entry(menu, "Delete\u2026", view.delete_selected,
              None if view.deletable_run_ids() else "A run in flight cannot be deleted: cancel it first")
    return menu


def show_history_menu(view, pos: QPoint) -> None:
    menu = history_menu(view, pos)
    if menu is not None:
        menu.exec(view.table.viewport().mapToGlobal(pos))
        menu.deleteLater()
