"""Light and dark themes: every colour pair the themes define reads (4.5:1 for text, 3:1 for lines
and shapes), measured on the palettes and on a rendered canvas; Settings > Theme switches open
canvases, plots, logs and code views at once and is remembered by the next window and session."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from child_process import run_child, survived
from workbench.gui import theme
from workbench.gui.contrast import GRAPHIC, TEXT, blend, contrast
from workbench.gui.runs import ansi, plot_style
from workbench.gui.python_highlighter import DARK_TOKENS, LIGHT_TOKENS

SCHEMES = ("light", "dark")
Role = QPalette.ColorRole


@pytest.fixture(autouse=True)
def back_to_system_theme():
    """The palette is the application's: leave it as the next test expects it."""
    yield
    if QApplication.instance() is not None:
        theme.apply_theme(QApplication.instance(), "system")


def failing(pairs: list[tuple[str, str, str, float]]) -> list[str]:
    return [f"{what}: {fg} on {bg} = {contrast(fg, bg):.2f} < {minimum}" for what, fg, bg, minimum in pairs
            if contrast(fg, bg) < minimum]


def pick(window, choice: str, qtbot) -> None:
    """Settings > Theme > choice, through the menu's own action; wait for the palette events."""
    window.theme_menu.actions_by_choice[choice].trigger()
    qtbot.wait(30)


# ----- colour pairs, as defined --------------------------------------------------------------------

def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near-miss grey
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert blend("#000000", "#ffffff", 0.5) == "#808080"
    with pytest.raises(ValueError):
        contrast("red", "#fff")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_palette_text_pairs_read(scheme):
    colors = theme.colors(scheme)
    pairs = [(f"{fg.name}/{bg.name}", colors[fg], colors[bg], TEXT) for fg, bg in theme.TEXT_PAIRS]
    pairs += [(f"{kind} on {bg.name}", color, colors[bg], TEXT) for kind, color in theme.STATUS_TEXT[scheme].items()
              for bg in (Role.Window, Role.Base, Role.AlternateBase)]
    pairs += [("selection on the view", colors[Role.Highlight], colors[Role.Base], GRAPHIC)]
    assert failing(pairs) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_code_log_and_plot_colours_read(scheme):
    base = theme.colors(scheme)[Role.Base]
    text = theme.colors(scheme)[Role.Text]
    tokens = DARK_TOKENS if scheme == "dark" else LIGHT_TOKENS
    pairs = [(f"python {token}", color, base, TEXT) for token, color in tokens.items()]
    logs = ansi.log_colours(scheme == "dark")
    pairs += [(f"ansi {kind} {i}", color, base, TEXT)
              for kind in ("fg", "bright") for i, color in enumerate(logs[kind])]
    pairs += [(f"text on ansi background {i}", text, color, TEXT) for i, color in enumerate(logs["bg"])]
    pairs += [("log task prefix", logs["muted"], base, TEXT), ("stderr", logs["stderr"], base, TEXT)]
    plot = plot_style.DARK_PLOT if scheme == "dark" else plot_style.LIGHT_PLOT
    pairs += [("plot text", plot.text, plot.background, TEXT),
              ("reference line", plot.neutral, plot.background, GRAPHIC)]
    pairs += [(f"curve {i}", color, plot.background, TEXT) for i, color in enumerate(plot.curves)]
    pairs += [(f"curve {i} as task list text", color, base, TEXT) for i, color in enumerate(plot.curves)]
    from workbench.gui.runs.artifact_views import CONFUSION_ALPHA, CONFUSION_SHADE

    pairs += [(f"confusion cell at {a}", text, blend(CONFUSION_SHADE, base, a), TEXT) for a in CONFUSION_ALPHA]
    assert failing(pairs) == []


def test_curve_colours_of_a_theme_are_distinct():
    for plot in (plot_style.LIGHT_PLOT, plot_style.DARK_PLOT):
        assert len(set(plot.curves)) == len(plot.curves) == 10


# ----- the canvas as drawn ---------------------------------------------------------------------------

