"""`workbench render DOC -o out.png|out.svg`: draw a pipeline's canvas without a display.

Qt is imported only when the command runs; with no display it uses the offscreen platform.
"""

from __future__ import annotations

import argparse
import os
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("render", help="export a pipeline's canvas as PNG or SVG (no display needed)",
                                   description="Draw the canvas of a .wbp document or a KFP pipeline YAML.")
    parser.add_argument("document", help="a .wbp document or a compiled KFP pipeline YAML")
    parser.add_argument("-o", "--output", required=True, help="the image to write: *.png or *.svg")
    parser.set_defaults(handler=run)


def _needs_offscreen() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return False
    if sys.platform.startswith("linux"):
        return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return False


def run(args: argparse.Namespace) -> int:
    from workbench.errors import WorkbenchError

    if not args.output.lower().endswith((".png", ".svg")):
        raise WorkbenchError("the output must end in .png or .svg", path=args.output)
    if _needs_offscreen():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    from workbench.gui.render import render_document

    app = QApplication.instance() or QApplication([sys.argv[0]])
    render_document(args.document, args.output)
    del app
    print(f"wrote {args.output}")
    return 0
