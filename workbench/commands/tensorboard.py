"""`workbench tensorboard RUN`: TensorBoard on a run's logs, on 127.0.0.1, until Ctrl-C."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tensorboard", help="open a run's TensorBoard logs in TensorBoard (optional extra)",
        description="Start TensorBoard on the event files the run's tasks wrote ($TENSORBOARD_LOG_DIR, output "
                    "artifacts), on 127.0.0.1 and a free port; print its URL and serve until Ctrl-C.")
    parser.add_argument("run", metavar="RUN_ID", help="a run id or a unique prefix of it")
    parser.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    parser.set_defaults(handler=_tensorboard)


def _tensorboard(args: argparse.Namespace) -> int:
    from workbench.runs import paths, tensorboard_launch
    from workbench.runs.store import RunStore

    tensorboard_launch.require_installed()  # say so before looking at the run
    store = RunStore(paths.runs_db_path())
    try:
        run_id = store.get_run(args.run).id
    finally:
        store.close()
    server = tensorboard_launch.start(tensorboard_launch.run_logdir(paths.workspace_root(), run_id), args.port)
    print(server.url, flush=True)
    print(f"TensorBoard on run {run_id} ({server.logdir}); Ctrl-C stops it", file=sys.stderr, flush=True)
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
