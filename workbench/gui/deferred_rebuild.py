"""Rebuild a panel after the event that asked for it has returned, never inside it.

A dropdown whose choice edits the graph emits from inside its own popup handling; if the panel
rebuilt right then, the dropdown would be deleted under its own event and Qt would crash. So a
panel asks `DeferredRebuild.request()` (any number of times: the requests of one event coalesce
into one rebuild on the next turn of the event loop) and retires old widgets with `retire`, which
takes them out of sight at once and deletes them only when control is back in the event loop."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLayout, QWidget


class DeferredRebuild(QObject):
    """Runs `rebuild` once, on the next turn of the event loop, per burst of requests."""

    def __init__(self, rebuild: Callable[[], None], parent: QObject):
        super().__init__(parent)
        self._rebuild = rebuild
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(rebuild)

    def request(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    @property
    def pending(self) -> bool:
        return self._timer.isActive()

    def cancel(self) -> None:
        self._timer.stop()


def retire(widget: QWidget | None) -> None:
    """Hide `widget` and delete it once the current event (perhaps its own) has returned. It stays
    owned by Qt (its parent) until then, so Python never deletes it early."""
    if widget is None:
        return
    widget.hide()
    widget.setObjectName("retired")
    widget.deleteLater()


def swap_page(layout: QLayout, old: QWidget | None, new: QWidget) -> QWidget:
    """Put `new` where `old` was in `layout`; `old` is retired. Returns `new`."""
    if old is not None:
        layout.replaceWidget(old, new)
        retire(old)
    else:
        layout.addWidget(new)
    if layout.parentWidget() is not None and layout.parentWidget().isVisible():
        new.show()
    return new
