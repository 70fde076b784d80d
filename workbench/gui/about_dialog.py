"""Help > About: the versions a bug report needs (Pipeline Workbench, kfp, Qt / PySide6, Python,
the run engine and the Docker engine it drives), with a button that copies them.

kfp's version is read from its package metadata when the dialog opens (nothing imports kfp at
start-up); the Docker engine is asked on a worker thread, since a stopped daemon may take seconds
to answer."""

from __future__ import annotations

import platform
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from workbench import __version__
from workbench.gui.jobs import Jobs

DOCKER_TIMEOUT_S = 5
CHECKING = "checking\u2026"


def package_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions() -> dict[str, str]:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    return {"Pipeline Workbench": __version__, "kfp": package_version("kfp"), "Qt": qVersion(),
            "PySide6": pyside_version,
            "Python": f"{platform.python_version()} ({platform.python_implementation()}, {sys.platform})",
            "Run engine": f"Workbench local engine {__version__} (KFP v2 IR)"}


def docker_engine_version() -> str:
    """Worker thread: the Docker engine's version, or why it cannot be reached."""
    import docker

    try:
        client = docker.from_env(timeout=DOCKER_TIMEOUT_S)
        info = client.version()
        client.close()
    except docker.errors.DockerException as exc:
        return f"not reachable ({str(exc).splitlines()[0][:120]})"
    return f"{info.get('Version', '?')} (API {info.get('ApiVersion', '?')})"


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About Pipeline Workbench")
        title = QLabel(f"<h2>Pipeline Workbench {__version__}</h2>"
                       "<p>Design Kubeflow Pipelines visually, compile them to KFP v2 IR and run them "
                       "locally or on Vertex AI and Kubeflow Pipelines.</p>")
        title.setWordWrap(True)
        self.values = {**versions(), "Docker engine": CHECKING}
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, value in self.values.items():
            label = QLabel(value)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.labels[name] = label
            form.addRow(f"{name}:", label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy Versions")
        copy.clicked.connect(self.copy_versions)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self.jobs = Jobs(self, max_threads=1)

    def showEvent(self, event) -> None:
        """Ask the Docker engine each time the dialog opens: it may have been started since."""
        super().showEvent(event)
        if not self.jobs.busy:
            self._docker_known(CHECKING)
            self.jobs.run(docker_engine_version, self._docker_known, lambda error: self._docker_known(str(error)))

    def _docker_known(self, text: str) -> None:
        self.values["Docker engine"] = text
        self.labels["Docker engine"].setText(text)

    def versions_text(self) -> str:
        return "\n".join(f"{name}: {value}" for name, value in self.values.items())

    def copy_versions(self) -> None:
        QGuiApplication.clipboard().setText(self.versions_text())