def pixel(image, view, scene_point: QPointF) -> str:
    point = view.mapFromScene(scene_point)
    return image.pixelColor(point).name()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_rendered_canvas_colours_read(window, tab, qtbot, scheme):
    from workbench.gui.canvas.style import _TYPE_COLORS, KIND_COLORS, STATE_COLORS, frame_title_color

    graph = tab.document.graph
    first, second = list(graph.nodes)
    for node_id, kind in ((first, "loop"), (second, "condition")):
        tab.scene.select_ids([node_id])
        tab.wrap(kind)
    tab.scene.select_ids([])
    pick(window, scheme, qtbot)
    tab.view.reset_zoom()
    tab.view.centerOn(tab.scene.content_rect().center())
    qtbot.wait(30)
    image = tab.view.viewport().grab().toImage()
    assert (QColor(pixel(image, tab.view, tab.view.mapToScene(4, 4))).lightness() < 100) == (scheme == "dark")
    background = pixel(image, tab.view, tab.view.mapToScene(4, 4))
    item = tab.scene.nodes[first]
    node_fill = pixel(image, tab.view, item.mapToScene(QPointF(item.boundingRect().center().x(),
                                                                item.boundingRect().bottom() - 8)))
    text = theme.colors(scheme)[Role.Text]
    assert QApplication.palette().color(Role.Text).name() == text
    pairs = [("task title", text, node_fill, TEXT),
             ("component name", blend(text, node_fill, 150 / 255), node_fill, TEXT),
             ("selection outline", theme.colors(scheme)[Role.Highlight], background, GRAPHIC)]
    pairs += [(f"{name} port/edge on canvas", c, background, GRAPHIC) for name, c in _TYPE_COLORS.items()]
    pairs += [(f"{name} port on task", c, node_fill, GRAPHIC) for name, c in _TYPE_COLORS.items()]
    pairs += [(f"state {name} label", "#ffffff", c, TEXT) for name, c in STATE_COLORS.items()]
    for group_id, group in graph.groups.items():
        frame = tab.scene.frames[group_id]
        header = frame.header_rect()
        fill = pixel(image, tab.view, frame.mapToScene(QPointF(header.right() - 6, header.center().y())))
        assert fill != background  # the frame is tinted by its kind
        pairs.append((f"{group.kind} frame title", frame_title_color(group.kind).name(), fill, TEXT))
        pairs.append((f"{group.kind} frame outline", KIND_COLORS[group.kind], background, GRAPHIC))
    assert failing(pairs) == []


# ----- switching at runtime ---------------------------------------------------------------------------

def glyph_color(icon, mode=None) -> str:
    """The colour of an icon's opaque pixels (its stroke)."""
    from PySide6.QtGui import QIcon

    image = icon.pixmap(32, 32, mode or QIcon.Mode.Normal).toImage()
    opaque = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())
              if image.pixelColor(x, y).alpha() == 255]
    return max({c.name() for c in opaque}, key=[c.name() for c in opaque].count)


def metrics_session():
    import time

    from workbench.gui.runs.session import RunSession
    from workbench.runs.events import LogLine, MetricLogged

    session = RunSession("r1")
    for step in range(20):
        session.apply(MetricLogged("r1", "train-a", "loss", 1 / (step + 1), step, time.time()))
    session.apply(LogLine("r1", "train-a", "\x1b[30mblack text\x1b[0m plain", time.time()))
    return session


