"""The palette's Google Cloud category: not built at start-up, built off the GUI thread on first
expand or search, its components added to the canvas with their docstring in the inspector; the
Run dialog names the tasks that only Vertex AI can run."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from workbench.components.google_cloud import CATEGORY
from workbench.gui.palette import KEY_ROLE


def _category(palette):
    tree = palette.tree
    return next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).text(0) == CATEGORY)


def _names(item):
    return [item.child(row).text(0) for row in range(item.childCount())]


def test_expanding_the_category_loads_it_and_a_component_lands_with_its_docs(window, tab, qtbot):
    palette = window.palette_panel
    assert palette.google_cloud == "idle"
    assert not any(e.category == CATEGORY for e in window.catalog.entries)
    category = _category(palette)
    assert _names(category) == ["expand to load"] and not category.isExpanded()
    palette.tree.expandItem(category)
    qtbot.waitUntil(lambda: palette.google_cloud == "loaded", timeout=120_000)
    category = _category(palette)
    assert {"model-deploy", "model-upload", "endpoint-create", "bigquery-query-job"} <= set(_names(category))
    deploy = next(category.child(r) for r in range(category.childCount()) if category.child(r).text(0) == "model-deploy")
    key = deploy.data(0, KEY_ROLE)
    assert window.catalog.find(key).spec.description.startswith("[Deploys]")
    node_id = tab.add_component(key)
    assert node_id in tab.document.graph.nodes
    window.inspector.set_selection([node_id])

    def shown() -> str:
        return " ".join(label.text() for label in window.inspector.findChildren(QLabel))
    qtbot.waitUntil(lambda: "Deploys" in shown(), timeout=5_000)


def test_searching_loads_the_category_and_filters_it(window, qtbot):
    palette = window.palette_panel
    palette.search.setText("bigquery query")
    qtbot.waitUntil(lambda: palette.google_cloud == "loaded", timeout=120_000)
    palette.search.setText("query-job")
    category = _category(palette)
    visible = [category.child(r).text(0) for r in range(category.childCount()) if not category.child(r).isHidden()]
    assert visible == ["bigquery-query-job"]


def test_run_dialog_names_the_vertex_only_tasks_for_local_targets(qtbot, small_graph):
    from workbench.components.google_cloud import google_cloud_spec
    from workbench.gui.runs.run_dialog import RunDialog, local_failures_text
    from workbench.model.document import Node, new_id

    assert local_failures_text(small_graph) == ""
    small_graph.add_component("gcp_endpoint_create", google_cloud_spec("gcp_endpoint_create"))
    small_graph.add_node(Node(new_id(), "make-endpoint", "gcp_endpoint_create"))
    text = local_failures_text(small_graph)
    assert text == "Will fail in a local run (runs on Vertex AI only): make-endpoint"
    dialog = RunDialog(small_graph.name, list(small_graph.parameters.values()), local_failures=text)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.local_failures.isVisible() and "make-endpoint" in dialog.local_failures.text()
    dialog.target.addItem("Remote: vertex", "vertex")
    dialog.target.setCurrentIndex(dialog.target.count() - 1)
    assert not dialog.local_failures.isVisible()


def test_a_boolean_input_editor_reports_its_toggle(qtbot):
    """GCPC components have Boolean inputs; their editor once failed to build (signal to signal)."""
    from workbench.gui.value_editor import ValueEditor

    editor = ValueEditor("Boolean", False)
    qtbot.addWidget(editor)
    with qtbot.waitSignal(editor.value_edited) as emitted:
        editor.check.click()
    assert emitted.args == [True]
