"""TensorBoard event files written by a task become MetricLogged events while it runs; hostile
folders (truncated or corrupt files, planted links, huge files) neither crash nor leak."""

from __future__ import annotations

import os
import struct
import sys
import textwrap
import time
from pathlib import Path

import pytest

from workbench.runs import tensorboard_watch
from workbench.runs.events import MetricLogged
from workbench.runs.tensorboard_watch import TensorBoardWatcher


def single_task_ir(command: list[str]) -> str:
    import json

    return textwrap.dedent(f"""\
        pipelineInfo: {{name: tensorboard}}
        components:
          comp-t: {{executorLabel: exec-t}}
        deploymentSpec:
          executors:
            exec-t:
              container: {{image: python, command: {json.dumps(command)}}}
        root:
          dag:
            tasks:
              t: {{componentRef: {{name: comp-t}}, taskInfo: {{name: t}}}}
        """)

pytest.importorskip("tensorboardX", reason="the tests write event files with tensorboardX (test extra)")


def write_scalars(folder: Path, tag: str, values: list[float], start_step: int = 0) -> Path:
    from tensorboardX import SummaryWriter

    writer = SummaryWriter(str(folder))
    for step, value in enumerate(values, start_step):
        writer.add_scalar(tag, value, step)
    writer.close()
    (path,) = folder.glob("events.out.tfevents.*")
    return path


def watcher(root: Path, sink: list, notes: list | None = None) -> TensorBoardWatcher:
    return TensorBoardWatcher(root, "run", "task", sink.append, (notes if notes is not None else []).append)


def test_engine_sets_the_log_dir_and_scalars_arrive_while_the_task_runs(make_engine, fake_backend, events, tmp_path):
    release = tmp_path / "release"
    script = textwrap.dedent(f"""\
        import os, pathlib, time
        from tensorboardX import SummaryWriter
        log_dir = os.environ["TENSORBOARD_LOG_DIR"]
        writer = SummaryWriter(log_dir, flush_secs=0.2)  # tensorboardX writes on its own thread
        for step in range(3):
            writer.add_scalar("train/loss", 1.0 / (step + 1), step)
        deadline = time.time() + 30
        while not pathlib.Path({str(release)!r}).exists() and time.time() < deadline:
            time.sleep(0.05)
        writer.add_scalar("train/loss", 0.125, 3)
        writer.close()
        print("log dir", log_dir)
        """)
    handle = make_engine(fake_backend).start(single_task_ir([sys.executable, "-c", script]), {})
    deadline = time.monotonic() + 30
    while len([e for e in events.of(MetricLogged) if e.name == "train/loss"]) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    live = [e for e in events.of(MetricLogged) if e.name == "train/loss"]
    assert [(e.step, round(e.value, 3)) for e in live] == [(0, 1.0), (1, 0.5), (2, 0.333)]
    assert "succeeded" not in events.states(live[0].task_id), "scalars must arrive while the task still runs"
    release.touch()
    assert handle.wait(60) == "succeeded"
    steps = [e.step for e in events.of(MetricLogged) if e.name == "train/loss"]
    assert steps == [0, 1, 2, 3], "the last scalar, written just before exit, is read by the final poll"
    launch = fake_backend.launches[0]
    assert launch.env["TENSORBOARD_LOG_DIR"].endswith(f"/tasks/{launch.task_id}/tensorboard")


def test_scalars_in_an_output_artifact_are_read_and_other_summaries_ignored(tmp_path):
    from tensorboardX import SummaryWriter

    writer = SummaryWriter(str(tmp_path / "outputs" / "model" / "logs" / "train"))
    writer.add_scalar("accuracy", 0.75, 4)
    writer.add_text("note", "not a scalar", 4)
    writer.add_histogram("weights", [1.0, 2.0, 3.0], 4)
    writer.close()
    got: list[MetricLogged] = []
    assert watcher(tmp_path, got).poll() == 1
    assert [(e.name, e.value, e.step, e.run_id, e.task_id) for e in got] == [("accuracy", 0.75, 4, "run", "task")]


def test_each_poll_reads_only_new_records(tmp_path):
    path = write_scalars(tmp_path / "tensorboard", "loss", [3.0, 2.0])
    got: list[MetricLogged] = []
    watch = watcher(tmp_path, got)
    assert watch.poll() == 2
    assert watch.poll() == 0
    record = path.read_bytes()  # tensorboardX writes a version event, then one record a scalar
    with open(path, "ab") as handle:
        handle.write(record[-_last_record_length(record):])  # the last scalar again, appended
    assert watch.poll() == 1 and got[-1].value == 2.0
    watch.stop()


