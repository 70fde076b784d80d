"""The task inspector's collapsible "Kubernetes" section: a list per kind of setting (secrets and
config maps as env or volume, PVC and emptyDir mounts, pod fields as env, tolerations, image pull
secrets) with Add / Remove and a small form each, key/value maps (node selector, pod labels and
annotations), and the deadline and user / group ids. Every edit emits the whole new config with a
merge key (the field's path while typing, '' for a step of its own); the inspector turns it into
an undo step. Removing never deletes the clicked widget in its own event (see deferred_rebuild)."""

from __future__ import annotations

import copy

import networkx as nx
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QFrame, QGridLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QStackedWidget, QToolButton, QVBoxLayout, QWidget)

from workbench.gui.combo_data import find_data
from workbench.gui.connections import binding_for
from workbench.gui.deferred_rebuild import retire
from workbench.gui.kubernetes_entries import (LIST_KINDS, MAP_KINDS, Field, ListKind, add_entry, field_problem,
                                              remove_entry, set_field, set_map, set_name, set_scalar)
from workbench.gui.narrow_widgets import narrow
from workbench.model.bindings import Binding
from workbench.model.document import PipelineGraph
from workbench.model.kubernetes import KubernetesConfig
from workbench.model.validate import dependency_graph

BAD_FIELD = "QLineEdit { border: 1px solid #d9534f; }"
SCALARS = (("Deadline (s)", ("activeDeadlineSeconds",), 0, "none"),
           ("Run as user", ("securityContext", "runAsUser"), -1, "image default"),
           ("Run as group", ("securityContext", "runAsGroup"), -1, "image default"))
"""Label, path in the config, the spin box value meaning "not set", and how that value reads."""


def mark(line: QLineEdit, problem: str, hint: str = "") -> None:
    """Red border and the reason as tooltip on a bad value; the hint otherwise."""
    line.setStyleSheet(BAD_FIELD if problem else "")
    line.setToolTip(problem or hint)


def name_sources(graph: PipelineGraph, node_id: str) -> list[tuple[str, Binding]]:
    """Pipeline parameters and upstream String outputs that may name a Kubernetes object (outputs
    of tasks that run after this one would make a cycle, so they are left out)."""
    choices = [(f"param: {p.name}", Binding.param(p.name)) for p in graph.parameters.values()
               if p.type == "String"]
    dag = dependency_graph(graph)
    later = nx.descendants(dag, node_id) if node_id in dag else set()
    for other in graph.nodes.values():
        if other.id == node_id or other.id in later:
            continue
        for port in graph.component_of(other.id).outputs:
            binding = binding_for(graph, other.id, port.name, node_id)
            if port.type == "String" and binding.kind == "output":
                choices.append((f"{other.name}.{port.name}", binding))
    return choices


class NameEditor(QWidget):
    """A Kubernetes object's name: typed, or taken from a parameter or an upstream output."""

    name_edited = Signal(object, bool)  # Binding, merge (True while typing)
    SOURCES = (("constant", "Name"), ("parameter", "Parameter"), ("output", "Output"))  # typed, or from where

    def __init__(self, graph: PipelineGraph, node_id: str, binding: Binding | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.source = narrow(QComboBox())
        self.stack = QStackedWidget()
        self.text = QLineEdit(str(binding.value or "") if binding and binding.kind == "constant" else "")
        self.text.setPlaceholderText("e.g. my-secret")
        self.text.textEdited.connect(self._typed)
        self.stack.addWidget(self.text)
        choices = name_sources(graph, node_id)
        self.choices: dict[str, QComboBox] = {}
        for kind in ("parameter", "output"):
            combo = narrow(QComboBox())
            for label, choice in choices:
                if choice.kind == kind:
                    combo.addItem(label, choice)
            if binding is not None and binding.kind == kind:
                if find_data(combo, binding) < 0:  # e.g. a parameter of another type: keep it visible
                    combo.addItem(binding.describe({n.id: n.name for n in graph.nodes.values()}), binding)
                combo.setCurrentIndex(find_data(combo, binding))
            combo.activated.connect(lambda _i, c=combo: self.name_edited.emit(c.currentData(), False))
            self.choices[kind] = combo
            self.stack.addWidget(combo)
        for kind, label in self.SOURCES:
            self.source.addItem(label, kind)
        current = binding.kind if binding is not None and binding.kind in self.choices else "constant"
        self.source.setCurrentIndex(self.source.findData(current))
        self._show(current)
        self.source.activated.connect(self._source_chosen)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.source)
        layout.addWidget(self.stack, 1)
        mark(self.text, field_problem(KubernetesConfig(), (), "name", self.text.text()) if current == "constant"
             else "")

    def _show(self, kind: str) -> None:
        self.stack.setCurrentWidget(self.text if kind == "constant" else self.choices[kind])

    def _typed(self, text: str) -> None:
        mark(self.text, field_problem(KubernetesConfig(), (), "name", text.strip()))
        self.name_edited.emit(Binding.constant(text.strip()), True)

    def _source_chosen(self, _index: int) -> None:
        kind = self.source.currentData()
        self._show(kind)
        if kind == "constant":
            self.name_edited.emit(Binding.constant(self.text.text().strip()), False)
        elif self.choices[kind].count():
            self.name_edited.emit(self.choices[kind].currentData(), False)


