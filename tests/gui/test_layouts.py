"""The Design and Run layouts: the room each gives the canvas and the run views at 1280x800 and
1920x1080, one-click and automatic switching, what is remembered per layout, Reset, and panels that
never widen the window whatever they show."""

from __future__ import annotations

import pytest
from layout_support import (EXAMPLE, area_in, canvas_share, close_window, docks_on_screen, open_window,
                            synthetic_session)
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDockWidget, QListWidgetItem, QTabBar, QTabWidget, QToolBar

from workbench.gui.layouts import DESIGN, LAYOUTS, RUN
from workbench.runs.events import LogLine, RunFinished

SIZES = [(1280, 800), (1920, 1080)]
LONG = "x" * 5000


@pytest.fixture
def small_window(qtbot, catalog):
    window = open_window(qtbot, catalog, 1280, 800)
    yield window
    close_window(window)


def click_action(qtbot, window, name: str) -> None:
    """Press the action's toolbar button with the mouse."""
    toolbar = window.findChild(QToolBar, "toolbar-main")
    button = toolbar.widgetForAction(window.actions_by_name[name])
    assert button is not None and button.isVisible(), f"{name} has no visible toolbar button"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def show_run(window, tab, session) -> None:
    window.runs.bind(tab, session)
    window.runs.show_session(session)


def dock_widths(window) -> dict[str, tuple[int, int]]:
    return {d.objectName(): (d.width(), d.height()) for d in docks_on_screen(window)}


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_design_layout_gives_the_canvas_most_of_the_width(qtbot, catalog, size):
    window = open_window(qtbot, catalog, *size)
    window.open_path(str(EXAMPLE))
    qtbot.wait(50)
    assert window.layouts.current == DESIGN
    assert window.actions_by_name["design_layout"].isChecked()
    width_share, area_share = canvas_share(window)
    print(f"\nDesign {size[0]}x{size[1]}: canvas {width_share:.0%} of the width, {area_share:.0%} of the area")
    assert width_share >= 0.60
    shown = {d.objectName() for d in docks_on_screen(window)}
    assert {"dock-palette", "dock-inspector", "dock-problems"} <= shown
    assert not shown & {"dock-runs-run", "dock-runs-metrics", "dock-runs-history", "dock-endpoints"}
    assert window.size().toTuple() == size
    close_window(window)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_run_layout_shows_plots_logs_and_artifacts_large_enough_to_read(qtbot, catalog, size):
    window = open_window(qtbot, catalog, *size)
    tab = window.open_path(str(EXAMPLE))
    show_run(window, tab, synthetic_session(finished=True))
    click_action(qtbot, window, "run_layout")
    assert window.layouts.current == RUN and window.actions_by_name["run_layout"].isChecked()
    workspace = window.runs
    qtbot.waitUntil(lambda: workspace.metrics.plot is not None and sum(workspace.metrics.plotted_points().values()) > 0)
    qtbot.wait(50)
    width_share, area_share = canvas_share(window)
    print(f"\nRun {size[0]}x{size[1]}: canvas {width_share:.0%} of the width, {area_share:.0%} of the area; "
          f"metric plot {workspace.metrics.plot.height()} px tall")
    assert width_share >= 0.95 and tab.view.height() >= 250  # the live states stay in sight
    shown = tab.view.mapToScene(tab.view.viewport().rect()).boundingRect()
    assert shown.contains(tab.scene.itemsBoundingRect()), "the pipeline was not fitted to the smaller canvas"
    assert workspace.metrics.plot.height() >= 300
    assert workspace.logs.text.height() >= 300

    workspace.details.setCurrentWidget(workspace.artifacts)
    assert workspace.artifacts.select("roc", "train-model")
    qtbot.wait(50)
    viewer = workspace.artifacts.viewer.currentWidget()
    assert isinstance(viewer, QTabWidget) and viewer.tabText(0) == "ROC curve"
    assert viewer.currentWidget().height() >= 300, "the ROC curve is squashed"
    viewer.setCurrentIndex(1)
    qtbot.wait(50)
    matrix = viewer.currentWidget()
    assert viewer.tabText(1) == "Confusion matrix" and matrix.height() >= 300
    drawn = matrix.horizontalHeader().height() + sum(matrix.rowHeight(r) for r in range(matrix.rowCount()))
    assert drawn >= 290, "the matrix's cells do not fill its room"
    assert window.size().toTuple() == size
    close_window(window)


