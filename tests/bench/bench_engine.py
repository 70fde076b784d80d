"""Our local engine against kfp.local 2.17 (DockerRunner, SubprocessRunner), measured in the same run.

    .venv/bin/python tests/bench/bench_engine.py [--max-parallel N] [--repeat N]

Ours runs twice in Docker: at its defaults (admission by resource requests, at most 4 tasks per
CPU) and with `--max-parallel N` (default 8). Scenarios (issues 3 and 15): ten sequential trivial
tasks (per-task overhead over a bare `docker run --rm IMAGE true`); a ParallelFor over 8 items
sleeping 2 s each, parallelism unset and 8; three independent branches of two 2-s tasks each, then a
join (built here with the kfp DSL); `pipelines/train_compare_deploy.wbp` end to end (CPU-bound
trainers: defaults against the old default of one task per CPU), then fully cached (ours only:
kfp.local has no cache); and a loop of 8 tasks that each allocate 2 GB, at defaults, with the
lowest available memory seen against the admission floor. No registry is reachable in CI, so kfp.local's Docker tasks use our prepared
runtime image as their base image (its pip prologue then finds kfp installed and needs no network);
ours use the plain base image and prepare that runtime image themselves (in the warm-up run).
"""

# No `from __future__ import annotations`: kfp reads the components' annotations as real types.
import argparse
import builtins
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Optional

BASE_IMAGE = os.environ.get("WORKBENCH_TEST_BASE_IMAGE", "workbench-base:bookworm")
TIMEOUT_S = 600


def build_pipelines(image: str) -> dict[str, Callable[..., Any]]:
    """The benchmark pipelines, with every component running in `image`."""
    from kfp import dsl

    @dsl.component(base_image=image)
    def step(x: int) -> int:
        return x + 1

    @dsl.component(base_image=image)
    def sleeper(x: int) -> int:
        import time

        time.sleep(2)
        return x

    @dsl.component(base_image=image)
    def join(a: int, b: int, c: int) -> int:
        return a + b + c

    @dsl.pipeline(name="ten-sequential")
    def ten_sequential():
        task = step(x=0)
        for _ in range(9):
            task = step(x=task.output)

    def loop(parallelism: int):
        @dsl.pipeline(name=f"parallel-for-8-p{parallelism}")
        def parallel_for():
            with dsl.ParallelFor(items=list(range(8)), parallelism=parallelism) as item:
                sleeper(x=item)
        return parallel_for

    @dsl.pipeline(name="three-branches-join")
    def three_branches():
        ends = [sleeper(x=sleeper(x=i).output).output for i in range(3)]
        join(a=ends[0], b=ends[1], c=ends[2])

    return {"ten sequential": ten_sequential, "ParallelFor 8, parallelism unset": loop(0),
            "ParallelFor 8, parallelism 8": loop(8), "3 branches + join": three_branches}


def memory_hungry(image: str) -> Callable[..., Any]:
    from kfp import dsl

    @dsl.component(base_image=image)
    def hold_2gb(x: int) -> int:
        import time

        block = b"\x01" * (2 * 10**9)  # written, so it is resident
        time.sleep(2)
        return x + len(block) // 10**9

    @dsl.pipeline(name="eight-times-2gb")
    def eight_times_2gb():
        with dsl.ParallelFor(items=list(range(8))) as item:
            hold_2gb(x=item).set_caching_options(False)
    return eight_times_2gb


def compile_ir(pipeline: Callable[..., Any], directory: Path) -> str:
    from kfp import compiler

    path = directory / f"{pipeline.name}.yaml"
    compiler.Compiler().compile(pipeline, str(path))
    return path.read_text()


def time_ours(backend: Any, ir: str, work: Path, max_parallel: Optional[int], use_cache: bool = False) -> float:
    from workbench.runs.engine import Engine

    engine = Engine(backend, sinks=[], max_parallel=max_parallel, use_cache=use_cache, cache_dir=work / "cache",
                    workspace_root=work / "ours")
    began = time.perf_counter()
    handle = engine.start(ir, {})
    state = handle.wait(TIMEOUT_S)
    elapsed = time.perf_counter() - began
    if state != "succeeded":
        handle.cancel()
        raise RuntimeError(f"our engine: {state} {handle.message}")
    return elapsed


