"""Every example loads, validates and compiles; compiled output matches the golden files (with
the SDK version normalised), and the exported Python compiles to the same pipeline."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.compiler.compile import compile_graph
from workbench.compiler.export_python import export_python
from workbench.model.serialize import load
from workbench.model.validate import validate

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "pipelines").glob("*.wbp"))
GOLDEN = Path(__file__).parent / "golden"


def normalise(text: str) -> str:
    """Drop what changes with the SDK release, not with the pipeline."""
    text = re.sub(r"sdkVersion: kfp-[\w.]+", "sdkVersion: kfp-X", text)
    text = re.sub(r"'kfp==[\w.]+'", "'kfp==X'", text)
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


def test_there_are_three_examples():
    assert [p.name for p in EXAMPLES] == ["hyperparameter_sweep.wbp", "sharded_processing.wbp",
                                          "train_compare_deploy.wbp"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_validates_and_matches_golden(example):
    graph = load(example)
    assert [d for d in validate(graph) if d.severity == "error"] == []
    text = normalise(compile_graph(graph))
    golden = GOLDEN / f"{example.stem}.yaml"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text(), f"compiled {example.name} differs from {golden}; set UPDATE_GOLDEN=1 to accept"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_exported_python_compiles_to_the_same_pipeline(example, tmp_path):
    graph = load(example)
    script = tmp_path / "pipeline.py"
    script.write_text(export_python(graph))
    subprocess.run([sys.executable, str(script)], cwd=tmp_path, check=True, timeout=120)
    assert normalise((tmp_path / "pipeline.yaml").read_text()) == normalise(compile_graph(graph))