@pytest.mark.xserver
@pytest.mark.parametrize("layout", [DESIGN, RUN])
def test_the_window_fits_1280x800_with_nothing_cut_or_covered(small_window, qtbot, layout):
    window = small_window
    window.open_path(str(EXAMPLE))
    window.layouts.switch(layout)
    window.runs.show_runs()  # the Runs panel once covered the Run panel's buttons
    qtbot.wait(50)
    assert window.minimumSizeHint().width() <= 1280 and window.minimumSizeHint().height() <= 800
    assert window.size().toTuple() == (1280, 800)
    docks = docks_on_screen(window)
    for index, dock in enumerate(docks):
        for other in docks[index + 1:]:
            assert not area_in(window, dock).intersects(area_in(window, other)), \
                f"{dock.windowTitle()} overlaps {other.windowTitle()}"
    for dock in window.layouts.docks.values():  # every panel, where the layout puts it, fits its place
        dock.show()
        dock.raise_()
        qtbot.wait(20)
        scroll = getattr(dock.widget(), "horizontalScrollBar", None)
        assert scroll is None or not scroll().isVisible(), f"{dock.windowTitle()} is cut in the {layout} layout"
    bars = [bar for bar in window.findChildren(QTabBar) if bar.isVisible() and bar.parent() is window]
    assert len(bars) >= 2  # the docks' tab groups
    for bar in bars:  # with every dock shown, their tabs still read in full
        for index in range(bar.count()):
            needed = bar.fontMetrics().horizontalAdvance(bar.tabText(index))
            assert bar.tabRect(index).width() > needed, f"tab {bar.tabText(index)!r} is cut"
    assert window.size().toTuple() == (1280, 800)


@pytest.mark.parametrize("layout", [DESIGN, RUN])
def test_long_unwrapped_lines_never_widen_a_dock_or_the_window(small_window, qtbot, layout):
    window = small_window
    tab = window.open_path(str(EXAMPLE))
    session = synthetic_session()
    show_run(window, tab, session)
    window.layouts.switch(layout)
    for dock in window.layouts.docks.values():  # every panel on screen, where the layout puts it
        dock.show()
    qtbot.wait(50)
    before, canvas = dock_widths(window), tab.view.width()

    window.yaml_preview._show("", LONG)  # a compile error with no break in it
    window.yaml_preview.text.setPlainText(LONG)
    window.problems.addItem(QListWidgetItem(LONG))
    session.apply(LogLine(session.run_id, "train-model", LONG, 0.0))
    window.runs.logs.append_new()
    window.runs.step.view.setPlainText(LONG)
    window.runs.progress.setText(LONG)
    window.problem_counts.setText(LONG)
    window.statusBar().showMessage(LONG)
    tab.document.set_pipeline_info(LONG, LONG)
    window.inspector.refresh()
    qtbot.wait(100)

    assert window.size().toTuple() == (1280, 800)
    assert window.minimumSizeHint().width() <= 1280
    assert dock_widths(window) == before
    assert tab.view.width() == canvas
    assert window.runs.progress.toolTip() == LONG  # the whole text is a hover away
    for dock in (window.docks["yaml"], window.runs.docks["run"]):  # the line scrolls or elides in its place
        dock.raise_()
        qtbot.wait(20)
        assert not dock.widget().horizontalScrollBar().isVisible(), f"{dock.windowTitle()} scrolls sideways"


@pytest.mark.xserver
def test_one_click_and_shortcuts_switch_and_each_layout_keeps_its_arrangement(small_window, qtbot):
    window = small_window
    window.open_path(str(EXAMPLE))
    palette = window.docks["palette"]
    window.resizeDocks([palette], [240], Qt.Orientation.Horizontal)
    qtbot.wait(20)
    design_palette = palette.width()
    click_action(qtbot, window, "run_layout")
    assert window.layouts.current == RUN and not palette.isVisible()
    window.resizeDocks([window.runs.docks["run"]], [450], Qt.Orientation.Vertical)
    qtbot.wait(20)
    run_height = window.runs.docks["run"].height()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts go to the active window
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.layouts.current == DESIGN and window.actions_by_name["design_layout"].isChecked()
    qtbot.wait(20)
    assert palette.isVisible() and palette.width() == design_palette
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.layouts.current == RUN
    qtbot.wait(20)
    assert window.runs.docks["run"].height() == run_height


