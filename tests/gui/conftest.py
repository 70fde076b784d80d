"""GUI fixtures: offscreen Qt, a private data dir, and a small document built from container
components (no kfp needed) whose ports cover parameters, artifacts and an incompatible pair."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from workbench.components.authoring import container_component
from workbench.components.spec import Port
from workbench.model.bindings import Binding
from workbench.model.document import Node, Parameter, PipelineGraph, new_id

pytestmark = pytest.mark.gui


def producer():
    return container_component("Toy data", "python:3.11-slim", ["python", "-c", "pass"], [],
                               inputs=[Port("rows", "Integer", optional=True, default=10)],
                               outputs=[Port("data", "system.Dataset"), Port("count", "Integer")],
                               category="Data")


def consumer():
    return container_component("Toy trainer", "python:3.11-slim", ["python", "-c", "pass"], [],
                               inputs=[Port("data", "system.Dataset"), Port("rate", "Float", optional=True,
                                                                               default=0.1),
                                       Port("label", "String", optional=True, default="x")],
                               outputs=[Port("model", "system.Model"), Port("accuracy", "Float")],
                               category="Training")


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path, monkeypatch):
    """Recovery files, user components and QSettings go to a temporary folder."""
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    from PySide6.QtCore import QSettings

    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        # QSettings(organization, application) uses the native format: redirect both
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    return tmp_path / "data"


@pytest.fixture(autouse=True)
def release_clipboard():
    """Under X11 this process owns what a test copied; a child it then waits for (the exerciser)
    would wait 5 s on each clipboard read nobody answers. Give the clipboard up after each test."""
    yield
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        QGuiApplication.clipboard().clear()


@pytest.fixture
def small_graph() -> PipelineGraph:
    graph = PipelineGraph("demo", "a small demo")
    graph.set_parameter(Parameter("threshold", "Float", 0.5))
    graph.add_component("make-data", producer())
    graph.add_component("train", consumer())
    graph.add_node(Node(new_id(), "make-data", "make-data", position=(0.0, 0.0)))
    graph.add_node(Node(new_id(), "train", "train", position=(400.0, 0.0),
                        inputs={"rate": Binding.param("threshold")}))
    return graph


@pytest.fixture
def catalog(isolated_data_dir):
    """The real catalog: built-ins plus the two test components saved to the user's library."""
    from workbench.gui.catalog import ComponentCatalog

    catalog = ComponentCatalog()
    catalog.save_user_component(producer())
    catalog.save_user_component(consumer())
    return catalog


@pytest.fixture
def window(qtbot, catalog):
    from workbench.gui.main_window import MainWindow

    window = MainWindow(catalog)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    yield window
    for tab in window.tabs_list():
        tab.document.undo_stack.setClean()
    window.close()


@pytest.fixture
def tab(window, small_graph, qtbot):
    from workbench.gui.editor_document import EditorDocument

    tab = window.add_document(EditorDocument(small_graph))
    tab.view.reset_zoom()
    tab.view.centerOn(300, 60)
    return tab


class DialogRecorder:
    """Stands in for modal message boxes (they would block an offscreen test run): records each
    message and answers questions with `answer`."""

    def __init__(self):
        self.messages: list[tuple[str, str, str]] = []
        self.answer = None

    def install(self, monkeypatch) -> None:
        from PySide6.QtWidgets import QMessageBox

        def make(kind: str):
            def show(parent, title, text, *args, **kwargs):
                self.messages.append((kind, title, text))
                if kind == "question":
                    return self.answer if self.answer is not None else QMessageBox.StandardButton.Discard
                return QMessageBox.StandardButton.Ok
            return show

        for kind in ("question", "warning", "information", "critical"):
            monkeypatch.setattr(QMessageBox, kind, staticmethod(make(kind)))


@pytest.fixture(autouse=True)
def dialogs(monkeypatch) -> DialogRecorder:
    recorder = DialogRecorder()
    recorder.install(monkeypatch)
    return recorder