def time_kfp_local(runner: Any, pipeline: Callable[..., Any], work: Path) -> float:
    from kfp import local

    local.init(runner=runner, pipeline_root=str(work / "kfp-local"))
    original_print = builtins.print  # kfp.local swaps it from several threads and can leave it indented
    began = time.perf_counter()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            pipeline()
        return time.perf_counter() - began
    finally:
        builtins.print = original_print


def bare_docker_run(image: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run(["docker", "run", "--rm", image, "true"], check=True, timeout=TIMEOUT_S,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def best_of(repeat: int, measure: Callable[[], float]) -> float:
    return min(measure() for _ in range(repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-parallel", type=int, default=8,
                        help="the cap of the second run of ours (the first runs at its defaults)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the best counts")
    args = parser.parse_args()

    import docker
    from kfp import local

    from workbench.runs import images
    from workbench.runs.docker_backend import DockerBackend
    from workbench.runs.subprocess_backend import SubprocessBackend

    work = Path(tempfile.mkdtemp(prefix="workbench-bench-"))
    os.environ.setdefault("WORKBENCH_DATA_DIR", str(work / "data"))
    client = docker.from_env(timeout=120)
    runtime = images.prepare_runtime(client, BASE_IMAGE, [], lambda message: print(f"  {message}"))
    ours_pipelines = build_pipelines(BASE_IMAGE)
    theirs_pipelines = build_pipelines(runtime)
    irs = {name: compile_ir(pipeline, work) for name, pipeline in ours_pipelines.items()}

    ours_docker, ours_subprocess = DockerBackend(client), SubprocessBackend(work / "venvs")
    for backend in (ours_docker, ours_subprocess):  # warm-up: runtime images and venvs get prepared
        time_ours(backend, irs["ten sequential"], work, None)

    p = args.max_parallel
    print(f"kfp.local {images.host_kfp_version()}; CPUs: {os.cpu_count()}; ours at defaults and with "
          f"--max-parallel {p}; base image: {BASE_IMAGE}")
    bare = bare_docker_run(BASE_IMAGE, max(5, args.repeat))
    print(f"bare `docker run --rm {BASE_IMAGE} true`: {bare:.2f} s\n")
    header = f"{'scenario':<34}{'ours dflt':>10}{f'ours -p{p}':>10}{'kfp Docker':>11}{'ratio':>7}{f'ratio -p{p}':>10}" \
             f"{'ours subproc':>13}{'kfp Subproc':>12}{'ratio':>7}"
    print(header)
    print("-" * len(header))
    for name, ir in irs.items():
        ours_d = best_of(args.repeat, lambda: time_ours(ours_docker, ir, work, None))
        ours_p = best_of(args.repeat, lambda: time_ours(ours_docker, ir, work, p))
        theirs_d = best_of(args.repeat, lambda: time_kfp_local(local.DockerRunner(), theirs_pipelines[name], work))
        ours_s = best_of(args.repeat, lambda: time_ours(ours_subprocess, ir, work, None))
        theirs_s = best_of(args.repeat, lambda: time_kfp_local(local.SubprocessRunner(use_venv=False),
                                                                ours_pipelines[name], work))
        print(f"{name:<34}{ours_d:>9.2f}s{ours_p:>9.2f}s{theirs_d:>10.2f}s{theirs_d / ours_d:>6.1f}x"
              f"{theirs_d / ours_p:>9.1f}x{ours_s:>12.2f}s{theirs_s:>11.2f}s{theirs_s / ours_s:>6.1f}x", flush=True)
        if name == "ten sequential":
            print(f"{'  per-task overhead over bare run':<34}{ours_d / 10 - bare:>9.2f}s{'':>10}"
                  f"{theirs_d / 10 - bare:>10.2f}s")
    train_compare_deploy(client, ours_docker, ours_subprocess, work, args)
    memory_floor(ours_docker, compile_ir(memory_hungry(BASE_IMAGE), work), work)
    print("\nratio = kfp.local time / our time (higher is better for us)")
    return 0


def memory_floor(backend: Any, ir: str, work: Path) -> None:
    """8 tasks that each hold 2 GB, at defaults: the lowest MemAvailable seen, sampled every 50 ms."""
    import threading

    from workbench.runs.engine.admission import DEFAULT_FLOOR_FRACTION, size_text
    from workbench.runs.engine.machine import read_memory

    lowest = [read_memory().available]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            lowest[0] = min(lowest[0], read_memory().available)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        elapsed = time_ours(backend, ir, work, None)
    finally:
        done.set()
        sampler.join()
    floor = read_memory().total * DEFAULT_FLOOR_FRACTION
    print(f"{'8 tasks x 2 GB, defaults (docker)':<34}{elapsed:>9.2f}s   lowest available memory "
          f"{size_text(lowest[0])}, floor {size_text(floor)}: {'above' if lowest[0] >= floor else 'BELOW'}")


def train_compare_deploy(client: Any, docker_backend: Any, subprocess_backend: Any, work: Path,
                         args: argparse.Namespace) -> None:
    """The main example end to end; kfp.local runs it in a runtime image with the example's packages
    preinstalled. Our runs end with a local endpoint (its Serve step), stopped at the end: the
    bench has its own data dir, so these are the only endpoints it sees."""
    from kfp import components, local

    from workbench.compiler import ir_text_for
    from workbench.runs import images
    from workbench.runs.engine import runtimes_needed
    from workbench.runs.engine.ir import parse_ir
    from workbench.runs.image_aliases import AliasedImages
    from workbench.serving.manager import EndpointManager

    repo = Path(__file__).resolve().parents[2]
    ir = ir_text_for(repo / "pipelines" / "train_compare_deploy.wbp")
    public_image = "python:3.11-slim"
    ours = AliasedImages(docker_backend, {public_image: BASE_IMAGE})
    for backend in (ours, subprocess_backend):  # warm-up: the numpy runtime image and venv get prepared
        time_ours(backend, ir, work, None)
    packages = sorted({p for _, needed in runtimes_needed(parse_ir(ir)) for p in needed})
    runtime = images.prepare_runtime(client, BASE_IMAGE, packages, lambda message: None)
    theirs_ir = ir.replace(public_image, runtime)
    pipeline_d = components.load_component_from_text(theirs_ir)
    pipeline_s = components.load_component_from_text(ir)
    ours_d = best_of(args.repeat, lambda: time_ours(ours, ir, work, None))
    ours_p = best_of(args.repeat, lambda: time_ours(ours, ir, work, args.max_parallel))
    theirs_d = best_of(args.repeat, lambda: time_kfp_local(local.DockerRunner(), pipeline_d, work))
    ours_s = best_of(args.repeat, lambda: time_ours(subprocess_backend, ir, work, None))
    theirs_s = best_of(args.repeat, lambda: time_kfp_local(local.SubprocessRunner(use_venv=False), pipeline_s, work))
    print(f"{'train_compare_deploy.wbp':<34}{ours_d:>9.2f}s{ours_p:>9.2f}s{theirs_d:>10.2f}s{theirs_d / ours_d:>6.1f}x"
          f"{theirs_d / ours_p:>9.1f}x{ours_s:>12.2f}s{theirs_s:>11.2f}s{theirs_s / ours_s:>6.1f}x", flush=True)
    cpus = os.cpu_count() or 1
    before = best_of(args.repeat, lambda: time_ours(ours, ir, work, cpus))
    print(f"{f'  the same, -p{cpus} (the old default)':<34}{before:>9.2f}s   defaults / old default: "
          f"{ours_d / before:.2f}")
    time_ours(ours, ir, work, None, use_cache=True)
    cached = best_of(3, lambda: time_ours(ours, ir, work, None, use_cache=True))
    print(f"{'  the same, fully cached (ours)':<34}{cached:>9.2f}s   (goal: under 1 s)")
    manager = EndpointManager()
    for endpoint in manager.list():
        manager.stop(endpoint.name)


if __name__ == "__main__":
    sys.exit(main())
