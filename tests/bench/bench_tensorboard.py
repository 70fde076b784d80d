"""TensorBoard scalar benchmark (`make bench`): time from a scalar reaching the event file to its
MetricLogged event reaching the sink, through the watcher the engine runs beside every task (polls
every 0.5 s; goal < 1 s). The alternative, a WORKBENCH_METRIC line, arrives with the log line; the
TensorBoard path costs at most one poll interval more. Writer-side buffering (SummaryWriter's
flush_secs, 120 s by default) comes on top: the example trainer flushes every second.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from workbench.runs.tensorboard_watch import TensorBoardWatcher  # noqa: E402

SCALARS = 20
GOAL_S = 1.0


def main() -> int:
    from tensorboardX.event_file_writer import EventsWriter
    from tensorboardX.proto.event_pb2 import Event
    from tensorboardX.summary import scalar

    arrived: dict[int, float] = {}
    got_one = threading.Condition()

    def sink(event) -> None:
        with got_one:
            arrived[event.step] = time.perf_counter()
            got_one.notify_all()

    with tempfile.TemporaryDirectory() as folder:
        log_dir = Path(folder) / "tensorboard"
        log_dir.mkdir()
        writer = EventsWriter(str(log_dir / "events"))  # synchronous: the record is on disk after flush
        watcher = TensorBoardWatcher(Path(folder), "bench", "train", sink)
        watcher.start()
        written: dict[int, float] = {}
        rng = random.Random(3)
        for step in range(SCALARS):
            time.sleep(rng.uniform(0.05, 0.6))  # scalars land at any point of the poll cycle
            writer.write_event(Event(wall_time=time.time(), step=step, summary=scalar("loss", 1.0 / (step + 1))))
            writer.flush()
            written[step] = time.perf_counter()
            with got_one:
                got_one.wait_for(lambda: step in arrived, timeout=5.0)
        watcher.stop()
        writer.close()
    latencies = sorted(arrived[step] - written[step] for step in written if step in arrived)
    missing = SCALARS - len(latencies)
    p50, worst = statistics.median(latencies), latencies[-1]
    print(f"tensorboard scalar -> sink: p50 {p50 * 1000:.0f} ms, max {worst * 1000:.0f} ms over {len(latencies)} "
          f"scalars (goal < {GOAL_S * 1000:.0f} ms; poll interval 500 ms; WORKBENCH_METRIC lines: ~0 ms)"
          + (f"; {missing} never arrived" if missing else ""))
    return 0 if worst < GOAL_S and not missing else 1


if __name__ == "__main__":
    sys.exit(main())
