"""Pipelines whose runs tell a story: a trainer with live metrics, TensorBoard scalars and final
metrics (cached on a second run), a component that raises, a condition on an upstream output.

No `from __future__ import annotations`: kfp reads the real annotation objects.
"""

from kfp import dsl
from kfp.dsl import Metrics, Output


@dsl.component(base_image="python:3.11")
def train_with_curve(epochs: int, metrics: Output[Metrics]):
    import json
    import os

    from tensorboardX import SummaryWriter

    writer = SummaryWriter(os.environ["TENSORBOARD_LOG_DIR"])
    for step in range(epochs):
        print("WORKBENCH_METRIC " + json.dumps({"name": "loss", "value": 1.0 / (step + 1), "step": step}), flush=True)
        writer.add_scalar("tb/accuracy", 0.5 + step / (2 * epochs), step)
    writer.close()
    metrics.log_metric("accuracy", 0.875)


@dsl.component(base_image="python:3.11")
def make_shards(n_shards: int) -> int:
    if n_shards < 1:
        raise ValueError("n_shards must be at least 1")
    return n_shards


@dsl.component(base_image="python:3.11")
def process(n: int) -> int:
    return n * 2


@dsl.component(base_image="python:3.11")
def evaluate_model(score: float) -> float:
    return score


@dsl.component(base_image="python:3.11")
def announce(text: str):
    print(text)


@dsl.pipeline(name="cached-trainer")
def cached_trainer(epochs: int = 5):
    train_with_curve(epochs=epochs)


@dsl.pipeline(name="failing-shards")
def failing_shards(n_shards: int = 0):
    shards = make_shards(n_shards=n_shards).set_caching_options(False)
    doubled = process(n=shards.output).set_caching_options(False)
    process(n=doubled.output).set_caching_options(False)


@dsl.pipeline(name="gated-deploy")
def gated_deploy(score: float = 0.5, threshold: float = 0.9):
    evaluated = evaluate_model(score=score).set_caching_options(False)
    with dsl.If(evaluated.output > 0.9):
        announce(text="deploying").set_caching_options(False)
    with dsl.Else():
        announce(text="not good enough").set_caching_options(False)
    with dsl.If(score > threshold):
        announce(text="parameter gate").set_caching_options(False)
