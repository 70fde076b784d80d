"""Settings > Remote Targets: list, add, edit and remove the named Vertex AI and Kubeflow Pipelines
targets that `workbench submit --target NAME` and the run controls use.

Targets are saved through `workbench.settings` (one JSON file, written atomically) and checked by
the same rules as the command line (`Target.problems()`, target names). A KFP token or cookie goes
to the system keyring through `workbench.runs.remote.secrets`, never to the settings file. The
dialog makes no network call: it only edits what a later submit will use.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QMessageBox, QPushButton, QStackedWidget, QVBoxLayout,
                               QWidget)

from workbench.errors import WorkbenchError
from workbench.gui.theme import status_color
from workbench.runs.remote import secrets
from workbench.settings import (KFP_AUTH_KINDS, KfpTarget, Settings, SettingsError, Target, VertexTarget,
                                load_settings, save_settings, target_from_dict)

NAME_ROLE = Qt.ItemDataRole.UserRole
KIND_TITLES = {"vertex": "Vertex AI", "kfp": "Kubeflow Pipelines"}
CACHING = (("Pipeline default", None), ("On", True), ("Off", False))
# (field, label, editor, placeholder): editor "text", "labels" (k=v, ...), "caching" or "auth"
VERTEX_FIELDS = (
    ("name", "Name", "text", "a short name, e.g. prod"),
    ("project", "Project", "text", "my-gcp-project"),
    ("region", "Region", "text", "us-central1"),
    ("pipeline_root", "Pipeline root", "text", "gs://my-bucket/pipelines"),
    ("service_account", "Service account", "text", "runner@my-project.iam.gserviceaccount.com"),
    ("network", "Network", "text", "projects/123/global/networks/my-vpc"),
    ("labels", "Labels", "labels", "team=ml, env=dev"),
    ("experiment", "Experiment", "text", "optional"),
    ("enable_caching", "Caching", "caching", ""),
    ("api_endpoint", "API endpoint", "text", "only for private endpoints, e.g. europe-west4-aiplatform.googleapis.com"),
)
KFP_FIELDS = (
    ("name", "Name", "text", "a short name, e.g. lab"),
    ("host", "Host", "text", "https://kfp.example.com"),
    ("namespace", "Namespace", "text", "optional, e.g. team-a"),
    ("experiment", "Experiment", "text", "optional"),
    ("auth", "Authentication", "auth", ""),
    ("pipeline_root", "Pipeline root", "text", "optional, e.g. minio://mlpipeline/v2/artifacts"),
    ("service_account", "Service account", "text", "optional"),
    ("enable_caching", "Caching", "caching", ""),
)


def keyring_problem() -> str | None:
    """Why secrets cannot be stored here, or None when a keyring backend is available."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "backends", None) == []:
        return (f"No system keyring works on this machine, so the token or cookie cannot be saved. Set it in "
                f"the environment variable {secrets.TOKEN_ENV} before starting Workbench instead.")
    return None


