"""Two window layouts, Design and Run, as an IDE has an editing and a debugging layout.

Design: the component palette, the canvas (most of the width) and the inspector, with Problems and
Pipeline Parameters under the canvas. Run: the canvas with its live states across the top, and below
it, side by side, the run's details (logs, step, artifacts, final metrics) and the live metrics, both
tall enough to read a plot.

Switching takes one click (View > Design Layout / Run Layout, Ctrl+1 / Ctrl+2, or the toolbar's
Design | Run buttons) or happens by itself: a run that starts while the Design layout is up brings
the Run layout; when the last run in flight ends the window goes back to Design, unless the user
picked a layout while it ran, or a run failed or was cancelled (its logs and failure stay in view,
as a debugger stays on an exception). Each layout keeps its own arrangement of docks
(`QMainWindow.saveState`), remembered per user; Reset Window Layout restores the current layout's
defaults. After a switch the pipeline is fitted to the canvas's new size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QDockWidget, QMainWindow

from workbench.gui import settings as remembered

DESIGN, RUN = "design", "run"
CURRENT_KEY = "layouts/current"
RUN_PANELS_MIN_HEIGHT = 400  # the run details and live metrics below the canvas: plots >= 300 px tall

Area = Qt.DockWidgetArea
Corner = Qt.Corner
HORIZONTAL, VERTICAL = Qt.Orientation.Horizontal, Qt.Orientation.Vertical


@dataclass(frozen=True)
class Place:
    """Where a dock goes in a layout's defaults: a place of its own in `area`, a tab beside
    `tab_with`, or half of the room of `right_of`. Hidden docks are placed too, so that showing one
    later (View menu, Run History) puts it somewhere sensible."""

    dock: str
    visible: bool = True
    area: Area | None = None
    tab_with: str = ""
    right_of: str = ""


Sizes = Callable[[QSize], list[tuple[list[str], list[int], Qt.Orientation]]]


@dataclass(frozen=True)
class Layout:
    title: str
    bottom_spans_width: bool  # else the side docks take the full height
    places: tuple[Place, ...]
    raised: tuple[str, ...]
    sizes: Sizes  # dock sizes for a window of the given size


def _clamp(value: float, low: int, high: int) -> int:
    return int(max(low, min(high, value)))


def _design_sizes(size: QSize) -> list[tuple[list[str], list[int], Qt.Orientation]]:
    width, height = size.width(), size.height()
    return [(["palette", "inspector"], [_clamp(0.14 * width, 176, 260), _clamp(0.235 * width, 300, 420)], HORIZONTAL),
            (["problems"], [_clamp(0.17 * height, 110, 200)], VERTICAL)]


def _run_sizes(size: QSize) -> list[tuple[list[str], list[int], Qt.Orientation]]:
    width, height = size.width(), size.height()
    details = int(0.53 * width)  # logs lines and the Runs table want the width more than the plot
    return [(["run"], [max(RUN_PANELS_MIN_HEIGHT, int(0.45 * height))], VERTICAL),
            (["run", "metrics"], [details, width - details], HORIZONTAL)]


LAYOUTS = {
    DESIGN: Layout("Design", False, (
        Place("palette", area=Area.LeftDockWidgetArea),
        Place("inspector", area=Area.RightDockWidgetArea), Place("yaml", tab_with="inspector"),
        Place("library", tab_with="inspector"),
        Place("problems", area=Area.BottomDockWidgetArea), Place("parameters", tab_with="problems"),
        Place("run", False, tab_with="problems"), Place("history", False, tab_with="problems"),
        Place("metrics", False, tab_with="problems"), Place("endpoints", False, tab_with="problems"),
    ), ("palette", "inspector", "problems"), _design_sizes),
    RUN: Layout("Run", True, (
        Place("run", area=Area.BottomDockWidgetArea), Place("metrics", right_of="run"),
        Place("history", False, tab_with="run"), Place("problems", False, tab_with="run"),
        Place("parameters", False, tab_with="run"), Place("inspector", False, tab_with="metrics"),
        Place("yaml", False, tab_with="metrics"), Place("endpoints", False, tab_with="metrics"),
        Place("library", False, tab_with="metrics"), Place("palette", False, area=Area.LeftDockWidgetArea),
    ), ("run", "metrics"), _run_sizes),
}


def state_key(name: str) -> str:
    return f"layouts/{name}/state"


class WindowLayouts(QObject):
    """The window's current layout, the switch between the two, and the automatic switch on runs."""

    changed = Signal(str)  # the layout now shown

    def __init__(self, window: QMainWindow, docks: dict[str, QDockWidget], actions: dict[str, QAction]):
        super().__init__(window)
        self.window, self.docks, self.actions = window, docks, actions
        group = QActionGroup(self)
        for name, action in actions.items():
            action.setIconText(LAYOUTS[name].title)
            group.addAction(action)
        self._sizes_due = False
        self._in_flight: set[str] = set()
        self._not_started: set[str] = set()
        self._return_to_design = False  # the Run layout came by itself and the user has not switched since
        self._keep_run = False  # a run since then failed or was cancelled: its story stays in view
        stored = remembered.settings().value(CURRENT_KEY, DESIGN)
        self.current = stored if stored in LAYOUTS else DESIGN
        self._restore(self.current)
        self._check()
        window.installEventFilter(self)

    # ----- switching ----------------------------------------------------------------------------

    def switch(self, name: str, *, by_user: bool = True) -> None:
        """Show layout `name` as the user left it last (its defaults the first time)."""
        if by_user:
            self._return_to_design = False
        if name != self.current:
            self.save()
            self.current = name
            remembered.settings().setValue(CURRENT_KEY, name)
            self._restore(name)
            self.window.layout().activate()  # the docks in place now: the canvas has its new size
            self.changed.emit(name)
        self._check()

    def reset(self) -> None:
        """The current layout's defaults, forgetting how the user had arranged it."""
        remembered.settings().remove(state_key(self.current))
        self.apply_defaults()

    def save(self) -> None:
        remembered.settings().setValue(state_key(self.current), self.window.saveState())

    def _restore(self, name: str) -> None:
        state = remembered.settings().value(state_key(name))
        if state is None or not self.window.restoreState(state):
            self.apply_defaults()

    def _check(self) -> None:
        for name, action in self.actions.items():
            action.setChecked(name == self.current)

    # ----- defaults -----------------------------------------------------------------------------

    def apply_defaults(self) -> None:
        layout, window = LAYOUTS[self.current], self.window
        bottom_left = Area.BottomDockWidgetArea if layout.bottom_spans_width else Area.LeftDockWidgetArea
        bottom_right = Area.BottomDockWidgetArea if layout.bottom_spans_width else Area.RightDockWidgetArea
        window.setCorner(Corner.TopLeftCorner, Area.LeftDockWidgetArea)
        window.setCorner(Corner.TopRightCorner, Area.RightDockWidgetArea)
        window.setCorner(Corner.BottomLeftCorner, bottom_left)
        window.setCorner(Corner.BottomRightCorner, bottom_right)
        for place in layout.places:
            dock = self.docks.get(place.dock)
            if dock is None:
                continue
            dock.setFloating(False)
            if place.area is not None:
                window.addDockWidget(place.area, dock)
            elif place.tab_with:
                window.tabifyDockWidget(self.docks[place.tab_with], dock)
            else:
                window.splitDockWidget(self.docks[place.right_of], dock, HORIZONTAL)
            dock.setVisible(place.visible)
        for name in layout.raised:
            self.docks[name].raise_()
        if window.isVisible():
            self._apply_sizes()
        else:
            self._sizes_due = True

    def _apply_sizes(self) -> None:
        self._sizes_due = False
        self.window.layout().activate()
        for names, sizes, orientation in LAYOUTS[self.current].sizes(self.window.size()):
            docks = [self.docks[name] for name in names if name in self.docks]
            if len(docks) == len(names):
                self.window.resizeDocks(docks, sizes, orientation)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Show and self._sizes_due:
            QTimer.singleShot(0, self._apply_sizes)  # once the window has its final size
        return False

    # ----- runs ---------------------------------------------------------------------------------

    def run_started(self, session) -> None:
        self._in_flight.add(session.run_id)
        if self.current == DESIGN:
            self.switch(RUN, by_user=False)
            self._return_to_design, self._keep_run = True, False

    def run_failed_to_start(self, session, _message: str = "") -> None:
        self._not_started.add(session.run_id)

    def run_finished(self, session) -> None:
        self._in_flight.discard(session.run_id)
        if session.state != "succeeded" and session.run_id not in self._not_started:
            self._keep_run = True
        self._not_started.discard(session.run_id)
        QTimer.singleShot(0, self._after_runs)  # a sweep starts its next run in answer to this same end

    def _after_runs(self) -> None:
        if self._in_flight:
            return
        back = self._return_to_design and not self._keep_run and self.current == RUN
        self._return_to_design = self._keep_run = False
        if back:
            self.switch(DESIGN, by_user=False)
