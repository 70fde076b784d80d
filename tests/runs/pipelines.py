"""Small KFP DSL pipelines for the scheduling tests; container components run plain `sh`.

No `from __future__ import annotations`: kfp reads the real annotation objects.
"""


from kfp import dsl
from kfp.dsl import Metrics, Output


@dsl.container_component
def sleeper(seconds: float):
    return dsl.ContainerSpec(image="alpine", command=["sh", "-c", 'sleep "$0"'], args=[seconds])


@dsl.container_component
def fail():
    return dsl.ContainerSpec(image="alpine", command=["sh", "-c", "echo boom >&2; exit 3"])


@dsl.container_component
def say(text: str, out: dsl.OutputPath(str)):
    return dsl.ContainerSpec(image="alpine", command=[
        "sh", "-c", 'mkdir -p "$(dirname "$1")"; printf "%s" "$0" > "$1"; echo "said $0"'],
        args=[text, out])


@dsl.container_component
def write_dataset(text: str, data: dsl.Output[dsl.Dataset]):
    return dsl.ContainerSpec(image="alpine", command=[
        "sh", "-c", 'mkdir -p "$(dirname "$1")"; printf "%s" "$0" > "$1"'], args=[text, data.path])


@dsl.container_component
def read_dataset(data: dsl.Input[dsl.Dataset], copy: dsl.OutputPath(str)):
    return dsl.ContainerSpec(image="alpine", command=[
        "sh", "-c", 'mkdir -p "$(dirname "$1")"; cat "$0" > "$1"'], args=[data.path, copy])


@dsl.container_component
def count_attempts(counter: str, succeed_at: int):
    return dsl.ContainerSpec(image="alpine", command=[
        "sh", "-c", 'n=$(cat "$0" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$0"; '
                    'echo "attempt $n"; [ "$n" -ge "$1" ]'], args=[counter, succeed_at])


@dsl.container_component
def sleep_recording_pid(pid_file: str):
    return dsl.ContainerSpec(image="alpine", command=[
        "sh", "-c", 'sleep 30 & echo $! > "$0"; wait'], args=[pid_file])


@dsl.container_component
def live_metric():
    return dsl.ContainerSpec(image="alpine", command=[
        "sh", "-c", 'echo \'WORKBENCH_METRIC {"name": "loss", "value": 0.5, "step": 1}\'; sleep 1; echo done'])


@dsl.component(base_image="python:3.11")
def report_status(status: dsl.PipelineTaskFinalStatus) -> str:
    print("final state", status.state, status.pipeline_task_name)
    return status.state


@dsl.component(base_image="python:3.11")
def log_accuracy(metrics: Output[Metrics]):
    metrics.log_metric("accuracy", 0.9)


@dsl.pipeline(name="three-branches")
def three_branches():
    for _ in range(3):
        sleeper(seconds=1.0).set_caching_options(False)


@dsl.pipeline(name="loop-limited")
def loop_limited():
    with dsl.ParallelFor([1, 2, 3, 4], parallelism=2):
        sleeper(seconds=0.6).set_caching_options(False)


@dsl.pipeline(name="loop-unlimited")
def loop_unlimited():
    with dsl.ParallelFor([1, 2, 3, 4]):
        sleeper(seconds=0.6).set_caching_options(False)


@dsl.pipeline(name="failure-propagation")
def failure_propagation():
    broken = fail().set_caching_options(False)
    downstream = say(text="never").after(broken)
    say(text="after-downstream").after(downstream)
    say(text="independent").set_caching_options(False)
    ignoring = say(text="ignores failure").after(broken)
    ignoring.ignore_upstream_failure()


@dsl.pipeline(name="exit-handling")
def exit_handling():
    status = report_status().set_caching_options(False)
    with dsl.ExitHandler(status):
        fail().set_caching_options(False)


@dsl.pipeline(name="retrying")
def retrying(counter: str, succeed_at: int):
    count_attempts(counter=counter, succeed_at=succeed_at).set_caching_options(False).set_retry(
        num_retries=2, backoff_duration="0s")


@dsl.pipeline(name="cancellable")
def cancellable(pid_file: str):
    long = sleep_recording_pid(pid_file=pid_file).set_caching_options(False)
    say(text="later").after(long)


@dsl.pipeline(name="conditional")
def conditional(answer: str):
    first = say(text=answer).set_caching_options(False)
    with dsl.If(first.outputs["out"] == "heads"):
        say(text="took the heads branch")
    with dsl.Else():
        say(text="took the tails branch")


@dsl.pipeline(name="cached-chain")
def cached_chain(text: str):
    first = say(text=text)
    dataset = write_dataset(text=first.outputs["out"])
    read_dataset(data=dataset.outputs["data"])
    say(text="never cached").set_caching_options(False)


@dsl.pipeline(name="metrics")
def metrics_pipeline():
    live_metric().set_caching_options(False)
    log_accuracy().set_caching_options(False)


@dsl.pipeline(name="nested-named-loops")
def nested_named_loops():
    with dsl.ParallelFor([{"lr": 0.1, "epochs": 20.0}, {"lr": 0.3, "epochs": 5}]):
        with dsl.ParallelFor(["fold-a", "fold-b"]) as fold:
            say(text=fold).set_display_name("gradient boosting").set_caching_options(False)
