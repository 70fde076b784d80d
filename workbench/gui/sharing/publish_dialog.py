"""Publish to the library: which item (the pipeline or one of its components), the scope, the
version and the page text. Published versions never change, so the dialog shows the versions
already there and checks the new one before anything is written."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QVBoxLayout, QWidget)

from workbench.components.spec import ComponentSpec, k8s_name
from workbench.errors import ShareError
from workbench.gui.sharing.asset_page import SCOPE_TITLES
from workbench.model.document import PipelineGraph
from workbench.share import versions as versions_
from workbench.share.library import Library


@dataclass(frozen=True)
class PublishRequest:
    source: ComponentSpec | PipelineGraph
    scope: str
    version: str | None  # None: the library takes the newest + 1
    name: str
    description: str
    example: str | None


def _kind(item: ComponentSpec | PipelineGraph) -> str:
    return "pipeline" if isinstance(item, PipelineGraph) else "component"


class PublishDialog(QDialog):
    def __init__(self, library: Library, choices: list[tuple[str, ComponentSpec | PipelineGraph]],
                 parent: QWidget | None = None, *, scope: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("Publish to the Library")
        self.library, self.request = library, None
        self.what = QComboBox()
        for label, item in choices:
            self.what.addItem(label, item)
        self.scope = QComboBox()
        for store in library.stores:
            if store.writable and self.scope.findData(store.scope) < 0:
                self.scope.addItem(SCOPE_TITLES[store.scope], store.scope)
        if scope is not None and self.scope.findData(scope) >= 0:
            self.scope.setCurrentIndex(self.scope.findData(scope))
        self.name = QLineEdit()
        self.version = QLineEdit(placeholderText="empty: the next version")
        self.existing = QLabel(wordWrap=True)
        self.description = QPlainTextEdit()
        self.description.setMaximumHeight(80)
        self.example = QPlainTextEdit(placeholderText="optional: how to use it (a generated example is shown otherwise)")
        self.example.setMaximumHeight(80)
        self.problem = QLabel(wordWrap=True)
        self.problem.setStyleSheet("color: #c0392b")
        form = QFormLayout()
        form.addRow("Publish:", self.what)
        form.addRow("Scope:", self.scope)
        form.addRow("Name:", self.name)
        form.addRow("Version:", self.version)
        form.addRow("", self.existing)
        form.addRow("Description:", self.description)
        form.addRow("Example usage:", self.example)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.publish_button = self.buttons.addButton("Publish", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.what.currentIndexChanged.connect(lambda _i: self._item_changed())
        self.scope.currentIndexChanged.connect(lambda _i: self._show_existing())
        self.name.textChanged.connect(lambda _t: self._show_existing())
        if self.scope.count() == 0:
            self.problem.setText("No scope can be written: set a Team folder, or check the data folder.")
            self.publish_button.setEnabled(False)
        self._item_changed()
        self.resize(520, 460)

    def _item_changed(self) -> None:
        item = self.what.currentData()
        if item is not None:
            self.name.setText(item.name)
            self.description.setPlainText(item.description or "")

    def _show_existing(self) -> None:
        item = self.what.currentData()
        if item is None or self.scope.currentData() is None:
            self.existing.clear()
            return
        asset_id = f"{_kind(item)}/{k8s_name(self.name.text())}"
        try:
            known = self.library.versions(asset_id, scope=self.scope.currentData())
        except ShareError:
            known = []
        self.existing.setText(f"{asset_id}: already published {', '.join(known)}" if known
                              else f"{asset_id}: new in this scope (first version 1.0.0)")

    def _accept(self) -> None:
        version = self.version.text().strip() or None
        try:
            if version:
                versions_.check(version)
            if not k8s_name(self.name.text()):
                raise ShareError("the name needs letters or digits", element="name")
        except ShareError as exc:
            self.problem.setText(exc.message)
            return
        self.request = PublishRequest(self.what.currentData(), self.scope.currentData(), version,
                                      self.name.text().strip(), self.description.toPlainText().strip(),
                                      self.example.toPlainText().strip() or None)
        self.accept()
