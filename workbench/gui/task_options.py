"""Task options of one node: caching, retries, resources and environment variables."""

from __future__ import annotations

import copy

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from workbench.model.document import TaskOptions


def parse_env(text: str) -> dict[str, str]:
    env = {}
    for line in text.splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            if key.strip():
                env[key.strip()] = value.strip()
    return env


class TaskOptionsEditor(QGroupBox):
    options_edited = Signal(object, bool)  # TaskOptions, merge

    RESOURCE_FIELDS = (("cpu_limit", "CPU limit", "e.g. 2 or 500m"), ("memory_limit", "Memory limit", "e.g. 4G"),
                       ("accelerator_type", "Accelerator", "e.g. NVIDIA_TESLA_T4"))

    def __init__(self, options: TaskOptions, parent: QWidget | None = None):
        super().__init__("Task options", parent)
        self.options = copy.deepcopy(options)
        form = QFormLayout(self)
        self.caching = QCheckBox("reuse cached results")
        self.caching.setChecked(options.caching)
        self.caching.toggled.connect(lambda on: self._set(False, caching=on))
        form.addRow("Caching", self.caching)
        self.retries = QSpinBox(minimum=0, maximum=20, value=options.retry.count)
        self.retries.valueChanged.connect(lambda n: self._set_retry(n))
        form.addRow("Retries", self.retries)
        for field, label, hint in self.RESOURCE_FIELDS:
            line = QLineEdit(getattr(options.resources, field))
            line.setPlaceholderText(hint)
            line.textEdited.connect(lambda text, f=field: self._set_resource(f, text.strip()))
            form.addRow(label, line)
        self.accelerators = QSpinBox(minimum=0, maximum=16, value=options.resources.accelerator_count)
        self.accelerators.valueChanged.connect(lambda n: self._set_resource("accelerator_count", n))
        form.addRow("Accelerator count", self.accelerators)
        self.env = QPlainTextEdit("\n".join(f"{k}={v}" for k, v in options.env.items()))
        self.env.setPlaceholderText("KEY=value, one per line")
        self.env.setFixedHeight(70)
        self.env.textChanged.connect(lambda: self._set(True, env=parse_env(self.env.toPlainText())))
        form.addRow("Environment", self.env)

    def _set(self, merge: bool, **changes) -> None:
        for key, value in changes.items():
            setattr(self.options, key, value)
        self.options_edited.emit(copy.deepcopy(self.options), merge)

    def _set_retry(self, count: int) -> None:
        self.options.retry.count = count
        self.options_edited.emit(copy.deepcopy(self.options), True)

    def _set_resource(self, field: str, value) -> None:
        setattr(self.options.resources, field, value)
        self.options_edited.emit(copy.deepcopy(self.options), True)