def _record_lengths(data: bytes) -> list[int]:
    lengths, offset = [], 0
    while offset < len(data):
        (length,) = struct.unpack("<Q", data[offset:offset + 8])
        lengths.append(8 + 4 + length + 4)
        offset += lengths[-1]
    return lengths


def _last_record_length(data: bytes) -> int:
    return _record_lengths(data)[-1]


def test_a_truncated_record_is_read_once_its_writer_completes_it(tmp_path):
    source = write_scalars(tmp_path / "full", "loss", [1.0, 0.5, 0.25])
    data = source.read_bytes()
    cut = len(data) - _last_record_length(data) // 2
    target = tmp_path / "task" / "tensorboard" / source.name
    target.parent.mkdir(parents=True)
    target.write_bytes(data[:cut])
    got: list[MetricLogged] = []
    watch = watcher(tmp_path / "task", got)
    assert watch.poll() == 2
    with open(target, "ab") as handle:
        handle.write(data[cut:])
    assert watch.poll() == 1 and [e.value for e in got] == [1.0, 0.5, 0.25]
    watch.stop()


def test_corrupt_event_files_are_skipped_and_good_ones_still_read(tmp_path):
    logs = tmp_path / "tensorboard"
    good = write_scalars(logs / "good", "loss", [0.5])
    (logs / "events.out.tfevents.1.garbage").write_bytes(os.urandom(5000))
    data = good.read_bytes()
    flipped = bytearray(data)
    flipped[-6] ^= 0xFF  # the body of the last record no longer matches its CRC
    (logs / "events.out.tfevents.2.badcrc").write_bytes(bytes(flipped))
    valid_header = struct.pack("<Q", 60)
    (logs / "events.out.tfevents.3.notproto").write_bytes(
        valid_header + struct.pack("<I", _masked_crc(valid_header)) + b"\xff" * 60 + struct.pack("<I", 0))
    got: list[MetricLogged] = []
    watch = watcher(tmp_path, got)
    watch.poll()
    watch.poll()
    assert [(e.name, e.value) for e in got] == [("loss", 0.5)]
    watch.stop()


def _masked_crc(data: bytes) -> int:
    from tensorboardX.crc32c import crc32c

    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def test_a_link_planted_as_the_log_dir_or_event_file_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    secret = write_scalars(outside, "secret", [42.0])
    task = tmp_path / "task"
    task.mkdir()
    (task / "tensorboard").symlink_to(outside, target_is_directory=True)
    (task / "output").mkdir()
    (task / "output" / secret.name).symlink_to(secret)
    os.mkfifo(task / "output" / "events.out.tfevents.fifo")
    got: list[MetricLogged] = []
    assert watcher(task, got).poll() == 0 and got == []


def test_a_huge_event_file_is_read_in_bounded_memory(tmp_path):
    """40 MB of valid records (1 MB text summaries between scalars), read in one poll by a child
    process whose peak memory must grow far less than the file."""
    from tensorboardX import SummaryWriter

    writer = SummaryWriter(str(tmp_path / "seed"))
    writer.add_text("blob", "x" * 1_000_000, 0)
    writer.add_scalar("loss", 1.0, 0)
    writer.close()
    (seed,) = (tmp_path / "seed").glob("events.out.tfevents.*")
    data = seed.read_bytes()
    text_and_scalar = data[-sum(_record_lengths(data)[-2:]):]
    logs = tmp_path / "task" / "tensorboard"
    logs.mkdir(parents=True)
    with open(logs / seed.name, "wb") as handle:
        handle.write(data[:_record_lengths(data)[0]])
        for _ in range(40):
            handle.write(text_and_scalar)
    probe = textwrap.dedent(f"""\
        import resource, sys
        from pathlib import Path
        from workbench.runs.tensorboard_watch import TensorBoardWatcher
        import tensorboard.backend.event_processing.event_file_loader, tensorboard.util.tensor_util
        got = []
        watch = TensorBoardWatcher(Path({str(tmp_path / "task")!r}), "run", "task", got.append)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        watch.poll()
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(len(got), (after - before) // 1024)
        """)
    import subprocess

    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(Path(tensorboard_watch.__file__).parents[2])})
    assert out.returncode == 0, out.stderr
    scalars, grown_mb = map(int, out.stdout.split())
    assert scalars == 40
    assert grown_mb < 36, f"reading a 40 MB event file grew the process by {grown_mb} MB"