def test_each_layout_is_remembered_by_a_new_window(qtbot, catalog):
    first = open_window(qtbot, catalog, 1280, 800)
    first.layouts.switch(RUN)
    first.runs.docks["history"].show()  # a change to the Run layout
    first.layouts.switch(DESIGN)
    first.docks["yaml"].raise_()
    first.docks["problems"].hide()  # a change to the Design layout
    first.layouts.switch(RUN)
    close_window(first)

    second = open_window(qtbot, catalog, 1280, 800)
    assert second.layouts.current == RUN and second.actions_by_name["run_layout"].isChecked()
    assert second.runs.docks["history"].isVisible()
    second.layouts.switch(DESIGN)
    assert not second.docks["problems"].isVisible()
    assert second.docks["yaml"] in docks_on_screen(second)
    close_window(second)


def test_reset_restores_the_defaults_of_the_current_layout_only(small_window, qtbot):
    window = small_window
    window.open_path(str(EXAMPLE))
    defaults = dock_widths(window)
    window.docks["inspector"].hide()
    window.resizeDocks([window.docks["palette"]], [400], Qt.Orientation.Horizontal)
    window.layouts.switch(RUN)
    window.runs.docks["metrics"].hide()
    window.layouts.switch(DESIGN)
    assert not window.docks["inspector"].isVisible()

    window.actions_by_name["reset_layout"].trigger()
    qtbot.wait(20)
    assert dock_widths(window) == defaults
    window.layouts.switch(RUN)
    assert not window.runs.docks["metrics"].isVisible()  # the Run layout keeps what the user did
    window.actions_by_name["reset_layout"].trigger()
    qtbot.wait(20)
    assert {d.objectName() for d in docks_on_screen(window)} == {"dock-runs-run", "dock-runs-metrics"}


def test_the_inspector_keeps_its_width_as_documents_open(small_window, qtbot):
    window = small_window
    inspector = window.docks["inspector"]
    widths = {inspector.width()}
    for example in ("train_compare_deploy.wbp", "sharded_processing.wbp", "train_compare_deploy.wbp"):
        tab = window.open_path(str(EXAMPLE.parent / example))
        tab.scene.select_ids([next(iter(tab.document.graph.nodes))])
        qtbot.wait(50)
        widths.add(inspector.width())
    window.new_document()
    qtbot.wait(50)
    widths.add(inspector.width())
    assert len(widths) == 1, widths


# ----- switching by itself when runs start and end ------------------------------------------------

def start(window, run_id: str):
    session = synthetic_session(run_id)
    window.runs.controller.sessions[run_id] = session
    window.runs.controller.session_started.emit(session)
    return session


def finish(window, session, state: str = "succeeded") -> None:
    session.apply(RunFinished(session.run_id, state, 0.0))
    window.runs.controller.session_finished.emit(session)


def test_a_run_brings_the_run_layout_and_its_end_the_design_layout(small_window, qtbot):
    window = small_window
    session = start(window, "r1")
    assert window.layouts.current == RUN and window.runs.docks["metrics"].isVisible()
    finish(window, session)
    qtbot.waitUntil(lambda: window.layouts.current == DESIGN)
    assert window.docks["palette"].isVisible() and not window.runs.docks["metrics"].isVisible()


def stays_in_run(window, qtbot) -> bool:
    qtbot.wait(50)  # the way back is decided once the event that ended the run has been handled
    return window.layouts.current == RUN


def test_the_design_layout_comes_back_only_after_the_last_run(small_window, qtbot):
    window = small_window
    first, second = start(window, "r1"), start(window, "r2")
    finish(window, first)
    assert stays_in_run(window, qtbot)
    finish(window, second)
    qtbot.waitUntil(lambda: window.layouts.current == DESIGN)


