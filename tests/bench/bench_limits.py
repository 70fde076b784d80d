"""Engine memory at the limits: peak RSS of `workbench run` with a 1 GB output artifact (run, then a
cache hit) and with an output parameter of the largest allowed size passed downstream, against a
trivial one-task pipeline measured in the same run.

    .venv/bin/python tests/bench/bench_limits.py [--backend subprocess|docker] [--artifact-mb 1024]

The peak is the process's `ru_maxrss` (os.wait4), so it covers everything the engine holds: the
artifact must never pass through its memory, the parameter only as a bounded value.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
BASE_IMAGE = os.environ.get("WORKBENCH_TEST_BASE_IMAGE", "workbench-base:bookworm")
DATASET = {"schemaTitle": "system.Dataset", "schemaVersion": "0.0.1"}


def ir(name: str, image: str, tasks: dict[str, dict]) -> str:
    """A pipeline of container tasks: name -> {command, outputs (parameters), artifacts, input (producer)}."""
    components, executors, dag = {}, {}, {}
    for key, spec in tasks.items():
        outputs = {}
        if spec.get("parameter"):
            outputs["parameters"] = {"out": {"parameterType": "STRING"}}
        if spec.get("artifact"):
            outputs["artifacts"] = {"data": {"artifactType": DATASET}}
        component = {"executorLabel": f"exec-{key}", "outputDefinitions": outputs}
        entry = {"componentRef": {"name": f"comp-{key}"}, "taskInfo": {"name": key},
                 "cachingOptions": {"enableCache": True}}
        if spec.get("input"):
            component["inputDefinitions"] = {"parameters": {"text": {"parameterType": "STRING"}}}
            entry["inputs"] = {"parameters": {"text": {"taskOutputParameter": {
                "producerTask": spec["input"], "outputParameterKey": "out"}}}}
        components[f"comp-{key}"] = component
        executors[f"exec-{key}"] = {"container": {"image": image, "command": spec["command"]}}
        dag[key] = entry
    return yaml.safe_dump({"pipelineInfo": {"name": name}, "components": components,
                           "deploymentSpec": {"executors": executors}, "root": {"dag": {"tasks": dag}},
                           "schemaVersion": "2.1.0"})


def scenarios(image: str, artifact_mb: int, parameter_bytes: int) -> dict[str, str]:
    write_artifact = f'mkdir -p "$(dirname "$0")"; head -c {artifact_mb}M /dev/zero > "$0"'
    write_parameter = f'mkdir -p "$(dirname "$0")"; head -c {parameter_bytes} /dev/zero | tr "\\0" x > "$0"'
    return {
        "trivial task (baseline)": ir("trivial", image, {"t": {"command": ["true"]}}),
        f"{artifact_mb} MB output artifact": ir("artifact", image, {"big": {
            "command": ["sh", "-c", write_artifact, "{{$.outputs.artifacts['data'].path}}"], "artifact": True}}),
        f"{parameter_bytes:,} B parameter passed on": ir("parameter", image, {
            "make": {"command": ["sh", "-c", write_parameter, "{{$.outputs.parameters['out'].output_file}}"],
                     "parameter": True},
            # Not on the command line: one argv element is at most 128 KiB (Linux MAX_ARG_STRLEN).
            "use": {"command": ["true"], "input": "make"}}),
    }


def peak_rss(ir_path: Path, data_dir: Path, backend: str) -> tuple[int, float, str]:
    """(peak RSS in bytes, seconds, last output line) of one `workbench run`."""
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen([sys.executable, "-m", "workbench", "run", str(ir_path), "--backend", backend],
                                   cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        out.seek(0)
        last = (out.read().strip().splitlines() or [""])[-1]
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"run of {ir_path.name} failed: {last}")
    return usage.ru_maxrss * 1024, time.monotonic() - started, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("subprocess", "docker"), default="subprocess")
    parser.add_argument("--artifact-mb", type=int, default=1024)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from workbench.runs.engine.limits import RunLimits

    limit = RunLimits.from_environment().parameter_bytes
    image = BASE_IMAGE if args.backend == "docker" else "alpine"
    with tempfile.TemporaryDirectory(prefix="bench-limits-") as work:
        work_dir = Path(work)
        baseline = None
        print(f"{'scenario':<46} {'peak RSS':>10} {'vs baseline':>12} {'time':>8}")
        for label, text in scenarios(image, args.artifact_mb, limit).items():
            path = work_dir / f"{label.split()[0]}.yaml"
            path.write_text(text)
            for attempt in ("run", "cache hit"):
                rss, seconds, _ = peak_rss(path, work_dir / "data", args.backend)
                baseline = baseline or rss
                print(f"{label + ' (' + attempt + ')':<46} {rss / 2**20:>7.0f} MiB {rss / baseline:>11.2f}x "
                      f"{seconds:>7.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