def test_a_record_claiming_a_huge_length_does_not_allocate_it(tmp_path):
    header = struct.pack("<Q", 2**62)
    logs = tmp_path / "tensorboard"
    logs.mkdir()
    (logs / "events.out.tfevents.9.huge").write_bytes(header + struct.pack("<I", _masked_crc(header)) + b"\0" * 64)
    got: list[MetricLogged] = []
    watch = watcher(tmp_path, got)
    assert watch.poll() == 0
    watch.stop()


def test_without_the_reader_the_task_log_says_how_to_install_it_once(tmp_path, monkeypatch):
    write_scalars(tmp_path / "tensorboard", "loss", [1.0])
    monkeypatch.setattr(tensorboard_watch, "reader_available", lambda: False)
    got: list[MetricLogged] = []
    notes: list[str] = []
    watch = watcher(tmp_path, got, notes)
    watch.poll()
    watch.poll()
    assert got == []
    assert len(notes) == 1 and "pip install 'pipeline-workbench[tensorboard]'" in notes[0]


def test_the_watcher_thread_stops_cleanly_when_the_folder_disappears(tmp_path):
    got: list[MetricLogged] = []
    watch = TensorBoardWatcher(tmp_path / "gone", "run", "task", got.append, interval=0.01)
    watch.start()
    time.sleep(0.05)
    watch.stop()
    assert got == [] and not watch._thread.is_alive()


def test_the_example_trainer_writes_tensorboard_scalars(make_engine, fake_backend, events, tmp_path):
    import numpy as np

    rng = np.random.default_rng(1)
    for name, rows in (("train", 120), ("test", 40)):
        x = rng.normal(size=(rows, 2))
        table = np.column_stack([x, (x[:, 0] > 0).astype(float)])
        np.savetxt(tmp_path / f"{name}.csv", table, delimiter=",", header="a,b,label", comments="")
    from engine_support import compile_pipeline
    from kfp import components, dsl

    train_model = components.load_component_from_file(
        str(Path(__file__).parents[2] / "resources/components/training/train_model.yaml"))

    @dsl.pipeline(name="tensorboard-trainer")
    def pipeline():
        train = dsl.importer(artifact_uri=str(tmp_path / "train.csv"), artifact_class=dsl.Dataset)
        test = dsl.importer(artifact_uri=str(tmp_path / "test.csv"), artifact_class=dsl.Dataset)
        train_model(train=train.output, test=test.output, epochs=4)

    handle = make_engine(fake_backend).start(compile_pipeline(pipeline, tmp_path), {})
    assert handle.wait(120) == "succeeded", handle.message
    scalars = {(e.name, e.step) for e in events.of(MetricLogged) if "/" in e.name}
    assert scalars == {("train/loss", step) for step in range(4)} | {("test/roc_auc", 4), ("test/accuracy", 4)}


def test_a_scalar_tensor_declaring_a_huge_shape_is_skipped_without_allocating_it(tmp_path):
    """A 17-byte record can declare a tensor of 2**40 values; building it as an array (to find it is not
    a scalar) failed, which ended the reading of the whole file, or for 2**28 values took 1 GB."""
    from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2
    from tensorboard.summary.writer.record_writer import RecordWriter

    shape = tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=2**40)])
    huge = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[1.0], tensor_shape=shape)
    scalars = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars"))
    logs = tmp_path / "tensorboard"
    logs.mkdir()
    with open(logs / "events.out.tfevents.1.host", "wb") as handle:
        writer = RecordWriter(handle)
        for step, value in ((0, summary_pb2.Summary.Value(tag="loss", metadata=scalars, tensor=huge)),
                            (1, summary_pb2.Summary.Value(tag="loss", simple_value=0.25))):
            writer.write(event_pb2.Event(step=step, summary=summary_pb2.Summary(value=[value])).SerializeToString())
    got: list[MetricLogged] = []
    watch = watcher(tmp_path, got)
    watch.poll()
    assert [(e.name, e.value, e.step) for e in got] == [("loss", 0.25, 1)]
    watch.stop()