def test_a_sweep_starting_its_next_run_as_one_ends_stays_in_run(small_window, qtbot):
    window = small_window
    next_runs = ["r2", "r3"]

    def start_next(_session) -> None:  # what a sweep does when one of its runs ends
        if next_runs:
            start(window, next_runs.pop(0))
    window.runs.controller.session_finished.connect(start_next)
    first = start(window, "r1")
    switches: list[str] = []
    window.layouts.changed.connect(switches.append)
    finish(window, first)
    assert stays_in_run(window, qtbot)
    finish(window, window.runs.controller.sessions["r2"])
    assert stays_in_run(window, qtbot)
    assert switches == []  # no flicker to Design and back between the sweep's runs
    finish(window, window.runs.controller.sessions["r3"])
    qtbot.waitUntil(lambda: window.layouts.current == DESIGN)


@pytest.mark.parametrize("state", ["failed", "cancelled"])
def test_a_run_that_fails_or_is_cancelled_stays_in_view(small_window, qtbot, state):
    window = small_window
    finish(window, start(window, "r1"), state)
    assert stays_in_run(window, qtbot)


def test_a_run_that_could_not_start_goes_back_to_design(small_window, qtbot):
    window = small_window
    session = start(window, "r1")
    session.state, session.message = "failed", "docker is not running"
    window.runs.controller.start_failed.emit(session, session.message)
    window.runs.controller.session_finished.emit(session)
    qtbot.waitUntil(lambda: window.layouts.current == DESIGN)


def test_a_layout_the_user_picks_during_a_run_stays(small_window, qtbot):
    window = small_window
    session = start(window, "r1")
    click_action(qtbot, window, "design_layout")
    click_action(qtbot, window, "run_layout")
    finish(window, session)
    assert stays_in_run(window, qtbot)  # the user chose it while the run went on


def test_a_run_started_in_the_run_layout_leaves_it_there(small_window, qtbot):
    window = small_window
    click_action(qtbot, window, "run_layout")
    finish(window, start(window, "r1"))
    assert stays_in_run(window, qtbot)


# ----- run views follow the active document ---------------------------------------------------------

def click_tab(qtbot, window, index: int) -> None:
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert window.tabs.currentIndex() == index


def test_run_views_follow_the_active_document(small_window, qtbot, small_graph):
    from workbench.gui.editor_document import EditorDocument

    window, workspace = small_window, small_window.runs
    first = window.open_path(str(EXAMPLE))
    show_run(window, first, synthetic_session("run-a"))
    window.add_document(EditorDocument(small_graph))  # no run
    third = window.open_path(str(EXAMPLE.parent / "sharded_processing.wbp"))
    show_run(window, third, synthetic_session("run-c", finished=True))
    window.layouts.switch(RUN)
    views = (lambda: workspace.logs.session, lambda: workspace.metrics.session, lambda: workspace.artifacts.session,
             lambda: workspace.final_metrics.session, lambda: workspace.step.session)

    click_tab(qtbot, window, 0)
    assert {view().run_id for view in views} == {"run-a"} and "run-a" in workspace.progress.text()
    assert "epoch" in workspace.logs.plain_text()
    click_tab(qtbot, window, 1)
    assert all(view() is None for view in views), "the previous document's run is still shown"
    assert workspace.progress.text() == "" and workspace.logs.plain_text() == ""
    assert workspace.metrics.curves == {} and workspace.artifacts.list.count() == 0
    click_tab(qtbot, window, 2)
    assert {view().run_id for view in views} == {"run-c"} and "run-c" in workspace.progress.text()
    assert workspace.artifacts.list.count() == 3


def test_closing_a_tab_with_a_running_run_forgets_its_overlay(small_window, qtbot):
    window = small_window
    tab = window.open_path(str(EXAMPLE))
    show_run(window, tab, synthetic_session("run-a"))
    window.close_tab(tab)
    qtbot.waitUntil(lambda: tab not in window.runs.overlays)
    assert window.runs.current is None
    qtbot.wait(1100)  # an overlay left behind would repaint a deleted canvas on its timer here


def test_every_layout_has_a_default_place_for_every_dock(small_window):
    names = set(small_window.layouts.docks)
    for layout in LAYOUTS.values():
        assert {place.dock for place in layout.places} == names
    assert all(isinstance(d, QDockWidget) for d in small_window.layouts.docks.values())