class PairsEditor(QWidget):
    """Rows of two texts (key -> value) with Add / Remove; emits the rows whose key is set. A new
    row stays in the panel only until it has a key (an empty key means nothing to Kubernetes).
    `add` is placed by the owner when it has a header line for it, else below the rows."""

    pairs_edited = Signal(list, str)  # [(key, value)], the typed field ("row/column"; '' = no merge)

    def __init__(self, pairs: list[tuple[str, str]], hints: tuple[str, str], add_below: bool = True,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.hints = hints
        self.rows: list[tuple[QWidget, QLineEdit, QLineEdit]] = []
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(2)
        self.add = QPushButton("Add row" if add_below else "Add")
        self.add.clicked.connect(lambda: self._add_row("", ""))
        if add_below:
            self.layout_.addWidget(self.add, 0, Qt.AlignmentFlag.AlignLeft)
        for key, value in pairs:
            self._add_row(key, value)

    def _add_row(self, key: str, value: str) -> None:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        left, right = QLineEdit(key), QLineEdit(value)
        left.setPlaceholderText(self.hints[0])
        right.setPlaceholderText(self.hints[1])
        remove = QToolButton(text="\u2715", toolTip="Remove this row")
        entry = (row, left, right)
        for column, widget in enumerate((left, right)):
            widget.textEdited.connect(lambda _t, c=column: self.pairs_edited.emit(
                self.pairs(), f"{self.rows.index(entry)}/{c}"))
            line.addWidget(widget, 1)
        line.addWidget(remove)
        remove.clicked.connect(lambda: self._remove_row(entry))
        self.rows.append(entry)
        self.layout_.insertWidget(len(self.rows) - 1, row)

    def _remove_row(self, entry: tuple[QWidget, QLineEdit, QLineEdit]) -> None:
        self.rows.remove(entry)
        retire(entry[0])  # its button is handling this click: deleted once the click returns
        self.pairs_edited.emit(self.pairs(), "")

    def pairs(self) -> list[tuple[str, str]]:
        return [(left.text().strip(), right.text().strip()) for _row, left, right in self.rows if left.text().strip()]


class KubernetesSection(QWidget):
    config_edited = Signal(object, str)  # KubernetesConfig, merge key ('' = an undo step of its own)
    remembered_open = False  # the user's last click, for the next task shown (class-wide, per session);
    # a task with settings opens the section regardless

    def __init__(self, graph: PipelineGraph, node_id: str, config: KubernetesConfig | None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.graph, self.node_id = graph, node_id
        self.config = copy.deepcopy(config) if config is not None else KubernetesConfig()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.toggle = QToolButton(checkable=True, toolButtonStyle=Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setText(f"Kubernetes{self._summary()}")
        self.toggle.setStyleSheet("QToolButton { border: none; font-weight: bold; }")
        self.body = QFrame(frameShape=QFrame.Shape.StyledPanel)
        body = QVBoxLayout(self.body)
        body.setSpacing(4)
        for kind in LIST_KINDS:
            body.addWidget(self._list_block(kind))
        for title, where in MAP_KINDS:
            body.addWidget(self._map_block(title, where))
        body.addLayout(self._scalar_form())
        layout.addWidget(self.toggle)
        layout.addWidget(self.body)
        self.toggle.setChecked(bool(self.config.config) or KubernetesSection.remembered_open)
        self._show_body(self.toggle.isChecked())
        self.toggle.toggled.connect(self._opened)

    def _summary(self) -> str:
        count = sum(len(v) if isinstance(v, (list, dict)) else 1 for v in self.config.config.values())
        return f"  \u00b7  {count} setting{'s' if count != 1 else ''}" if count else ""

    def _opened(self, on: bool) -> None:
        """The user opened or closed the section: remembered for the tasks shown next."""
        KubernetesSection.remembered_open = on
        self._show_body(on)

    def _show_body(self, on: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.body.setVisible(on)

    def _emit(self, config: KubernetesConfig, merge_key: str = "") -> None:
        self.config = config
        self.config_edited.emit(copy.deepcopy(config), merge_key)

    # ----- lists -----------------------------------------------------------------------------------

    def _list_block(self, kind: ListKind) -> QWidget:
        block = QWidget(objectName=f"k8s-{kind.section}")
        layout = QVBoxLayout(block)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        header = QHBoxLayout()
        header.addWidget(QLabel(f"<b>{kind.title}</b>"))
        header.addStretch(1)
        add = QPushButton("Add")
        add.setToolTip(f"Add an entry to {kind.title.lower()}")
        add.clicked.connect(lambda: self._emit(add_entry(self.config, kind)))
        header.addWidget(add)
        layout.addLayout(header)
        for index, entry in enumerate(self.config.entries(kind.section)):
            if isinstance(entry, dict):
                layout.addWidget(self._entry_form(kind, index, entry))
        return block

    def _entry_form(self, kind: ListKind, index: int, entry: dict) -> QWidget:
        frame = QFrame(frameShape=QFrame.Shape.StyledPanel)
        grid = QGridLayout(frame)
        grid.setContentsMargins(6, 4, 4, 4)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if kind.name is not None:
            editor = NameEditor(self.graph, self.node_id,
                                self.config.name_of((kind.section, index), kind.name.reference_key,
                                                    kind.name.plain_key))
            editor.name_edited.connect(lambda name, merge: self._emit(
                set_name(self.config, kind, index, name), f"{kind.section}/{index}/name" if merge else ""))
            form.addRow(kind.name.label, editor)
        for field in kind.fields:
            form.addRow(field.label, self._field_editor(kind.section, index, field, entry.get(field.key)))
        remove = QToolButton(text="\u2715", toolTip=f"Remove this entry from {kind.title.lower()}")
        remove.clicked.connect(lambda: self._emit(remove_entry(self.config, kind.section, index)))
        grid.addLayout(form, 0, 0)
        grid.addWidget(remove, 0, 1, Qt.AlignmentFlag.AlignTop)
        return frame

    def _field_editor(self, section: str, index: int, field: Field, value) -> QWidget:
        path = (section, index, field.key)
        key = "/".join(map(str, path))
        if field.kind == "bool":
            box = QCheckBox()
            box.setChecked(bool(value))
            box.toggled.connect(lambda on: self._emit(set_field(self.config, path, on)))
            return box
        if field.kind == "choice":
            combo = narrow(QComboBox())
            for choice in field.choices:
                combo.addItem(choice or "(default)", choice)
            if value not in field.choices:  # a value typed elsewhere: shown, kept
                combo.addItem(str(value), value)
            combo.setCurrentIndex(combo.findData(value if value is not None else field.choices[0]))
            combo.activated.connect(lambda _i: self._emit(set_field(self.config, path, combo.currentData())))
            return combo
        if field.kind == "pairs":
            keys = field.pair_keys
            rows = value if isinstance(value, list) else []  # anything else (a hand-edited file) shows empty
            pairs = [(str(row.get(keys[0], "")), str(row.get(keys[1], ""))) for row in rows if isinstance(row, dict)]
            editor = PairsEditor(pairs, tuple(field.hint.split("|")))
            editor.pairs_edited.connect(lambda rows, typed: self._emit(
                set_field(self.config, path, [{keys[0]: a, keys[1]: b} for a, b in rows]),
                f"{key}/{typed}" if typed else ""))
            return editor
        line = QLineEdit("" if value is None else str(value))
        line.setPlaceholderText(field.hint)

        def typed(text: str) -> None:
            changed = set_field(self.config, path, text.strip())
            if field.kind in ("path", "label"):
                mark(line, field_problem(changed, path, field.kind, text.strip()), field.hint)
            self._emit(changed, key)

        line.textEdited.connect(typed)
        if field.kind in ("path", "label"):
            mark(line, field_problem(self.config, path, field.kind, line.text()), field.hint)
        return line

    # ----- maps and numbers ------------------------------------------------------------------------

    def _map_block(self, title: str, where: tuple[str, str]) -> QWidget:
        block = QWidget(objectName=f"k8s-map-{'/'.join(where)}")
        layout = QVBoxLayout(block)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        outer = self.config.config.get(where[0])
        mapping = outer.get(where[1]) if isinstance(outer, dict) else None
        pairs = [(str(k), str(v)) for k, v in mapping.items()] if isinstance(mapping, dict) else []
        editor = PairsEditor(pairs, ("key", "value"), add_below=False)
        header = QHBoxLayout()
        header.addWidget(QLabel(f"<b>{title}</b>"))
        header.addStretch(1)
        header.addWidget(editor.add)
        layout.addLayout(header)
        editor.pairs_edited.connect(lambda rows, typed: self._emit(
            set_map(self.config, where, rows), f"{'/'.join(where)}/{typed}" if typed else ""))
        layout.addWidget(editor)
        return block

    def _scalar_form(self) -> QFormLayout:
        form = QFormLayout()
        for label, path, unset, unset_text in SCALARS:
            holder = self.config.config
            for part in path[:-1]:
                holder = holder.get(part) if isinstance(holder, dict) else None
            current = holder.get(path[-1]) if isinstance(holder, dict) else None
            spin = QSpinBox(minimum=unset, maximum=2**31 - 1, specialValueText=unset_text)
            try:
                spin.setValue(int(current) if current is not None else unset)
            except (TypeError, ValueError):
                spin.setValue(unset)
            spin.valueChanged.connect(lambda n, p=path, u=unset: self._emit(
                set_scalar(self.config, p, None if n == u else n), "/".join(p)))
            form.addRow(label, spin)
        return form
