"""Properties of a group: loop items and parallelism, condition branches and expression, or the
exit task of an exit handler."""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from workbench.gui.condition_builder import ConditionBuilder
from workbench.gui.editor_document import EditorDocument
from workbench.gui.value_editor import ValueEditor
from workbench.gui.combo_data import find_data
from workbench.model.bindings import Binding

ITEM_SOURCES = (("constant", "Literal list"), ("parameter", "Pipeline parameter"), ("output", "Upstream output"))


class GroupInspector(QWidget):
    def __init__(self, document: EditorDocument, group_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.document, self.group_id = document, group_id
        group = document.graph.groups[group_id]
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        name = QLineEdit(group.name)
        name.setPlaceholderText(group.label)
        name.textEdited.connect(lambda text: document.update_group(group_id, "Rename group", True, name=text))
        form.addRow("Name", name)
        if group.kind == "loop":
            self._loop_fields(form)
        elif group.kind == "condition":
            self._condition_fields(form, layout)
        else:
            self._exit_fields(form)
        unwrap = QPushButton("Unwrap (keep the tasks)")
        unwrap.clicked.connect(lambda: document.unwrap(group_id))
        layout.addWidget(unwrap)
        layout.addStretch(1)

    # ----- loop --------------------------------------------------------------------------------

    def _loop_fields(self, form: QFormLayout) -> None:
        group = self.document.graph.groups[self.group_id]
        source = QComboBox()
        for kind, label in ITEM_SOURCES:
            source.addItem(label, kind)
        current = group.items.kind if group.items else "constant"
        source.setCurrentIndex(max(0, source.findData(current)))
        form.addRow("Items from", source)
        literal = ValueEditor("List", group.items.value if current == "constant" and group.items else [])
        literal.value_committed.connect(lambda value: self._set_items(Binding.constant(value), False))
        pick = QComboBox()
        self._fill_item_choices(pick, current)
        pick.activated.connect(lambda _i: self._set_items(pick.currentData(), False))
        form.addRow("Items", literal if current == "constant" else pick)
        source.activated.connect(lambda _i: self._items_source_chosen(source.currentData(), pick))
        parallelism = QSpinBox(minimum=0, maximum=1000, value=group.parallelism)
        parallelism.setSpecialValueText("unlimited")
        parallelism.valueChanged.connect(lambda n: self.document.update_group(self.group_id, "Set parallelism", True,
                                                                               parallelism=n))
        form.addRow("Parallelism", parallelism)
        hint = QLabel("Inside the loop, drag from the frame's \u25cf item port to an input, or bind an input to "
                      "\u201cLoop item\u201d (with a field for dict items).")
        hint.setWordWrap(True)
        form.addRow(hint)

    def _fill_item_choices(self, combo: QComboBox, kind: str) -> None:
        graph = self.document.graph
        combo.clear()
        if kind == "parameter":
            for p in graph.parameters.values():
                if p.type == "List":
                    combo.addItem(f"{p.name} (List)", Binding.param(p.name))
        elif kind == "output":
            inside = set(graph.nodes_in(self.group_id))
            for node in graph.nodes.values():
                if node.id not in inside:
                    for port in graph.component_of(node.id).outputs:
                        if port.type == "List":
                            combo.addItem(f"{node.name}.{port.name}", Binding.from_output(node.id, port.name))
        if kind != "constant" and combo.count() == 0:
            combo.addItem(f"(no List-typed {'parameter' if kind == 'parameter' else 'upstream output'})", None)
        items = graph.groups[self.group_id].items
        if items is not None:
            combo.setCurrentIndex(max(0, find_data(combo, items)))

    def _items_source_chosen(self, kind: str, combo: QComboBox) -> None:
        if kind == "constant":
            self._set_items(Binding.constant([]), False)
            return
        self._fill_item_choices(combo, kind)
        if combo.itemData(0) is not None:
            self._set_items(combo.itemData(0), False)

    def _set_items(self, binding: Binding | None, merge: bool) -> None:
        if binding is not None:
            self.document.update_group(self.group_id, "Set loop items", merge, items=binding)

    # ----- condition ---------------------------------------------------------------------------

    def _condition_fields(self, form: QFormLayout, layout: QVBoxLayout) -> None:
        group = self.document.graph.groups[self.group_id]
        form.addRow("Branch", QLabel(group.label if not group.name else
                                     ("Else" if group.condition is None else ("Elif" if group.follows else "If"))))
        if group.condition is not None or group.follows is None:
            builder = ConditionBuilder(self.document.graph, self.group_id, group.condition)
            builder.expression_edited.connect(
                lambda expr: self.document.update_group(self.group_id, "Edit condition", False, condition=expr))
            form.addRow("Condition", builder)
        else:
            form.addRow(QLabel("Runs when no earlier branch of the chain ran."))
        if group.condition is not None:
            buttons = QHBoxLayout()
            for label, is_else in (("Add Elif", False), ("Add Else", True)):
                button = QPushButton(label)
                button.setEnabled(self.document.can_add_branch(self.group_id, is_else))
                button.clicked.connect(lambda _c=False, e=is_else: self.document.add_branch(self.group_id, e))
                buttons.addWidget(button)
            layout.addLayout(buttons)

    # ----- exit handler ------------------------------------------------------------------------

    def _exit_fields(self, form: QFormLayout) -> None:
        graph, group = self.document.graph, self.document.graph.groups[self.group_id]
        inside = set(graph.nodes_in(self.group_id))
        exit_task = QComboBox()
        exit_task.addItem("(choose the task that always runs)", "")
        for node in graph.nodes.values():
            if node.id not in inside and graph.parent_of(node.id) is None:
                exit_task.addItem(node.name, node.id)
        exit_task.setCurrentIndex(max(0, exit_task.findData(group.exit_node)))
        exit_task.activated.connect(lambda _i: self.document.update_group(
            self.group_id, "Set exit task", False, exit_node=exit_task.currentData()))
        form.addRow("Exit task", exit_task)
        hint = QLabel("The exit task runs after the body whatever its outcome; bind one of its inputs to "
                      "\u201cFinal status\u201d to receive how the pipeline ended.")
        hint.setWordWrap(True)
        form.addRow(hint)
