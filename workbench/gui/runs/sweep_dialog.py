"""Sweeps: pick parameters and their values (a grid of every combination, or N random samples
from ranges), how many runs at once; launch them and open the comparison when all have ended."""

from __future__ import annotations

import itertools
import json
import random
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from workbench.gui.runs.controller import RunController
from workbench.gui.runs.run_dialog import value_text
from workbench.gui.runs.session import RunOptions, RunSession
from workbench.gui.theme import status_color
from workbench.model.document import Parameter
from workbench.model.types import parse_value

NUMERIC = ("Integer", "Float")


def parse_choices(parameter: Parameter, text: str) -> list[Any]:
    """Grid values: a JSON list, or comma-separated values of the parameter's type."""
    text = text.strip()
    if text.startswith("["):
        values = json.loads(text)
        if isinstance(values, list) and values:
            return [parse_value(parameter.type, json.dumps(v) if not isinstance(v, str) else v) for v in values]
    return [parse_value(parameter.type, part.strip()) for part in text.split(",") if part.strip()]


def parse_range(parameter: Parameter, text: str) -> tuple[float, float]:
    """`low..high` for random sampling of a numeric parameter."""
    if parameter.type not in NUMERIC or ".." not in text:
        raise ValueError(f"{parameter.name}: give a range like 0.01..0.3 (numbers only)")
    low, high = (float(part) for part in text.split("..", 1))
    if high < low:
        raise ValueError(f"{parameter.name}: the range {text} is empty")
    return low, high


def grid_configs(choices: dict[str, list[Any]]) -> list[dict[str, Any]]:
    names = list(choices)
    return [dict(zip(names, combo)) for combo in itertools.product(*(choices[n] for n in names))]


def random_configs(parameters: dict[str, Parameter], ranges: dict[str, tuple[float, float]], count: int,
                   seed: int | None = None) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    configs = []
    for _ in range(count):
        config = {}
        for name, (low, high) in ranges.items():
            value = rng.uniform(low, high)
            config[name] = int(round(value)) if parameters[name].type == "Integer" else round(value, 6)
        configs.append(config)
    return configs


class Sweep(QObject):
    """Launches configurations through the controller, at most `at_once` in flight."""

    finished = Signal(list)  # run ids, in launch order
    progress = Signal(str)

    def __init__(self, controller: RunController, base: RunOptions, configs: list[dict[str, Any]], at_once: int,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.controller, self.base, self.at_once = controller, base, max(1, at_once)
        self.waiting = list(configs)
        self.total = len(configs)
        self.sessions: list[RunSession] = []
        self.active: set[str] = set()
        controller.session_finished.connect(self._one_finished)

    def start(self) -> None:
        self._fill()

    def _fill(self) -> None:
        from dataclasses import replace

        while self.waiting and len(self.active) < self.at_once:
            config = self.waiting.pop(0)
            session = self.controller.start(replace(self.base, arguments={**self.base.arguments, **config}))
            self.sessions.append(session)
            self.active.add(session.run_id)
        self.progress.emit(f"Sweep: {len(self.sessions) - len(self.active)}/{self.total} runs finished")

    def _one_finished(self, session: RunSession) -> None:
        if session.run_id not in self.active:
            return
        self.active.discard(session.run_id)
        self._fill()
        if not self.active and not self.waiting:
            self.controller.session_finished.disconnect(self._one_finished)
            self.finished.emit([s.run_id for s in self.sessions])


class SweepDialog(QDialog):
    def __init__(self, pipeline_name: str, parameters: list[Parameter], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Sweep {pipeline_name}")
        self.setMinimumWidth(520)
        self.parameters = {p.name: p for p in parameters}
        self.grid = QRadioButton("Grid: every combination of the listed values", checked=True)
        self.random = QRadioButton("Random samples from ranges (low..high)")
        self.samples = QSpinBox(minimum=1, maximum=500, value=4, prefix="samples: ")
        self.at_once = QSpinBox(minimum=1, maximum=32, value=2, prefix="runs at once: ")
        self.use = {name: QCheckBox(name) for name in self.parameters}
        self.values = {name: QLineEdit() for name in self.parameters}
        form = QFormLayout()
        for name, parameter in self.parameters.items():
            self.values[name].setPlaceholderText(f"{value_text(parameter, parameter.default)}, \u2026  or  low..high"
                                                 if parameter.type in NUMERIC else "value, value, \u2026")
            self.values[name].textChanged.connect(lambda _t, n=name: self.use[n].setChecked(True))
            form.addRow(self.use[name], self.values[name])
        self.summary = QLabel()
        self.summary.setStyleSheet(f"color: {status_color('muted')}")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Launch")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        mode = QHBoxLayout()
        mode.addWidget(self.samples)
        mode.addWidget(self.at_once)
        layout = QVBoxLayout(self)
        for widget in (self.grid, self.random):
            layout.addWidget(widget)
        layout.addLayout(mode)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        for signal in (self.grid.toggled, self.samples.valueChanged):
            signal.connect(self._update)
        for widget in [*self.use.values(), *self.values.values()]:
            (widget.toggled if isinstance(widget, QCheckBox) else widget.textChanged).connect(self._update)
        self._update()

    def configs(self) -> list[dict[str, Any]]:
        """The runs to launch; raises ValueError with a message naming the bad field."""
        chosen = [name for name, box in self.use.items() if box.isChecked()]
        if not chosen:
            raise ValueError("tick at least one parameter to vary")
        if self.grid.isChecked():
            choices = {}
            for name in chosen:
                try:
                    choices[name] = parse_choices(self.parameters[name], self.values[name].text())
                except (ValueError, TypeError) as exc:
                    raise ValueError(f"{name}: {exc}") from None
                if not choices[name]:
                    raise ValueError(f"{name}: list one or more values")
            return grid_configs(choices)
        ranges = {name: parse_range(self.parameters[name], self.values[name].text()) for name in chosen}
        return random_configs(self.parameters, ranges, self.samples.value())

    def _update(self) -> None:
        self.samples.setEnabled(self.random.isChecked())
        try:
            count = len(self.configs())
            self.summary.setText(f"{count} run(s), {self.at_once.value()} at a time")
            ok = count > 0
        except (ValueError, TypeError) as exc:
            self.summary.setText(str(exc))
            ok = False
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