def parse_labels(text: str) -> dict[str, str]:
    labels = {}
    for part in filter(None, (p.strip() for p in text.replace("\n", ",").split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise SettingsError(f"write labels as key=value, separated by commas, not {part!r}", element="labels")
        labels[key.strip()] = value.strip()
    return labels


class TargetForm(QWidget):
    """The fields of one target kind, built from its field table; reads and writes a target."""

    def __init__(self, cls: type, fields: tuple, parent: QWidget | None = None):
        super().__init__(parent)
        self.cls, self.editors = cls, {}
        self.form = QFormLayout(self)
        for name, label, editor, placeholder in fields:
            if editor == "caching":
                widget = QComboBox()
                for title, value in CACHING:
                    widget.addItem(title, value)
            elif editor == "auth":
                widget = QComboBox()
                for kind in KFP_AUTH_KINDS:
                    widget.addItem({"none": "None", "token": "Bearer token", "cookie": "Cookie"}[kind], kind)
            else:
                widget = QLineEdit(placeholderText=placeholder)
            widget.setObjectName(f"field-{name}")
            self.editors[name] = widget
            self.form.addRow(f"{label}:", widget)

    def set_target(self, target: Target) -> None:
        for name, widget in self.editors.items():
            value = getattr(target, name)
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
            elif name == "labels":
                widget.setText(", ".join(f"{k}={v}" for k, v in value.items()))
            else:
                widget.setText(str(value))

    def target(self) -> Target:
        """The target the fields describe; SettingsError when a field or the target is invalid."""
        values = {}
        for name, widget in self.editors.items():
            if isinstance(widget, QComboBox):
                values[name] = widget.currentData()
            elif name == "labels":
                values[name] = parse_labels(widget.text())
            else:
                values[name] = widget.text().strip()
        target = target_from_dict({"kind": self.cls.kind, **values}, source="the form")
        problems = target.problems()
        if problems:
            raise SettingsError("; ".join(problems), element=target.name)
        return target


class KfpForm(TargetForm):
    """Adds the secret: typed here, saved to the keyring, never shown back."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(KfpTarget, KFP_FIELDS, parent)
        self.secret = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.secret.setObjectName("field-secret")
        self.secret_note = QLabel(wordWrap=True)
        self.form.addRow("Token or cookie:", self.secret)
        self.form.addRow("", self.secret_note)
        self.keyring_note = keyring_problem()
        self.editors["auth"].currentIndexChanged.connect(lambda _i: self.update_secret_row())
        self.stored = False

    def set_target(self, target: Target) -> None:
        super().set_target(target)
        self.secret.clear()
        self.stored = target.auth != "none" and bool(secrets.load_secret(target.name))
        self.update_secret_row()

    def update_secret_row(self) -> None:
        auth = self.editors["auth"].currentData()
        self.secret.setEnabled(auth != "none")
        self.secret.setPlaceholderText({"token": "the bearer token", "cookie": "name=value, e.g. authservice_session=..."}
                                       .get(auth, "not needed"))
        if auth == "none":
            self.secret_note.setText("")
        elif self.keyring_note:
            self.secret_note.setText(self.keyring_note)
        else:
            self.secret_note.setText("Kept in the system keyring, never in the settings file. "
                                     + ("A secret is stored: leave empty to keep it." if self.stored else ""))


class TargetsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Remote Targets")
        self.problem = QLabel(wordWrap=True)
        self.problem.setStyleSheet(f"color: {status_color('error')}")
        try:
            self.settings = load_settings()
        except WorkbenchError as exc:
            self.settings = Settings()
            self.problem.setText(f"{exc}\nSaving a target replaces the unreadable file.")
        self.editing: str | None = None  # the saved name of the target in the form; None for a new one
        self.list = QListWidget()
        self.add_vertex = QPushButton("Add Vertex AI")
        self.add_kfp = QPushButton("Add Kubeflow")
        self.remove = QPushButton("Remove")
        self.forms = {"vertex": TargetForm(VertexTarget, VERTEX_FIELDS), "kfp": KfpForm()}
        self.stack = QStackedWidget()
        self.stack.addWidget(QLabel("Select a target, or add one.\nSubmitting reads the target from here.",
                                    wordWrap=True))
        for form in self.forms.values():
            self.stack.addWidget(form)
        self.save_button = QPushButton("Save Target")
        self._layout()
        self.add_vertex.clicked.connect(lambda: self.new_target("vertex"))
        self.add_kfp.clicked.connect(lambda: self.new_target("kfp"))
        self.remove.clicked.connect(self.remove_current)
        self.save_button.clicked.connect(self.save_current)
        self.list.currentItemChanged.connect(lambda item, _previous: item and self.edit(item.data(NAME_ROLE)))
        self.fill_list()

    def _layout(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        for button in (self.add_vertex, self.add_kfp, self.remove):
            left.addWidget(button)
        right = QVBoxLayout()
        right.addWidget(self.stack, 1)
        right.addWidget(self.problem)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        right.addLayout(save_row)
        body = QHBoxLayout()
        body.addLayout(left)
        body.addLayout(right, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(close)
        self.resize(820, 520)

    # ----- list --------------------------------------------------------------------------------

    def fill_list(self, select: str | None = None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for name in sorted(self.settings.targets):
            item = QListWidgetItem(f"{name}  \u2014 {KIND_TITLES[self.settings.targets[name].kind]}")
            item.setData(NAME_ROLE, name)
            self.list.addItem(item)
            if name == select:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.save_button.setEnabled(select is not None)
        self.remove.setEnabled(select is not None)
        if select is None:
            self.stack.setCurrentIndex(0)

    def edit(self, name: str) -> None:
        target = self.settings.targets[name]
        self.editing = name
        self._show_form(target)

    def new_target(self, kind: str) -> None:
        base, number = kind, 2
        name = base
        while name in self.settings.targets:
            name, number = f"{base}-{number}", number + 1
        self.editing = None
        self.list.clearSelection()
        self._show_form(VertexTarget(name=name) if kind == "vertex" else KfpTarget(name=name))
        self.forms[kind].editors["name"].setFocus()

    def _show_form(self, target: Target) -> None:
        form = self.forms[target.kind]
        form.set_target(target)
        self.stack.setCurrentWidget(form)
        self.problem.clear()
        self.save_button.setEnabled(True)
        self.remove.setEnabled(self.editing is not None)

    # ----- save and remove ---------------------------------------------------------------------

    def save_current(self) -> bool:
        """Check the form, save the settings file and the secret; False (with the reason shown) if refused."""
        form = self.stack.currentWidget()
        if not isinstance(form, TargetForm):
            return False
        try:
            target = form.target()
        except SettingsError as exc:
            self.problem.setText(exc.message if exc.element == "labels" else str(exc))
            return False
        renamed = self.editing is not None and self.editing != target.name
        if target.name in self.settings.targets and target.name != self.editing:
            self.problem.setText(f"a target named {target.name!r} exists already; choose another name")
            return False
        secret = form.secret.text() if isinstance(form, KfpForm) else ""
        if renamed and isinstance(form, KfpForm) and target.auth != "none" and not secret:
            self.problem.setText("secrets are kept per target name: type the token or cookie again to rename")
            return False
        settings = self.settings.without_target(self.editing) if renamed else self.settings
        try:
            save_settings(settings.with_target(target))
        except OSError as exc:
            self.problem.setText(f"cannot save the settings: {exc.strerror or exc}")
            return False
        self.settings = settings.with_target(target)
        self._store_secret(target, secret, renamed_from=self.editing if renamed else None)
        self.editing = target.name
        self.problem.clear()
        self.fill_list(select=target.name)
        return True

    def _store_secret(self, target: Target, secret: str, renamed_from: str | None) -> None:
        if renamed_from:
            secrets.delete_secret(renamed_from)
        if not isinstance(target, KfpTarget):
            return
        if target.auth == "none":
            secrets.delete_secret(target.name)
            return
        if not secret:
            return
        try:
            secrets.save_secret(target.name, secret)
        except WorkbenchError as exc:
            QMessageBox.warning(self, "Secret not stored", f"The target {target.name!r} was saved, but its secret "
                                                             f"was not: {exc.message}")
            return
        self.forms["kfp"].secret.clear()
        self.forms["kfp"].stored = True
        self.forms["kfp"].update_secret_row()

    def remove_current(self) -> None:
        name = self.editing
        if name is None:
            return
        answer = QMessageBox.question(self, "Remove target", f"Remove the target {name!r} and its stored secret?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        settings = self.settings.without_target(name)
        try:
            save_settings(settings)
        except OSError as exc:
            self.problem.setText(f"cannot save the settings: {exc.strerror or exc}")
            return
        self.settings = settings
        secrets.delete_secret(name)
        self.editing = None
        self.fill_list()

