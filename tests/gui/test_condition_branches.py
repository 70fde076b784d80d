"""Pipeline > Wrap in Condition makes an If (with a condition from the start, so the pipeline stays
valid and compiles); Elif and Else are added from the branch's frame, an Else only at a chain's end."""

from __future__ import annotations

from gui_drive import frame_point, node_named
from menu_drive import open_menu
from workbench.compiler.compile import compile_graph
from workbench.model.bindings import Binding
from workbench.model.expressions import Comparison
from workbench.model.validate import validate


def branch_errors(graph, group_id: str) -> list[str]:
    return [d.message for d in validate(graph) if d.element == group_id and d.severity == "error"]


def test_wrap_in_condition_menu_makes_a_valid_if(window, tab):
    graph = tab.document.graph
    train = node_named(graph, "train")
    tab.document.connect_ports(node_named(graph, "make-data"), "data", train, "data")
    tab.scene.select_ids([train])
    window.actions_by_name["wrap_condition"].trigger()
    (branch,) = graph.groups
    group = graph.groups[branch]
    assert group.label == "If" and group.follows is None
    assert group.condition == Comparison(Binding.param("threshold"), "==", Binding.constant(0.0))
    assert branch_errors(graph, branch) == []
    assert "pipelinechannel--threshold'] == 0.0" in compile_graph(graph)


def test_wrap_in_condition_with_nothing_in_reach_is_still_an_if(window, small_graph):
    from workbench.gui.editor_document import EditorDocument

    small_graph.remove_node(node_named(small_graph, "train"))
    small_graph.remove_parameter("threshold")
    tab = window.add_document(EditorDocument(small_graph))
    tab.scene.select_ids([node_named(small_graph, "make-data")])
    branch = tab.wrap("condition")
    group = small_graph.groups[branch]
    assert group.condition is not None and group.label == "If"
    assert branch_errors(small_graph, branch) == []
    compile_graph(small_graph)


def test_frame_menu_adds_elif_then_else_and_no_second_else(window, tab):
    graph, document = tab.document.graph, tab.document
    train = node_named(graph, "train")
    tab.scene.select_ids([train])
    branch = tab.wrap("condition")

    def frame_menu(group_id: str, pick: str | None = None) -> dict:
        return open_menu(tab.view.viewport(), tab.view.mapFromScene(frame_point(tab, group_id)), pick)

    assert {"Add Elif Branch", "Add Else Branch"} <= set(frame_menu(branch)["entries"])
    frame_menu(branch, "Add Elif Branch")
    elif_branch = next(g for g in graph.groups if graph.groups[g].follows == branch)
    assert graph.groups[elif_branch].label == "Elif"
    assert frame_menu(elif_branch)["enabled"]["Add Else Branch"]
    frame_menu(elif_branch, "Add Else Branch")
    else_branch = next(g for g in graph.groups if graph.groups[g].follows == elif_branch)
    assert graph.groups[else_branch].label == "Else"
    after_else = frame_menu(else_branch)["enabled"]
    assert not after_else["Add Elif Branch"] and not after_else["Add Else Branch"], "nothing is added after an Else"
    assert not document.can_add_branch(elif_branch, True), "an Else only ends the chain"
    assert all(branch_errors(graph, g) == [] for g in (branch, elif_branch, else_branch))
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert list(graph.groups) == [branch]
