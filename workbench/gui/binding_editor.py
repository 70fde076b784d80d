"""Choose what feeds one input: a constant, a pipeline parameter, an upstream output, the loop
item (or one of its fields), outputs collected from a loop, or the pipeline's final status."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QStackedWidget, QVBoxLayout, QWidget

from workbench.components.spec import Port
from workbench.gui.connections import connection_problem
from workbench.model.bindings import Binding
from workbench.model.document import PipelineGraph
from workbench.model.types import TASK_FINAL_STATUS
from workbench.gui.combo_data import find_data
from workbench.gui.value_editor import ValueEditor

KIND_LABELS = {"": "not set", "constant": "Value", "parameter": "Pipeline parameter", "output": "Upstream output",
               "loop_item": "Loop item", "collected": "Collected from loop", "task_final_status": "Final status",
               "template": "Text with values", "one_of": "Output of the branch that ran"}


def available_kinds(graph: PipelineGraph, node_id: str, port: Port) -> list[str]:
    if port.type == TASK_FINAL_STATUS:
        return ["", "task_final_status"]
    kinds = [""] + ([] if port.is_artifact else ["constant", "parameter"]) + ["output"]
    if any(graph.groups[g].kind == "loop" for g in graph.ancestors(node_id)):
        kinds.append("loop_item")
    kinds.append("collected")
    return kinds


def output_choices(graph: PipelineGraph, node_id: str, port: Port, kind: str) -> list[tuple[str, Binding]]:
    """Upstream outputs that may feed this input as `kind` (output or collected)."""
    from workbench.gui.connections import binding_for

    choices = []
    for other in graph.nodes.values():
        if other.id == node_id:
            continue
        for out in graph.component_of(other.id).outputs:
            binding = binding_for(graph, other.id, out.name, node_id)
            if binding.kind == kind and connection_problem(graph, other.id, out.name, node_id, port.name) is None:
                choices.append((f"{other.name}.{out.name} ({out.type})", binding))
    return choices


class BindingEditor(QWidget):
    binding_edited = Signal(object, bool)  # Binding | None, merge (True while typing a value)

    def __init__(self, graph: PipelineGraph, node_id: str, port: Port, binding: Binding | None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.graph, self.node_id, self.port = graph, node_id, port
        self.kind = QComboBox()
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for kind in available_kinds(graph, node_id, port):
            self.kind.addItem(KIND_LABELS[kind], kind)
            self.pages[kind] = self._page(kind, binding if binding and binding.kind == kind else None)
            self.stack.addWidget(self.pages[kind])
        current = binding.kind if binding else ""
        if current not in self.pages:  # a binding the editor cannot offer here: show it read-only
            self.kind.addItem(KIND_LABELS.get(current, current), current)
            self.pages[current] = QLabel(binding.describe({n.id: n.name for n in graph.nodes.values()}))
            self.stack.addWidget(self.pages[current])
        self.kind.setCurrentIndex(self.kind.findData(current))
        self.stack.setCurrentWidget(self.pages[current])
        self.kind.activated.connect(self._kind_chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.kind)
        layout.addWidget(self.stack)

    def _page(self, kind: str, binding: Binding | None) -> QWidget:
        if kind == "constant":
            default = self.port.default if binding is None else binding.value
            editor = ValueEditor(self.port.type, default)
            editor.value_edited.connect(lambda value: self.binding_edited.emit(Binding.constant(value), True))
            editor.value_committed.connect(lambda value: self.binding_edited.emit(Binding.constant(value), False))
            return editor
        if kind in ("parameter", "output", "collected"):
            combo = QComboBox()
            if kind == "parameter":
                for parameter in self.graph.parameters.values():
                    combo.addItem(f"{parameter.name} ({parameter.type})", Binding.param(parameter.name))
            else:
                for label, choice in output_choices(self.graph, self.node_id, self.port, kind):
                    combo.addItem(label, choice)
            if binding is not None:
                combo.setCurrentIndex(max(0, find_data(combo, binding)))
            combo.activated.connect(lambda _i, c=combo: self.binding_edited.emit(c.currentData(), False))
            return combo
        if kind == "loop_item":
            return self._loop_page(binding)
        if kind == "task_final_status":
            return QLabel("the pipeline's final status (for an exit task)")
        names = {n.id: n.name for n in self.graph.nodes.values()}
        return QLabel(binding.describe(names) if binding else "")  # template, one_of: shown, kept as they are

    def _loop_page(self, binding: Binding | None) -> QWidget:
        page = QWidget()
        loops = QComboBox()
        for group_id in self.graph.ancestors(self.node_id):
            group = self.graph.groups[group_id]
            if group.kind == "loop":
                loops.addItem(group.label, group_id)
        field = QLineEdit(binding.field if binding else "")
        field.setPlaceholderText("field (for dict items)")
        if binding is not None:
            loops.setCurrentIndex(max(0, loops.findData(binding.loop)))
        emit = lambda: self.binding_edited.emit(Binding.loop_item(loops.currentData(), field.text().strip()), False)
        loops.activated.connect(lambda _i: emit())
        field.editingFinished.connect(emit)
        layout = QHBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(loops)
        layout.addWidget(field)
        return page

    def _kind_chosen(self, _index: int) -> None:
        kind = self.kind.currentData()
        page = self.pages[kind]
        self.stack.setCurrentWidget(page)
        self.binding_edited.emit(self._binding_from_page(kind, page), False)

    def _binding_from_page(self, kind: str, page: QWidget) -> Binding | None:
        if kind == "":
            return None
        if kind == "task_final_status":
            return Binding.final_status()
        if isinstance(page, ValueEditor):
            try:
                return Binding.constant(page.value())
            except ValueError:
                return Binding.constant(None)
        if isinstance(page, QComboBox):
            return page.currentData()
        loops = page.findChild(QComboBox)
        field = page.findChild(QLineEdit)
        return Binding.loop_item(loops.currentData(), field.text().strip()) if loops.currentData() else None
