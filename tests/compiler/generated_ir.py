"""Realistic large pipelines compiled by the real kfp compiler, for import and layout tests.

`pipeline_ir(stages, width)` gives stages of `width` parallel tasks, each stage fed by the one
before; every third stage sits in a condition nested in the previous stage's condition, every
fourth in a loop; about `stages * width` tasks in all.
"""

# no `from __future__ import annotations`: kfp reads the component annotations as types

import tempfile
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=None)
def pipeline_ir(stages: int, width: int) -> str:
    from kfp import compiler, dsl

    @dsl.component(base_image="python:3.11")
    def step(x: int) -> int:
        return x + 1

    @dsl.component(base_image="python:3.11")
    def join(xs: list) -> int:
        return sum(xs)

    @dsl.pipeline(name=f"generated-{stages}x{width}")
    def pipeline(seed: int = 1, threshold: int = 3):
        previous = [step(x=seed)]
        contexts = []
        for stage in range(stages):
            if stage % 3 == 2:
                context = dsl.If(previous[0].output > threshold)
                context.__enter__()
                contexts.append(context)
            if stage % 4 == 3:
                with dsl.ParallelFor([1, 2, 3], parallelism=2) as item:
                    inner = step(x=item)
                previous = [join(xs=dsl.Collected(inner.output))]
                continue
            previous = [step(x=previous[i % len(previous)].output) for i in range(width)]
        for context in reversed(contexts):
            context.__exit__(None, None, None)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "p.yaml"
        compiler.Compiler().compile(pipeline, str(out))
        return out.read_text()
