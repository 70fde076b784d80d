"""The window's serving and TensorBoard features: the Endpoints dock, "Serve this model" from a run
or a model artifact, and "Open in TensorBoard" for a run (TensorBoard servers stop with the app)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMainWindow, QMessageBox

from workbench.gui.panel_dock import panel_dock
from workbench.gui.serving.endpoints_panel import EndpointsPanel


def run_model_loader(store, run_id: str, task_id: str | None = None):
    """A worker-thread loader of the model a run (or one task of it) produced."""
    def load():
        from workbench.runs import paths
        from workbench.serving.model_folder import model_from_run

        return model_from_run(store(), run_id, paths.workspace_root(), task_id)
    return load


class WindowServing(QObject):
    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.controller = window.runs.controller
        self.panel = EndpointsPanel()
        self.dock = panel_dock(window, "dock-endpoints", "Endpoints", self.panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.dock.hide()
        self.tensorboards: dict[str, object] = {}  # run id -> TensorBoardServer
        window.runs.history.serve_requested.connect(self.serve_run)
        window.runs.history.tensorboard_requested.connect(self.open_tensorboard)
        window.runs.artifacts.serve_requested.connect(
            lambda artifact: self.serve_run(artifact.run_id, artifact.task_id))
        QCoreApplication.instance().aboutToQuit.connect(self.shutdown)

    def show_endpoints(self) -> None:
        self.dock.show()
        self.dock.raise_()
        self.panel.refresh()

    def serve_run(self, run_id: str, task_id: str | None = None) -> None:
        self.show_endpoints()
        self.panel.serve(run_model_loader(self.controller.store, run_id, task_id))

    def open_tensorboard(self, run_id: str) -> None:
        running = self.tensorboards.get(run_id)
        if running is not None and running.process.poll() is None:
            QDesktopServices.openUrl(QUrl(running.url))
            return

        def start():
            from workbench.runs import paths, tensorboard_launch

            tensorboard_launch.require_installed()
            return tensorboard_launch.start(tensorboard_launch.run_logdir(paths.workspace_root(), run_id))

        def started(server, error: str) -> None:
            if error:
                QMessageBox.information(self.window, "Open in TensorBoard", error)
                return
            self.tensorboards[run_id] = server
            self.window.statusBar().showMessage(f"TensorBoard on run {run_id}: {server.url}", 10000)
            QDesktopServices.openUrl(QUrl(server.url))
        self.window.statusBar().showMessage(f"Starting TensorBoard on run {run_id}\u2026", 5000)
        self.controller.in_background(start, started)

    def shutdown(self) -> None:
        """On quit: stop the TensorBoard servers and let a start or stop in flight finish."""
        self.stop_tensorboards()
        self.panel.jobs.wait(10_000)

    def stop_tensorboards(self) -> None:
        for server in self.tensorboards.values():
            server.stop()
        self.tensorboards.clear()