def test_switching_theme_restyles_open_canvas_plots_logs_and_code(window, tab, qtbot):
    from workbench.gui.python_highlighter import PythonHighlighter
    from workbench.gui.runs.artifact_views import roc_plot
    from workbench.gui.runs.logs_panel import LogsPanel
    from workbench.gui.runs.metrics_dock import MetricsPanel

    session = metrics_session()
    metrics, logs, code = MetricsPanel(), LogsPanel(), QPlainTextEdit("def f():\n    return 1  # one\n")
    roc = roc_plot({"gradient boosting": ([0.1, 0.3], [0.6, 0.9])})
    highlighter = PythonHighlighter(code.document())
    for widget in (metrics, logs, code, roc):
        qtbot.addWidget(widget)
        widget.show()
    metrics.set_session(session)
    logs.set_session(session)
    qtbot.waitUntil(lambda: metrics.curves.get("train-a") is not None)

    def state():
        image = tab.view.viewport().grab().toImage()
        roc_item = roc.getPlotItem()
        roc_curve = roc_item.listDataItems()[1]
        ranges = code.document().firstBlock().layout().formats()
        keyword = ranges[0].format.foreground().color().name()
        return {"canvas": QColor(image.pixelColor(4, 4)).lightness(),
                "plot": metrics.plot.backgroundBrush().color().name(),
                "axis": roc_item.getAxis("left").textPen().color().name(),
                "legend": roc_item.legend.opts["labelTextColor"].name(),
                "curve": metrics.curves["train-a"].opts["pen"].color().name(),
                "roc": roc_curve.opts["pen"].color().name(),
                "task": metrics.tasks.item(0).foreground().color().name(),
                "log": logs.text.document().toHtml(), "keyword": keyword,
                "icon": glyph_color(window.actions_by_name["fit"].icon()),
                "undo": glyph_color(window.actions_by_name["undo"].icon())}

    for scheme in ("dark", "light", "dark"):
        plot = plot_style.DARK_PLOT if scheme == "dark" else plot_style.LIGHT_PLOT
        pick(window, scheme, qtbot)
        shown = state()
        assert (shown["canvas"] < 100) == (scheme == "dark")
        assert shown["plot"] == plot.background
        assert shown["axis"] == shown["legend"] == plot.text
        assert shown["curve"] == shown["roc"] == shown["task"] == plot.curves[0]
        assert ansi.log_colours(scheme == "dark")["fg"][0] in shown["log"]
        assert shown["keyword"] == (DARK_TOKENS if scheme == "dark" else LIGHT_TOKENS)["keyword"]
        assert window.palette().color(Role.Window).name() == theme.colors(scheme)[Role.Window]
        assert window.theme_menu.actions_by_choice[scheme].isChecked()
        assert shown["icon"] == shown["undo"] == theme.colors(scheme)[Role.WindowText]
    assert highlighter.dark


def test_menu_offers_the_three_choices_under_settings(window):
    settings_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Settings")
    theme_menu = next(a.menu() for a in settings_menu.actions() if a.menu() is not None and a.text() == "&Theme")
    assert [a.text() for a in theme_menu.actions()] == ["Follow &System", "&Light", "&Dark"]
    assert theme_menu.actions()[0].isChecked()  # a new user follows the system
    assert sum(a.isChecked() for a in theme_menu.actions()) == 1


def test_following_the_system_applies_its_dark_scheme(window, qtbot, monkeypatch):
    """A platform that reports dark but hands out a light palette still shows dark."""
    monkeypatch.setattr(theme, "system_scheme", lambda app: "dark")
    QApplication.instance().styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    qtbot.wait(30)
    assert window.theme_menu.scheme == "dark"
    assert QApplication.palette().color(Role.Window).name() == theme.DARK[Role.Window]
    monkeypatch.setattr(theme, "system_scheme", lambda app: "light")
    pick(window, "light", qtbot)  # forced: the system's scheme no longer matters
    QApplication.instance().styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert window.theme_menu.scheme == "light"


def test_choice_is_remembered_by_a_new_window(window, qtbot, catalog):
    from workbench.gui.main_window import MainWindow

    pick(window, "dark", qtbot)
    theme.apply_theme(QApplication.instance(), "system")  # as at the start of a new session
    again = MainWindow(catalog)
    qtbot.addWidget(again)
    assert again.theme_menu.actions_by_choice["dark"].isChecked()
    assert QApplication.palette().color(Role.Window).name() == theme.DARK[Role.Window]
    again.close()


CHILD = """
import json, sys
from PySide6.QtWidgets import QApplication
from PySide6.QtGui import QPalette
app = QApplication([])
from workbench.gui.main_window import MainWindow
window = MainWindow()
if len(sys.argv) > 1:
    window.theme_menu.actions_by_choice[sys.argv[1]].trigger()
print(json.dumps({"checked": [c for c, a in window.theme_menu.actions_by_choice.items() if a.isChecked()],
                  "window": app.palette().color(QPalette.ColorRole.Window).name()}))
window.close()
"""


def test_choice_survives_a_restart_in_its_own_config_dir(tmp_path):
    script = tmp_path / "theme_child.py"
    script.write_text(CHILD)
    first = json.loads(survived(run_child([str(script), "dark"], tmp_path / "data", 120)).stdout.splitlines()[-1])
    second = json.loads(survived(run_child([str(script)], tmp_path / "data", 120)).stdout.splitlines()[-1])
    assert first == second == {"checked": ["dark"], "window": theme.DARK[Role.Window]}
    stored = (tmp_path / "config" / "pipeline-workbench" / "workbench.conf").read_text()
    assert "theme=dark" in stored  # in the session's own config dir, not the user's
