"""Looking at a run's artifacts: ROC curve and confusion matrix of ClassificationMetrics,
Markdown and HTML rendered safely, the first 1,000 rows of CSV datasets, and the folder of any
artifact in the file manager.

Safety of HTML and Markdown: Qt's rich text engine never runs scripts, and `SafeTextBrowser`
refuses every resource that is not a local file next to the artifact, so a report cannot call
home or read files elsewhere on the machine.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Qt, Signal
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QSplitter, QStackedWidget, QTableWidget, QTableWidgetItem, QTabWidget,
                               QTextBrowser, QVBoxLayout, QWidget)

from workbench.gui.runs.session import RunSession
from workbench.runs.compare import roc_points
from workbench.runs import safe_fs
from workbench.runs.events import ArtifactProduced
from workbench.runs.paths import workspace_root

CSV_PREVIEW_ROWS = 1000
PREVIEW_BYTES = 8 * 2**20
TEXT_TYPES = {"system.Markdown": "markdown", "system.HTML": "html"}
CONFUSION_SHADE, CONFUSION_ALPHA = "#1f77b4", (0.08, 0.6)  # the palette's text reads on it in both themes


def artifact_file(artifact: ArtifactProduced) -> tuple[Path, str] | None:
    """The file behind a local run's artifact (a folder's first file) and its text, at most
    PREVIEW_BYTES of it. Only what lies in the run's own workspace, reached without following a
    link: a task cannot make the app read a host file by naming it, or linking to it, as an artifact."""
    run_dir = workspace_root() / artifact.run_id
    found = safe_fs.read_artifact(run_dir, artifact.uri, PREVIEW_BYTES)
    if found is None:
        return None
    relative, content = found
    return run_dir / relative, content.decode("utf-8", "replace")


def open_folder(uri: str) -> bool:
    path = Path(uri.removeprefix("file://"))
    folder = path if path.is_dir() else path.parent
    return folder.exists() and QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class SafeTextBrowser(QTextBrowser):
    """Shows HTML / Markdown; loads only local files under `base`; links are not followed."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.base: Path | None = None
        self.refused: list[str] = []
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)

    def loadResource(self, kind: int, url: QUrl) -> Any:
        if url.scheme() not in ("", "file") or self.base is None:
            self.refused.append(url.toString())
            return None
        target = Path(url.toLocalFile() or url.path())
        if not target.is_absolute():
            target = self.base / target
        try:
            target.resolve().relative_to(self.base.resolve())
        except ValueError:
            self.refused.append(url.toString())
            return None
        return super().loadResource(kind, QUrl.fromLocalFile(str(target)))

    def show_document(self, path: Path, text: str, kind: str) -> None:
        self.base = path.parent
        if kind == "markdown":
            self.setMarkdown(text)
        else:
            self.setHtml(text)


def csv_preview(text: str, limit: int = CSV_PREVIEW_ROWS) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    rows = []
    for row in reader:
        if len(rows) >= limit:
            break
        rows.append(row)
    return header, rows


