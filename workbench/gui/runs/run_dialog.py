"""The Run dialog: where to run, the pipeline's parameters (pre-filled with their defaults and
checked against their types as you type), how tasks are admitted and how many at most run at once,
and whether to use the cache."""

from __future__ import annotations

import json
import os
from typing import Any

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QLabel,
                               QLineEdit, QSpinBox, QVBoxLayout, QWidget)

from workbench.gui.runs.controller import LOCAL_TARGETS
from workbench.gui.theme import status_color
from workbench.runs.engine.admission import DEFAULT_FLOOR_FRACTION, default_cap, size_text
from workbench.runs.engine.machine import read_memory
from workbench.model.document import Parameter
from workbench.model.types import parse_value


def value_text(parameter: Parameter, value: Any) -> str:
    """How a value is typed in the form: plain for strings and numbers, JSON for the rest."""
    if value is None:
        return ""
    if parameter.type == "Boolean":
        return "true" if value else "false"
    if parameter.type in ("String", "Integer", "Float"):
        return str(value)
    return json.dumps(value)


def admission_policy_text(cpus: int, memory: int) -> str:
    """The local scheduling policy in a sentence, with this machine's numbers."""
    ram = f", {size_text(memory)} RAM" if memory else ""
    floor = (f" while available memory stays above {DEFAULT_FLOOR_FRACTION:.0%} of RAM "
             f"({size_text(memory * DEFAULT_FLOOR_FRACTION)})") if memory else ""
    return (f"Tasks start when they are ready and their CPU, memory and GPU requests fit this machine "
            f"({cpus} CPUs{ram}); tasks without requests start at once{floor}.")


def remote_target_names() -> list[str]:
    """Saved remote targets (Vertex AI, Kubeflow clusters); none when the settings cannot be read."""
    from workbench.settings import SettingsError, load_settings

    try:
        return sorted(load_settings().targets)
    except (SettingsError, OSError):
        return []


def local_failures_text(graph) -> str:
    """The warning the dialog shows for local targets: the tasks that only Vertex AI can run."""
    from workbench.runs.engine.vertex_only import VERTEX_ONLY, vertex_only_reason, vertex_only_tasks

    names = []
    for node in graph.nodes.values():
        implementation = graph.component_of(node.id).implementation
        if "graph" in implementation:
            names += [f"{node.name}/{inner}" for inner in vertex_only_tasks(implementation["graph"])]
        elif vertex_only_reason(implementation):
            names.append(node.name)
    if not names:
        return ""
    return f"Will fail in a local run ({VERTEX_ONLY}): {', '.join(sorted(names))}"


class ParameterForm(QWidget):
    """One line edit a parameter, validated live with the same parser as `--param` on the CLI."""

    def __init__(self, parameters: list[Parameter], values: dict[str, Any] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.parameters = parameters
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        layout = QFormLayout(self)
        for parameter in parameters:
            value = (values or {}).get(parameter.name, parameter.default)
            edit = QLineEdit(value_text(parameter, value))
            edit.setPlaceholderText("required" if parameter.required else "(empty: no value)")
            edit.setToolTip(f"{parameter.type}: {parameter.description}" if parameter.description else parameter.type)
            error = QLabel()
            error.setStyleSheet(f"color: {status_color('error')}")
            error.hide()
            box = QVBoxLayout()
            box.setSpacing(0)
            box.addWidget(edit)
            box.addWidget(error)
            layout.addRow(f"{parameter.name} ({parameter.type})", box)
            edit.textChanged.connect(self.validate)
            self.edits[parameter.name], self.errors[parameter.name] = edit, error
        if not parameters:
            layout.addRow(QLabel("This pipeline has no parameters."))

    def problems(self) -> dict[str, str]:
        found = {}
        for parameter in self.parameters:
            text = self.edits[parameter.name].text()
            if not text.strip():
                if parameter.required:
                    found[parameter.name] = "a value is required"
                continue
            try:
                parse_value(parameter.type, text)
            except (ValueError, TypeError) as exc:
                found[parameter.name] = str(exc).split("\n")[0]
        return found

    def validate(self) -> bool:
        problems = self.problems()
        for name, label in self.errors.items():
            label.setText(problems.get(name, ""))
            label.setVisible(name in problems)
        return not problems

    def values(self) -> dict[str, Any]:
        """Parsed values of the filled-in fields (empty optional fields are left to their default)."""
        result = {}
        for parameter in self.parameters:
            text = self.edits[parameter.name].text()
            if text.strip():
                result[parameter.name] = parse_value(parameter.type, text)
        return result


class RunDialog(QDialog):
    def __init__(self, pipeline_name: str, parameters: list[Parameter], parent: QWidget | None = None,
                 values: dict[str, Any] | None = None, local_failures: str = ""):
        super().__init__(parent)
        self.setWindowTitle(f"Run {pipeline_name}")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        where = QFormLayout()
        self.target = QComboBox()
        for key, label in LOCAL_TARGETS.items():
            self.target.addItem(label, key)
        for name in remote_target_names():
            self.target.addItem(f"Remote: {name}", name)
        where.addRow("Run on", self.target)
        cpus = os.cpu_count() or 1
        memory = read_memory()
        self.policy = QLabel(admission_policy_text(cpus, memory.total if memory else 0))
        self.policy.setWordWrap(True)
        where.addRow("Scheduling", self.policy)
        self.max_parallel = QSpinBox(minimum=1, maximum=1024, value=default_cap(cpus))
        self.max_parallel.setToolTip("The most tasks that run at the same time on local targets, whatever "
                                     f"they request (default: 4 per CPU, {default_cap(cpus)} here)")
        where.addRow("Tasks at once, at most", self.max_parallel)
        self.use_cache = QCheckBox("Reuse cached results of unchanged tasks", checked=True)
        where.addRow("Caching", self.use_cache)
        layout.addLayout(where)
        self.local_failures = QLabel(local_failures, wordWrap=True)
        self.local_failures.setStyleSheet(f"color: {status_color('warning')}")
        self.local_failures.setVisible(bool(local_failures))
        layout.addWidget(self.local_failures)
        box = QGroupBox("Parameters")
        self.form = ParameterForm(parameters, values)
        inner = QVBoxLayout(box)
        inner.addWidget(self.form)
        layout.addWidget(box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Run")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for edit in self.form.edits.values():
            edit.textChanged.connect(self._update_ok)
        self.target.currentIndexChanged.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        valid = self.form.validate()
        local = self.target.currentData() in LOCAL_TARGETS
        self.max_parallel.setEnabled(local)
        self.policy.setEnabled(local)
        self.use_cache.setEnabled(local)
        self.local_failures.setVisible(local and bool(self.local_failures.text()))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(valid)

    def accept(self) -> None:
        if self.form.validate():
            super().accept()

    def choice(self) -> dict[str, Any]:
        """target, arguments, max_parallel, use_cache: what a RunOptions needs besides the YAML."""
        return {"target": self.target.currentData(), "arguments": self.form.values(),
                "max_parallel": self.max_parallel.value(), "use_cache": self.use_cache.isChecked()}
