"""Window responsiveness while a run streams metrics (`make bench`; prints, asserts nothing).

A synthetic run emits 10,000 metric points a second (plus 1,000 log lines a second) from a worker
thread through the run event bridge into the live metrics dock and the logs panel, whose curves
already hold a million points. A 5 ms QTimer measures how late the event loop serves it: the
99th percentile of that lateness is the latency a user feels. Goal: < 50 ms.
Alternative measured in the same run: the same stream with one queued signal per event (no
batching in the bridge).
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QObject, QTimer, Qt, Signal  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from workbench.gui.runs.controller import RunController  # noqa: E402
from workbench.gui.runs.logs_panel import LogsPanel  # noqa: E402
from workbench.gui.runs.metrics_dock import MetricsPanel  # noqa: E402
from workbench.gui.runs.session import RunOptions, RunSession  # noqa: E402
from workbench.runs.events import LogLine, MetricLogged, RunStarted  # noqa: E402

POINTS_PER_SECOND, LOGS_PER_SECOND = 10_000, 1_000
PREFILL = 1_000_000
TASKS = ("train-model", "train-model-2", "train-model-3", "train-model-4")
SECONDS = 6.0
TICK_MS = 5


class UnbatchedBridge(QObject):
    """The alternative: every event is its own queued signal."""

    received = Signal(list)
    _one = Signal(object)

    def __init__(self):
        super().__init__()
        self._one.connect(lambda event: self.received.emit([event]), Qt.ConnectionType.QueuedConnection)

    def sink(self, event) -> None:
        self._one.emit(event)


def emit_stream(sink, run_id: str, stop: threading.Event) -> int:
    """Worker thread: bursts every 10 ms at the target rates; returns how many points it sent."""
    sent, step, started = 0, PREFILL // len(TASKS), time.perf_counter()
    while not stop.is_set():
        due = int((time.perf_counter() - started) * POINTS_PER_SECOND)
        while sent < due:
            task = TASKS[sent % len(TASKS)]
            sink(MetricLogged(run_id, task, "loss", 1.0 / (1 + step * 1e-5), step, time.time()))
            if sent % (POINTS_PER_SECOND // LOGS_PER_SECOND) == 0:
                sink(LogLine(run_id, task, f"\x1b[32mepoch {step}\x1b[0m loss={1.0 / (1 + step):.5f}", time.time()))
            sent += 1
            step += 1 if sent % len(TASKS) == 0 else 0
        time.sleep(0.01)
    return sent


def measure(app: QApplication, batched: bool) -> dict:
    controller = RunController()
    if not batched:
        bridge = UnbatchedBridge()
        bridge.received.connect(controller._apply)
        sink = bridge.sink
    else:
        sink = controller.bridge.sink
    session = RunSession("bench-run", RunOptions("", {}))
    controller.sessions[session.run_id] = session
    session.apply(RunStarted(session.run_id, "bench", "synthetic", {}, time.time()))
    for index in range(PREFILL):  # a million points already in the curves
        session.apply(MetricLogged(session.run_id, TASKS[index % len(TASKS)], "loss", 1.0 / (1 + index // 4),
                                   index // len(TASKS), time.time()))
    metrics, logs = MetricsPanel(), LogsPanel()
    metrics.resize(1000, 600)
    logs.resize(1000, 300)
    metrics.show()
    logs.show()
    metrics.set_session(session)
    logs.set_session(session)
    app.processEvents()
    lateness: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last[0]) * 1000 - TICK_MS))
        last[0] = now

    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.timeout.connect(tick)
    stop = threading.Event()
    result: dict = {}
    worker = threading.Thread(target=lambda: result.setdefault("sent", emit_stream(sink, session.run_id, stop)))
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(app.quit)
    probe.start(TICK_MS)
    worker.start()
    deadline.start(int(SECONDS * 1000))
    app.exec()
    stop.set()
    worker.join()
    probe.stop()
    received = sum(b.size for b in session.series.values()) - PREFILL
    lateness.sort()
    metrics.close()
    logs.close()
    return {"p50": statistics.median(lateness), "p99": lateness[int(len(lateness) * 0.99) - 1],
            "max": lateness[-1], "sent": result.get("sent", 0), "received": received,
            "plotted": sum(metrics.plotted_points().values())}


def main() -> int:
    app = QApplication.instance() or QApplication([])
    rows = [("batched bridge", measure(app, True)), ("one signal per event", measure(app, False))]
    print(f"{POINTS_PER_SECOND} points/s + {LOGS_PER_SECOND} log lines/s for {SECONDS:.0f} s, curves prefilled "
          f"with {PREFILL:,} points; event-loop lateness of a {TICK_MS} ms timer:")
    for name, row in rows:
        print(f"  {name:22} p50 {row['p50']:6.1f} ms  p99 {row['p99']:6.1f} ms  max {row['max']:7.1f} ms  "
              f"(sent {row['sent']:,}, applied {row['received']:,} by the end, plotted {row['plotted']:,})")
    batched, naive = rows[0][1], rows[1][1]
    print(f"  goal p99 < 50 ms: {'met' if batched['p99'] < 50 else 'NOT met'}; "
          f"p99 ratio one-signal-per-event / batched: {naive['p99'] / max(batched['p99'], 0.01):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