def table_widget(header: list[str], rows: list[list[Any]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(header))
    table.setHorizontalHeaderLabels(header)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    for r, row in enumerate(rows):
        for c, value in enumerate(row[:len(header)]):
            table.setItem(r, c, QTableWidgetItem(str(value)))
    return table


def confusion_table(metadata: dict[str, Any]) -> QTableWidget | None:
    matrix = metadata.get("confusionMatrix") or {}
    labels = [spec.get("displayName", str(i)) for i, spec in enumerate(matrix.get("annotationSpecs", []))]
    rows = [row.get("row", []) for row in matrix.get("rows", [])]
    if not labels or not rows:
        return None
    table = table_widget([f"predicted {label}" for label in labels], rows)
    table.setVerticalHeaderLabels([f"actual {label}" for label in labels])
    peak = max((max(row) for row in rows if row), default=1) or 1
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            shade = QColor(CONFUSION_SHADE)
            low, high = CONFUSION_ALPHA
            shade.setAlphaF(low + (high - low) * float(value) / peak)
            table.item(r, c).setBackground(shade)
            table.item(r, c).setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    for header in (table.horizontalHeader(), table.verticalHeader()):  # the matrix fills its room, labels whole
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def roc_plot(curves: dict[str, tuple[list[float], list[float]]], title: str = "ROC") -> QWidget:
    """ROC curves overlaid, with the chance diagonal (imports pyqtgraph)."""
    from workbench.gui.runs.metrics_dock import legend_text, make_plot_widget
    from workbench.gui.runs.plot_style import add_curve

    widget = make_plot_widget(title)
    item = widget.getPlotItem()
    item.setLabel("bottom", "false positive rate")
    item.setLabel("left", "true positive rate")
    add_curve(item, [0, 1], [0, 1], index=None, width=1, dashed=True)
    for index, (label, (fpr, tpr)) in enumerate(curves.items()):
        add_curve(item, [0.0, *fpr, 1.0], [0.0, *tpr, 1.0], name=legend_text(label), index=index)
    item.setRange(xRange=(0, 1), yRange=(0, 1))
    return widget


def artifact_viewer(artifact: ArtifactProduced, task_label: str = "") -> QWidget:
    """The best view for an artifact's type; a description when there is nothing to render.
    `task_label` names the task in plot legends (its id when not given)."""
    if artifact.type == "system.ClassificationMetrics":
        tabs = QTabWidget()
        points = roc_points(artifact.metadata)
        if points:
            tabs.addTab(roc_plot({task_label or artifact.task_id: points}), "ROC curve")
        matrix = confusion_table(artifact.metadata)
        if matrix is not None:
            tabs.addTab(matrix, "Confusion matrix")
        if tabs.count():
            return tabs
    found = artifact_file(artifact)
    path, text = found if found is not None else (None, "")
    if artifact.type in TEXT_TYPES and path is not None:
        browser = SafeTextBrowser()
        browser.show_document(path, text, TEXT_TYPES[artifact.type])
        return browser
    if path is not None and (artifact.type == "system.Dataset" or path.suffix.lower() == ".csv"):
        try:
            header, rows = csv_preview(text)
        except csv.Error:
            header, rows = [], []
        if header:
            box = QWidget()
            layout = QVBoxLayout(box)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(QLabel(f"{path.name}: first {len(rows)} rows"))
            layout.addWidget(table_widget(header, rows))
            return box
    lines = [f"<b>{artifact.name}</b> ({artifact.type})", artifact.uri]
    lines += [f"{key}: {value}" for key, value in artifact.metadata.items()]
    label = QLabel("<br>".join(lines))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    return label


class ArtifactPanel(QWidget):
    """The run's artifacts (of the selected task, or all) in a list; the chosen one shown beside it."""

    serve_requested = Signal(object)  # the ArtifactProduced of a model: "Serve this model"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.session: RunSession | None = None
        self.task_id: str | None = None
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._show)
        self.viewer = QStackedWidget()
        self.open_button = QPushButton("Open folder")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(lambda: self.current() and open_folder(self.current().uri))
        left = QWidget()
        side = QVBoxLayout(left)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.list)
        self.serve_button = QPushButton("Serve this model")
        self.serve_button.setToolTip("Start a local endpoint for this model (see the Endpoints panel)")
        self.serve_button.setEnabled(False)
        self.serve_button.clicked.connect(lambda: self.current() and self.serve_requested.emit(self.current()))
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.serve_button)
        side.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.viewer)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(splitter)
        self.shown: list[ArtifactProduced] = []

    def set_session(self, session: RunSession | None, task_id: str | None = None) -> None:
        self.session, self.task_id = session, task_id
        self.shown = []
        self.list.clear()
        self.refresh()

    def refresh(self) -> None:
        if self.session is None:
            return
        wanted = [a for a in self.session.artifacts if self.task_id is None or a.task_id == self.task_id]
        for artifact in wanted[len(self.shown):]:
            item = QListWidgetItem(f"{self.session.names.label(artifact.task_id)} \u2192 {artifact.name}")
            item.setToolTip(f"{self.session.names.tooltip(artifact.task_id)}\n{artifact.type}\n{artifact.uri}")
            self.list.addItem(item)
        self.shown = wanted

    def current(self) -> ArtifactProduced | None:
        row = self.list.currentRow()
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def select(self, name: str, task_id: str | None = None) -> bool:
        for row, artifact in enumerate(self.shown):
            if artifact.name == name and (task_id is None or artifact.task_id == task_id):
                self.list.setCurrentRow(row)
                return True
        return False

    def _show(self, row: int) -> None:
        while self.viewer.count():
            widget = self.viewer.widget(0)
            self.viewer.removeWidget(widget)
            widget.deleteLater()
        artifact = self.current()
        self.open_button.setEnabled(artifact is not None)
        self.serve_button.setEnabled(artifact is not None and artifact.type == "system.Model")
        if artifact is not None:
            self.viewer.addWidget(artifact_viewer(artifact, self.session.names.label(artifact.task_id)))
