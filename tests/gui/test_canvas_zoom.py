"""Zoom on the canvas as a user meets it: documents open fitted (nothing cut off, nothing under
the minimap), levels of detail (zoomed out a node is its name on its run state's colour), zoom to
selection, the quick-add popup kept on screen, and the hint on an empty canvas."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui_drive import click, double_click, drag, node_named
from workbench.gui.canvas.detail import OVERVIEW_BELOW, SMALLEST_PX
from workbench.gui.canvas.style import STATE_COLORS
from workbench.gui.canvas.view import EMPTY_HINT
from workbench.gui.runs.session import RunSession
from workbench.gui.runs.status_overlay import StatusOverlay
from workbench.runs.events import TaskStateChanged

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "pipelines").glob("*.wbp"))
IMPORTED = REPO / "tests" / "compiler" / "golden" / "train_compare_deploy.yaml"


def settle(qtbot) -> None:
    qtbot.wait(50)  # docks settle, the minimap refreshes once per pass of the event loop


def on_screen(view, item) -> QRect:
    return view.mapFromScene(item.sceneBoundingRect()).boundingRect()


def assert_fitted(view) -> None:
    viewport = view.viewport().rect()
    minimap = view.minimap.geometry().translated(-view.viewport().pos())
    for node_id, item in view.scene().nodes.items():
        rect = on_screen(view, item)
        assert viewport.contains(rect), f"{node_id} is cut off: {rect} not in {viewport}"
        assert not (view.minimap.isVisible() and minimap.intersects(rect)), f"the minimap covers {node_id}"
    for frame in view.scene().frames.values():
        assert viewport.contains(on_screen(view, frame))


def wheel(view, notches: int) -> None:
    center = QPointF(view.viewport().rect().center())
    event = QWheelEvent(center, QPointF(view.viewport().mapToGlobal(center.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)


def set_states(scene, states: dict[str, str]) -> StatusOverlay:
    """Task states through the run overlay, as a run's events would set them."""
    session = RunSession("r1")
    for name, state in states.items():
        session.apply(TaskStateChanged(run_id="r1", task_id=name, task_name=name, state=state, time=time.time(),
                                       message="", details={}))
    return StatusOverlay(scene, session)


@pytest.fixture
def window_1280(window, qtbot):
    window.resize(1280, 800)
    window.activateWindow()  # shortcuts (F, Shift+F, Del) go to the active window, also under X
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    settle(qtbot)
    return window


# ----- fitted on open ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*EXAMPLES, IMPORTED], ids=[p.name for p in [*EXAMPLES, IMPORTED]])
def test_documents_open_fitted_with_nothing_under_the_minimap(window_1280, path, qtbot):
    tab = window_1280.open_path(str(path))
    settle(qtbot)
    assert_fitted(tab.view)
    content = tab.view.mapFromScene(tab.scene.content_rect()).boundingRect()
    viewport = tab.view.viewport().rect()
    assert content.width() >= viewport.width() - 2 * 24 - 4 or content.height() >= viewport.height() - 2 * 24 - 4 \
        or tab.view.zoom == 1.0, "fitted means as large as the window allows"


def test_a_fitted_view_stays_fitted_as_the_window_changes_until_the_user_zooms(window_1280, qtbot):
    tab = window_1280.open_path(str(EXAMPLES[-1]))
    settle(qtbot)
    fitted_zoom = tab.view.zoom
    window_1280.resize(1600, 1000)
    settle(qtbot)
    assert tab.view.zoom > fitted_zoom
    assert_fitted(tab.view)
    wheel(tab.view, 2)
    zoom = tab.view.zoom
    window_1280.resize(1280, 800)
    settle(qtbot)
    assert tab.view.zoom == pytest.approx(zoom), "the user's zoom is kept"
    QTest.keyClick(tab.view, Qt.Key.Key_F)
    settle(qtbot)
    assert_fitted(tab.view)


