"""Every menu and toolbar command in one table: text, shortcuts, icon and the window method it
calls, so no entry exists without an action behind it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QStyle

from workbench.gui.icons import action_icon

STANDARD_ICONS = {
    "new": QStyle.StandardPixmap.SP_FileIcon, "open": QStyle.StandardPixmap.SP_DialogOpenButton,
    "save": QStyle.StandardPixmap.SP_DialogSaveButton, "close": QStyle.StandardPixmap.SP_DialogCloseButton,
    "delete": QStyle.StandardPixmap.SP_TrashIcon, "find": QStyle.StandardPixmap.SP_FileDialogContentsView,
}
Key = QKeySequence.StandardKey


@dataclass(frozen=True)
class Spec:
    name: str
    text: str
    slot: str  # method name on the window
    keys: tuple = ()
    icon: str = ""
    tip: str = ""
    checkable: bool = False  # a toggle; its slot receives the new checked state


SPECS = (
    Spec("new", "&New", "new_document", (Key.New,), "new", "Start an empty pipeline"),
    Spec("open", "&Open\u2026", "open_dialog", (Key.Open,), "open", "Open a .wbp document, a KFP pipeline YAML or a bundle (.zip)"),
    Spec("save", "&Save", "save", (Key.Save,), "save"),
    Spec("save_as", "Save &As\u2026", "save_as", ("Ctrl+Shift+S",)),
    Spec("close", "&Close", "close_current", ("Ctrl+W",), "close"),
    Spec("import_component", "&Import Component YAML\u2026", "import_component"),
    Spec("new_python_component", "New &Python Component\u2026", "new_python_component"),
    Spec("new_container_component", "New C&ontainer Component\u2026", "new_container_component"),
    Spec("export_png", "Export as &PNG\u2026", "export_png"),
    Spec("export_svg", "Export as S&VG\u2026", "export_svg"),
    Spec("export_bundle", "Export &Bundle\u2026", "export_bundle", (), "",
         "Save the pipeline, its components and a README as one shareable zip"),
    Spec("publish_to_library", "P&ublish to Library\u2026", "publish_to_library", (), "",
         "Publish the pipeline or its selected component to a library scope"),
    Spec("show_library", "&Library", "show_library", ("Ctrl+Shift+B",), "", "Browse and search the library"),
    Spec("library_folders", "Library &Folders\u2026", "edit_library_folders", (), "",
         "Choose the Team folder and the Public catalog folders"),
    Spec("remote_targets", "&Remote Targets\u2026", "edit_remote_targets", (), "",
         "Add, edit and remove Vertex AI and Kubeflow Pipelines targets"),
    Spec("quit", "&Quit", "close", (Key.Quit,)),
    Spec("cut", "Cu&t", "cut", ("Ctrl+X",)),
    Spec("copy", "&Copy", "copy", ("Ctrl+C",)),
    Spec("paste", "&Paste", "paste", ("Ctrl+V",)),
    Spec("duplicate", "&Duplicate", "duplicate", ("Ctrl+D",)),
    Spec("delete", "De&lete", "delete", ("Del", "Backspace"), "delete"),
    Spec("select_all", "Select &All", "select_all", ("Ctrl+A",)),
    Spec("find", "&Find\u2026", "focus_find", ("Ctrl+F",), "find", "Find tasks by name"),
    Spec("fit", "&Fit to Window", "fit", ("F",), "fit"),
    Spec("zoom_to_selection", "Zoom to &Selection", "zoom_to_selection", ("Shift+F",), "",
         "Fit the selected tasks and frames in the window"),
    Spec("snap_to_grid", "&Snap to Grid", "set_snap_to_grid", ("Ctrl+Shift+G",), tip="Align moved tasks to the grid",
         checkable=True),
    Spec("zoom_in", "Zoom &In", "zoom_in", ("Ctrl++", "Ctrl+="), "zoom_in"),
    Spec("zoom_out", "Zoom &Out", "zoom_out", ("Ctrl+-",), "zoom_out"),
    Spec("zoom_reset", "&Actual Size", "zoom_reset", ("Ctrl+0",)),
    Spec("reset_layout", "&Reset Window Layout", "reset_layout", (), "", "Put the docks of the current layout back"),
    Spec("design_layout", "&Design Layout", "show_design_layout", ("Ctrl+1",), "",
         "Palette, canvas and inspector for editing", checkable=True),
    Spec("run_layout", "R&un Layout", "show_run_layout", ("Ctrl+2",), "",
         "Canvas with live states, logs, metrics and artifacts", checkable=True),
    Spec("validate", "&Validate", "validate", ("Ctrl+Shift+V",), "validate", "Check the pipeline for problems"),
    Spec("compile", "&Compile\u2026", "compile_to_file", ("Ctrl+B",), "compile", "Write the KFP pipeline YAML"),
    Spec("auto_layout", "Auto-&layout", "auto_layout", ("Ctrl+L",), "layout", "Arrange tasks in layers"),
    Spec("align_left", "Align &Left", "align_left"),
    Spec("align_top", "Align &Top", "align_top"),
    Spec("wrap_loop", "Wrap in &Loop", "wrap_loop", ("Ctrl+Shift+L",), "loop", "Run the selection for each item"),
    Spec("wrap_condition", "Wrap in &Condition", "wrap_condition", ("Ctrl+Shift+I",), "condition",
         "Run the selection only if a condition holds"),
    Spec("wrap_exit_handler", "Wrap in &Exit Handler", "wrap_exit_handler", ("Ctrl+Shift+E",), "exit_handler",
         "Always run an exit task after the selection"),
    Spec("unwrap", "&Unwrap", "unwrap", ("Ctrl+Shift+U",), "unwrap", "Remove the group, keep its tasks"),
    Spec("run", "&Run\u2026", "run_pipeline", ("F5",), "run", "Run the pipeline locally or on a remote target"),
    Spec("cancel_run", "&Cancel Run", "cancel_run", ("Shift+F5",), "stop", "Stop the run in flight"),
    Spec("rerun", "Run &Again", "rerun", ("Ctrl+F5",), "", "Run the same pipeline with the same arguments again"),
    Spec("rerun_from_task", "Re-run &from Selected Task", "rerun_from_task", (), "",
         "Run the selected task and what depends on it again; reuse cached results upstream"),
    Spec("sweep", "&Sweep\u2026", "run_sweep", (), "", "Launch runs over a grid or random samples of parameters"),
    Spec("show_runs", "Run &History", "show_runs", ("Ctrl+H",), "", "Every run, local and remote"),
    Spec("compare_runs", "C&ompare Runs", "compare_runs", (), "", "Compare the runs selected in the history"),
    Spec("open_tensorboard", "Open in &TensorBoard", "open_tensorboard", (), "",
         "TensorBoard on the selected run's logs (the tensorboard extra)"),
    Spec("show_endpoints", "&Endpoints", "show_endpoints", (), "", "Local model endpoints: health, try a request, stop"),
    Spec("shortcuts", "&Keyboard Shortcuts", "show_shortcuts", ("Ctrl+/",), "", "Every command with its shortcut"),
    Spec("user_guide", "&User Guide", "show_user_guide", (Key.HelpContents,), "", "The README, rendered"),
    Spec("about", "&About Pipeline Workbench", "show_about", (), "", "Versions of the app, kfp, Qt and the engine"),
)

MENUS = (
    ("&File", ("new", "open", "recent", "save", "save_as", "close", None, "import_component", "new_python_component",
               "new_container_component", None, "compile", "export_png", "export_svg", "export_bundle", None, "publish_to_library", None, "quit")),
    ("&Edit", ("undo", "redo", None, "cut", "copy", "paste", "duplicate", "delete", None, "select_all", "find")),
    ("&View", ("fit", "zoom_to_selection", "zoom_in", "zoom_out", "zoom_reset", "snap_to_grid", None, "show_library",
               "docks", None, "design_layout", "run_layout", "reset_layout")),
    ("&Pipeline", ("validate", "compile", None, "auto_layout", "align_left", "align_top", None, "wrap_loop",
                   "wrap_condition", "wrap_exit_handler", "unwrap")),
    ("&Run", ("run", "cancel_run", "rerun", "rerun_from_task", None, "sweep", None, "show_runs", "compare_runs", "open_tensorboard", None,
              "show_endpoints")),
    ("&Settings", ("remote_targets", "library_folders", None, "theme")),
    ("&Help", ("shortcuts", "user_guide", None, "about")),
)
TOOLBAR = ("new", "open", "save", None, "undo", "redo", None, "wrap_loop", "wrap_condition", "wrap_exit_handler",
           "unwrap", None, "auto_layout", "fit", "zoom_in", "zoom_out", None, "validate", "compile", None, "run",
           "cancel_run")


def _icon(window: QMainWindow, key: str) -> QIcon:
    if key in STANDARD_ICONS:
        return window.style().standardIcon(STANDARD_ICONS[key])
    return action_icon(key)


UNDO_ICONS = {"undo": "undo", "redo": "redo"}  # the undo group's own actions (made by the window)


def refresh_icons(window: QMainWindow, actions: dict[str, QAction]) -> None:
    """Draw the icons again in the current theme's colours (after a theme switch)."""
    icons = {**{spec.name: spec.icon for spec in SPECS if spec.icon}, **UNDO_ICONS}
    for name, icon in icons.items():
        if name in actions:
            actions[name].setIcon(_icon(window, icon))


def build_actions(window: QMainWindow) -> dict[str, QAction]:
    actions = {}
    for spec in SPECS:
        action = QAction(spec.text, window)
        if spec.keys:
            action.setShortcuts([QKeySequence(k) for k in spec.keys])
        if spec.icon:
            action.setIcon(_icon(window, spec.icon))
        tip = spec.tip or spec.text.replace("&", "").rstrip("\u2026")
        if spec.keys:
            tip += f" ({QKeySequence(spec.keys[0]).toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.setCheckable(spec.checkable)
        action.triggered.connect(getattr(window, spec.slot))
        window.addAction(action)
        actions[spec.name] = action
    return actions
