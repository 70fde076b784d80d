"""Properties of one task: names, an editor per input generated from the component's ports
(typed by KFP type), task options and the Kubernetes section."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from workbench.components.spec import k8s_name
from workbench.gui.binding_editor import BindingEditor
from workbench.gui.canvas.style import type_color
from workbench.gui.editor_document import EditorDocument
from workbench.gui.kubernetes_section import KubernetesSection
from workbench.gui.task_options import TaskOptionsEditor


class NodeInspector(QWidget):
    def __init__(self, document: EditorDocument, node_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.document, self.node_id = document, node_id
        graph = document.graph
        node, spec = graph.nodes[node_id], graph.component_of(node_id)
        layout = QVBoxLayout(self)
        header = QFormLayout()
        self.name = QLineEdit(node.name)
        self.name.editingFinished.connect(self._rename)
        self.display_name = QLineEdit(node.display_name)
        self.display_name.setPlaceholderText(node.name)
        self.display_name.textEdited.connect(
            lambda text: document.update_node(node_id, "Edit display name", True, display_name=text))
        header.addRow("Task name", self.name)
        header.addRow("Display name", self.display_name)
        component = QLabel(f"<b>{spec.name}</b> ({spec.kind})<br>{spec.description}")
        component.setWordWrap(True)
        header.addRow("Component", component)
        layout.addLayout(header)
        inputs = QGroupBox("Inputs")
        form = QFormLayout(inputs)
        for port in spec.inputs:
            label = QLabel(f"<span style='color:{type_color(port.type).name()}'>\u25cf</span> {port.name}"
                           f"{'' if port.optional else ' *'}")
            label.setToolTip(f"{port.type}{': ' + port.description if port.description else ''}")
            editor = BindingEditor(graph, node_id, port, node.inputs.get(port.name))
            editor.binding_edited.connect(lambda binding, merge, name=port.name:
                                          document.set_binding(node_id, name, binding, merge))
            form.addRow(label, editor)
        if not spec.inputs:
            form.addRow(QLabel("This component has no inputs."))
        layout.addWidget(inputs)
        options = TaskOptionsEditor(node.options)
        options.options_edited.connect(lambda value, merge: document.update_node(node_id, "Edit task options",
                                                                                  merge, options=value))
        layout.addWidget(options)
        self.kubernetes = KubernetesSection(graph, node_id, node.kubernetes)
        self.kubernetes.config_edited.connect(lambda config, key: document.set_kubernetes(node_id, config, key))
        layout.addWidget(self.kubernetes)
        layout.addStretch(1)

    def _rename(self) -> None:
        graph = self.document.graph
        if self.node_id not in graph.nodes:  # the field lost focus as its task went away (undo, delete)
            return
        wanted = k8s_name(self.name.text())
        current = graph.nodes[self.node_id].name
        if not wanted or wanted == current:
            self.name.setText(current)
            return
        if graph.node_by_name(wanted) is not None:
            wanted = graph.unique_node_name(wanted)
        self.name.setText(wanted)
        self.document.update_node(self.node_id, "Rename task", name=wanted)