def test_minimap_shows_only_while_part_of_the_pipeline_is_out_of_view(window_1280, qtbot):
    tab = window_1280.open_path(str(EXAMPLES[-1]))
    window_1280.resize(1600, 1000)
    settle(qtbot)
    assert not tab.view.minimap.isVisible()
    wheel(tab.view, 4)
    settle(qtbot)
    assert tab.view.minimap.isVisible()
    QTest.keyClick(tab.view, Qt.Key.Key_F)
    settle(qtbot)
    assert not tab.view.minimap.isVisible()


def test_a_500_task_graph_opens_fitted(window_1280, qtbot):
    import sys

    sys.path.insert(0, str(REPO / "tests" / "bench"))
    from bench_canvas import generated_document
    from workbench.compiler.layout import auto_layout
    from workbench.gui.editor_document import EditorDocument
    from workbench.model import serialize

    graph = serialize.loads(generated_document())
    auto_layout(graph)
    tab = window_1280.add_document(EditorDocument(graph))
    settle(qtbot)
    assert_fitted(tab.view)
    assert tab.scene.nodes[next(iter(graph.nodes))].detail_level(tab.view.zoom) == "overview"


# ----- levels of detail -------------------------------------------------------------------------------


def test_level_of_detail_switches_at_the_threshold(tab, qtbot):
    """One wheel notch across OVERVIEW_BELOW turns the node from ports and labels into a tile
    filled with its run state's colour."""
    view, scene = tab.view, tab.scene
    train = scene.nodes[node_named(tab.document.graph, "train")]
    overlay = set_states(scene, {"train": "failed", "make-data": "succeeded"})
    body = train.mapToScene(QPointF(12, train.height - 20))  # below the port rows, above the status strip
    port = train.inputs["rate"].scenePos()

    def pixel(scene_pos) -> QColor:
        return QColor(view.viewport().grab().toImage().pixel(view.mapFromScene(scene_pos)))

    view.reset_zoom()
    assert train.detail_level(view.zoom) == "full"
    port_color = QColor(train.inputs["rate"].color)
    assert _distance(pixel(port), port_color) < 60, "the port is drawn with details"
    view.set_zoom(OVERVIEW_BELOW * 1.15)
    assert train.detail_level(view.zoom) == "fading"
    failed = QColor(STATE_COLORS["failed"])
    assert _distance(pixel(body), failed) > 100, "with details, the body is not the state colour"
    wheel(view, -1)
    assert view.zoom < OVERVIEW_BELOW
    assert train.detail_level(view.zoom) == "overview"
    assert _distance(pixel(body), failed) < 30, "zoomed out, the state colour fills the node"
    assert _distance(pixel(port), port_color) > 150, "zoomed out, the port is gone"
    wheel(view, 1)
    assert train.detail_level(view.zoom) == "fading"
    assert _distance(pixel(body), failed) > 100
    overlay.detach()


def test_zoomed_out_a_press_where_a_port_was_moves_the_tile(tab):
    """Overview tiles draw no ports, so none can be grabbed: the press moves the task."""
    graph = tab.document.graph
    source, target = node_named(graph, "make-data"), node_named(graph, "train")
    tab.view.set_zoom(OVERVIEW_BELOW * 0.8)
    before = graph.nodes[source].position
    start = tab.scene.nodes[source].outputs["data"].scenePos() + QPointF(-3, 0)
    drag(tab.view, start, tab.scene.nodes[target].inputs["data"].scenePos())
    assert "data" not in graph.nodes[target].inputs, "no connection made from an invisible port"
    assert graph.nodes[source].position != before
    tab.document.undo_stack.undo()
    tab.view.reset_zoom()
    drag(tab.view, tab.scene.nodes[source].outputs["data"].scenePos(), tab.scene.nodes[target].inputs["data"].scenePos())
    assert graph.nodes[target].inputs["data"].node == source, "zoomed in, the same gesture connects"


