"""The crashes users hit, replayed with real popups and key events (run as a child process by
test_popup_picks.py): pick "Value" in a task input's binding dropdown, pick ">=" as a condition
branch's operator, step a loop's Parallelism spin box then pick in its "Items from" dropdown.
Prints `RESULT {json}` with what the graph holds afterwards."""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QComboBox, QSpinBox  # noqa: E402

from exercise_app import pick, settle  # noqa: E402

EXAMPLE = "pipelines/sharded_processing.wbp"


def start():
    from workbench.gui.editor_document import EditorDocument
    from workbench.gui.main_window import MainWindow
    from workbench.gui.opening import open_file

    QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    QTest.qWaitForWindowExposed(window, 2000)
    opened = open_file(EXAMPLE)
    tab = window.add_document(EditorDocument(opened.graph, opened.path))
    settle()
    return window, tab


def page_combos(window) -> list[QComboBox]:
    return [c for c in window.inspector.page.findChildren(QComboBox) if c.isVisible()]


def binding_value(window, tab) -> dict:
    from workbench.gui.binding_editor import BindingEditor

    graph = tab.document.graph
    for node_id in graph.nodes:
        tab.scene.select_ids([node_id])
        settle()
        for editor in window.inspector.page.findChildren(BindingEditor):
            if editor.kind.findData("constant") >= 0 and editor.kind.currentData() != "constant":
                port = editor.port.name
                pick(editor.kind, editor.kind.findData("constant"))
                binding = graph.nodes[node_id].inputs.get(port)
                return {"task": graph.nodes[node_id].name, "port": port, "kind": binding.kind if binding else None}
    raise SystemExit("no input without a value in the example")


def condition_operator(window, tab) -> dict:
    from workbench.gui.condition_builder import ConditionBuilder

    graph = tab.document.graph
    tab.scene.select_ids([next(iter(graph.nodes))])
    branch = tab.wrap("condition")
    settle()
    row = window.inspector.page.findChild(ConditionBuilder).rows[0]
    pick(row.op, row.op.findText(">="))
    return {"op": graph.groups[branch].condition.op}


def loop_parallelism_then_items(window, tab) -> dict:
    graph = tab.document.graph
    loop = next(g for g in graph.groups.values() if g.kind == "loop")
    tab.scene.select_ids([loop.id])
    settle()
    spin = window.inspector.page.findChild(QSpinBox)
    before = graph.groups[loop.id].parallelism
    spin.setFocus()
    QTest.keyClick(spin, Qt.Key.Key_Up)
    settle()
    items_before = graph.groups[loop.id].items.kind
    source = page_combos(window)[0]
    pick(source, (source.currentIndex() + 1) % source.count())
    return {"parallelism": [before, graph.groups[loop.id].parallelism],
            "items": [items_before, graph.groups[loop.id].items.kind]}


if __name__ == "__main__":
    window, tab = start()
    result = globals()[sys.argv[1]](window, tab)
    settle()
    print("RESULT " + json.dumps(result), flush=True)
    tab.document.undo_stack.setClean()
