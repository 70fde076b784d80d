"""A seeded random walk of real input events over the whole app window: clicks (left, right,
double), drags and keys anywhere, with a bias toward the canvas, into open dropdowns and menus too;
a timer closes the modal dialogs the walk opens. The same seed sends the same events. It must end
with 0 crashes (this process survives: run it as a child) and 0 uncaught exceptions.

    python tests/bench/bench_random_walk.py --minutes 10 --seed 1
Prints `WALK {json}`: events sent by kind, uncaught exceptions, seconds; exits 1 on an uncaught one.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
faulthandler.enable(all_threads=True)
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QPoint, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

EXAMPLES = sorted((REPO / "pipelines").glob("*.wbp"))
KEYS = [Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_Tab, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left,
        Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_A, Qt.Key.Key_1,
        Qt.Key.Key_F, Qt.Key.Key_Home, Qt.Key.Key_PageDown]
CONTROL_KEYS = [Qt.Key.Key_Z, Qt.Key.Key_Y, Qt.Key.Key_C, Qt.Key.Key_V, Qt.Key.Key_X, Qt.Key.Key_D, Qt.Key.Key_A,
                Qt.Key.Key_L, Qt.Key.Key_0, Qt.Key.Key_Equal, Qt.Key.Key_Minus]
NO_MODIFIER, CONTROL = Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier
LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton


class Walk:
    def __init__(self, window, documents: list[str], seed: int, seconds: float):
        self.window, self.rng, self.deadline = window, random.Random(seed), time.monotonic() + seconds
        self.documents = documents
        self.sent: Counter[str] = Counter()
        self.ticker = QTimer(interval=0)
        self.ticker.timeout.connect(self.step)
        self.seen_popup: QWidget | None = None
        self.last_step = time.monotonic()
        self.closer = QTimer(interval=150)  # closes modal dialogs (their exec() blocks the ticker)
        self.closer.timeout.connect(self.close_modal)

    def start(self) -> None:
        self.ticker.start()
        self.closer.start()

    def close_modal(self) -> None:
        """Close a modal dialog, or a menu that stayed open since the last look (a context menu's
        exec() blocks the ticker as a dialog does)."""
        modal = QApplication.activeModalWidget()
        if modal is not None:
            getattr(modal, "reject", modal.close)()
            self.sent["dialogs_closed"] += 1
        popup = QApplication.activePopupWidget()
        if popup is not None and popup is self.seen_popup:
            popup.close()
            self.sent["menus_closed"] += 1
        self.seen_popup = QApplication.activePopupWidget()
        if modal is None and popup is None and time.monotonic() - self.last_step > 1.0:
            # the ticker is blocked in another nested loop: a drag (QDrag.exec, e.g. from the
            # palette) that under a real X server waits for the real pointer; Escape cancels it
            QTest.keyClick(QApplication.focusWidget() or self.window, Qt.Key.Key_Escape)
            self.sent["drags_cancelled"] += 1

    def step(self) -> None:
        self.last_step = time.monotonic()
        if self.last_step > self.deadline:
            self.ticker.stop()
            self.closer.stop()
            QApplication.exit(0)  # not quit(): that would close the window and ask about unsaved work
            return
        if not self.window.isVisible():
            self.window.show()  # Quit / Close was chosen: the walk goes on in a fresh window state
            self.sent["reshown"] += 1
        if not self.window.tabs_list() and self.rng.random() < 0.05:
            self.window.open_path(self.rng.choice(self.documents))
        popup = QApplication.activePopupWidget()
        if popup is not None:
            self.into_popup(popup)
            return
        roll = self.rng.random()
        if roll < 0.45:
            self.click(self.target())
        elif roll < 0.6:
            self.drag(self.target())
        elif roll < 0.9:
            self.key()
        else:
            self.click(self.target(), RIGHT)

    def target(self) -> tuple[QWidget, QPoint]:
        """A widget and a point in it: half the time on the canvas, else anywhere in the window."""
        tab = self.window.current
        if tab is not None and self.rng.random() < 0.5:
            viewport = tab.view.viewport()
            return viewport, QPoint(self.rng.randrange(max(1, viewport.width())),
                                    self.rng.randrange(max(1, viewport.height())))
        point = QPoint(self.rng.randrange(self.window.width()), self.rng.randrange(self.window.height()))
        widget = self.window.childAt(point) or self.window
        return widget, widget.mapFrom(self.window, point) if widget is not self.window else point

    def click(self, where: tuple[QWidget, QPoint], button=LEFT) -> None:
        widget, point = where
        if button == LEFT and self.rng.random() < 0.15:
            QTest.mouseDClick(widget, button, NO_MODIFIER, point)
            self.sent["double_clicks"] += 1
        else:
            QTest.mouseClick(widget, button, NO_MODIFIER, point)
            self.sent["right_clicks" if button == RIGHT else "clicks"] += 1

    def drag(self, where: tuple[QWidget, QPoint]) -> None:
        widget, start = where
        end = QPoint(start.x() + self.rng.randint(-300, 300), start.y() + self.rng.randint(-200, 200))
        QTest.mousePress(widget, LEFT, NO_MODIFIER, start)
        for i in range(1, 5):
            QTest.mouseMove(widget, QPoint(start.x() + (end.x() - start.x()) * i // 4,
                                           start.y() + (end.y() - start.y()) * i // 4))
        QTest.mouseRelease(widget, LEFT, NO_MODIFIER, end)
        self.sent["drags"] += 1

    def key(self) -> None:
        target = QApplication.focusWidget() or self.window
        if self.rng.random() < 0.25:
            QTest.keyClick(target, self.rng.choice(CONTROL_KEYS), CONTROL)
        else:
            QTest.keyClick(target, self.rng.choice(KEYS), NO_MODIFIER)
        self.sent["keys"] += 1

    def into_popup(self, popup: QWidget) -> None:
        """An open dropdown or menu: move in it and choose, or click in it, or dismiss it."""
        roll = self.rng.random()
        focus = popup.focusWidget() or popup
        if roll < 0.6:
            QTest.keyClick(focus, self.rng.choice([Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Return]))
        elif roll < 0.85:
            QTest.mouseClick(popup, LEFT, NO_MODIFIER,
                             QPoint(self.rng.randrange(max(1, popup.width())), self.rng.randrange(max(1, popup.height()))))
        else:
            QTest.keyClick(focus, Qt.Key.Key_Escape)
        self.sent["popup_events"] += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="random-walk-"))  # the user's data and settings stay untouched
    os.environ.setdefault("WORKBENCH_DATA_DIR", str(scratch / "data"))
    os.environ["XDG_CONFIG_HOME"] = str(scratch / "config")
    from workbench.gui.crash.error_reporter import ErrorReporter
    from workbench.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    reporter = ErrorReporter(app)
    reporter.install()
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    QTest.qWaitForWindowExposed(window, 2000)
    documents = []
    for example in EXAMPLES:  # copies: the walk may well click Save
        documents.append(str(shutil.copyfile(example, scratch / example.name)))
        window.open_path(documents[-1])
    walk = Walk(window, documents, args.seed, args.minutes * 60)
    faulthandler.dump_traceback_later(args.minutes * 60 + float(os.environ.get("WALK_GRACE_S", 120)), exit=True)  # a hang fails with its trace
    started = time.monotonic()
    walk.start()
    app.exec()
    events = sum(v for k, v in walk.sent.items() if k not in ("dialogs_closed", "menus_closed", "drags_cancelled", "reshown"))
    print("WALK " + json.dumps({"seed": args.seed, "seconds": round(time.monotonic() - started, 1),
                                "events": events, **walk.sent, "uncaught": reporter.count}, sort_keys=True),
          flush=True)
    for tab in window.tabs_list():
        tab.document.undo_stack.setClean()
    return 1 if reporter.count else 0


if __name__ == "__main__":
    sys.exit(main())