def _distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_name_is_readable_at_fit_zoom_after_a_run(qtbot, path):
    """In a canvas of 60 % of a 1280x800 window, each node of each example shows its whole name at
    a readable size, led by its state's glyph, on its state's colour."""
    from workbench.gui.canvas.scene import PipelineScene
    from workbench.gui.canvas.view import PipelineView
    from workbench.gui.editor_document import EditorDocument
    from workbench.gui.opening import open_file

    graph = open_file(str(path)).graph
    scene = PipelineScene(EditorDocument(graph))
    view = PipelineView(scene)
    qtbot.addWidget(view)
    view.resize(770, 560)
    view.show()
    qtbot.waitExposed(view)
    settle(qtbot)
    states = ["succeeded", "failed", "cached", "skipped", "running", "pending", "cancelled"]
    overlay = set_states(scene, {n.name: states[i % len(states)] for i, n in enumerate(graph.nodes.values())})
    view.viewport().grab()
    for node in graph.nodes.values():
        item = scene.nodes[node.id]
        if item.detail_level(view.zoom) != "overview":
            assert view.zoom * 12 >= 7, "the title is drawn at a readable size while details fade"
            continue
        label = item.overview_label(view.zoom)
        assert label is not None and label.complete, f"{node.label!r} does not fit at {view.zoom:.2f}"
        assert label.screen_px(view.zoom) >= SMALLEST_PX
        assert "".join(label.lines).replace(" ", "").endswith(node.label.replace(" ", ""))
    overlay.detach()


# ----- zoom to selection -----------------------------------------------------------------------------


def test_zoom_to_selection_fits_the_selected_task(window_1280, qtbot):
    tab = window_1280.open_path(str(EXAMPLES[-1]))
    settle(qtbot)
    view, graph = tab.view, tab.document.graph
    fitted = view.zoom
    xgboost = tab.scene.nodes[next(n.id for n in graph.nodes.values() if n.label == "xgboost")]
    click(view, xgboost.scenePos() + QPointF(60, 12))
    assert tab.scene.selected_ids() == [xgboost.node_id]
    QTest.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier)
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert view.zoom > fitted and xgboost.detail_level(view.zoom) == "full"
    assert visible.contains(xgboost.sceneBoundingRect())
    assert visible.center().x() == pytest.approx(xgboost.sceneBoundingRect().center().x(), abs=2)
    assert not visible.contains(tab.scene.content_rect())
    view_menu = next(a.menu() for a in window_1280.menuBar().actions() if a.text() == "&View")
    assert window_1280.actions_by_name["zoom_to_selection"] in view_menu.actions()


def test_zoom_to_selection_with_nothing_selected_says_what_to_do(window, tab):
    tab.scene.clearSelection()
    zoom = tab.view.zoom
    window.actions_by_name["zoom_to_selection"].trigger()
    assert tab.view.zoom == zoom
    assert "select" in window.statusBar().currentMessage()


# ----- quick-add stays on screen ---------------------------------------------------------------------


@pytest.mark.xserver
def test_quick_add_near_the_bottom_right_corner_stays_on_screen(window_1280, qtbot):
    tab = window_1280.new_document()
    settle(qtbot)
    view = tab.view
    corner = view.viewport().rect().bottomRight() - QPoint(10, 10)
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, corner)
    popup = tab.quick_add
    assert popup is not None and popup.isVisible()
    screen = QGuiApplication.screenAt(popup.geometry().center()) or popup.screen()
    bounds = window_1280.geometry().intersected(screen.availableGeometry())
    frame = window_1280.geometry().x() - window_1280.frameGeometry().x()  # offscreen's windows have a 2 px frame
    bounds.adjust(-frame, -frame, frame, frame)
    assert bounds.contains(popup.frameGeometry()), f"{popup.frameGeometry()} leaves {bounds}"
    assert popup.width() >= 300 and popup.height() >= 300
    assert popup.list.verticalScrollBar().maximum() > 0, "a long list scrolls inside the popup"
    click_at = view.viewport().mapToGlobal(corner)
    if bounds.contains(click_at):  # the window is on screen: a corner of the popup is at the click
        assert popup.frameGeometry().adjusted(-1, -1, 1, 1).contains(click_at)
        assert popup.frameGeometry().bottom() <= click_at.y() + 1, "no room below: it opens upwards"
    QTest.keyClicks(popup.search, "toy trainer")
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    assert tab.document.graph.node_by_name("toy-trainer") is not None


def test_popup_rect_opens_towards_the_room_and_shrinks_to_the_area():
    from PySide6.QtCore import QSize

    from workbench.gui.popup_geometry import popup_rect

    area = QRect(0, 0, 1280, 800)
    assert popup_rect(QPoint(100, 100), QSize(320, 360), area) == QRect(100, 100, 320, 360)
    assert popup_rect(QPoint(1270, 790), QSize(320, 360), area) == QRect(950, 430, 320, 360)
    assert popup_rect(QPoint(1270, 100), QSize(320, 360), area) == QRect(950, 100, 320, 360)
    short = QRect(0, 0, 1280, 250)
    assert popup_rect(QPoint(600, 200), QSize(320, 360), short) == QRect(600, 0, 320, 250)


# ----- the empty canvas hint -----------------------------------------------------------------------


def _hint_ink(view) -> int:
    """Pixels of text in the middle band of the viewport, outside the nodes (darker than the grid's
    faint dots)."""
    image = view.viewport().grab().toImage()
    background = QColor(image.pixel(5, 5))
    nodes = [on_screen(view, item).adjusted(-4, -4, 4, 4) for item in view.scene().nodes.values()]
    middle = image.height() // 2
    return sum(_distance(QColor(image.pixel(x, y)), background) > 200
               for x in range(0, image.width(), 2) for y in range(middle - 12, middle + 12, 2)
               if not any(rect.contains(x, y) for rect in nodes))


def test_empty_canvas_hint_until_a_node_is_added_and_back_when_all_are_deleted(window_1280, qtbot):
    tab = window_1280.new_document()
    settle(qtbot)
    view = tab.view
    assert EMPTY_HINT == "Drag components here or double-click"
    assert view.is_empty() and _hint_ink(view) > 20
    double_click(view, view.mapToScene(view.viewport().rect().center()))  # the hint takes no clicks
    assert tab.quick_add is not None and tab.quick_add.isVisible()
    QTest.keyClick(tab.quick_add.search, Qt.Key.Key_Escape)
    double_click(view, view.mapToScene(QPoint(40, 40)))
    QTest.keyClicks(tab.quick_add.search, "toy data")
    QTest.keyClick(tab.quick_add.search, Qt.Key.Key_Return)
    settle(qtbot)
    assert len(tab.document.graph.nodes) == 1
    assert _hint_ink(view) == 0
    window_1280.activateWindow()  # as the window manager does when the popup closes (offscreen keeps it)
    qtbot.waitUntil(window_1280.isActiveWindow, timeout=2000)
    node = next(iter(tab.scene.nodes.values()))
    click(view, node.scenePos() + QPointF(60, 12))
    QTest.keyClick(view, Qt.Key.Key_Delete)
    settle(qtbot)
    assert not tab.document.graph.nodes
    assert _hint_ink(view) > 20



def test_label_fitter_breaks_at_spaces_and_hyphens_and_gives_up_when_nothing_is_readable(qtbot):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFont

    from workbench.gui.canvas.detail import LARGEST_PX, LabelFitter

    fitter = LabelFitter(QFont())
    wide = fitter.fit("validate-and-preprocess", QRectF(0, 0, 160, 90), 0.4)
    assert wide.complete and len(wide.lines) >= 2 and "".join(wide.lines) == "validate-and-preprocess"
    assert SMALLEST_PX <= wide.screen_px(0.4) <= LARGEST_PX
    short = fitter.fit("xgboost", QRectF(0, 0, 160, 90), 0.4)
    assert short.lines == ("xgboost",) and short.screen_px(0.4) >= wide.screen_px(0.4)
    assert fitter.fit("\u2713\u00a0logistic regression", QRectF(0, 0, 160, 90), 0.4).lines[0].startswith(
        "\u2713\u00a0logistic"), "the glyph stays with the first word"
    cut = fitter.fit("a-very-long-task-name-that-goes-on", QRectF(0, 0, 160, 40), 0.3)  # one line of 7.5 px
    assert cut is not None and not cut.complete and len(cut.lines) == 1
    assert fitter.fit("anything", QRectF(0, 0, 160, 40), 0.05) is None, "at 2 px a tile shows its colour only"
