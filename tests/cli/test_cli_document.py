"""The CLI through a real subprocess: exit codes, one-line messages, files written or untouched."""

import json
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "pipelines" / "train_compare_deploy.wbp"


def workbench(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "workbench", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=180)


def test_help_on_every_command():
    for command in ("validate", "compile", "import", "export-python"):
        result = workbench(command, "--help")
        assert result.returncode == 0 and "usage: workbench " + command in result.stdout


def test_usage_error_exits_2():
    assert workbench("compile").returncode == 2
    assert workbench("no-such-command").returncode == 2


def test_validate_and_compile_the_example(tmp_path):
    assert workbench("validate", EXAMPLE).returncode == 0
    out = tmp_path / "nested" / "pipeline.yaml"
    result = workbench("compile", EXAMPLE, "-o", out)
    assert result.returncode == 0, result.stderr
    spec = yaml.safe_load(out.read_text())
    assert spec["pipelineInfo"]["name"] == "train-compare-deploy"
    assert {"train-model", "train-model-2", "train-model-3"} <= set(spec["root"]["dag"]["tasks"])


def test_import_then_export_python(tmp_path):
    compiled = tmp_path / "p.yaml"
    workbench("compile", EXAMPLE, "-o", compiled)
    document = tmp_path / "p.wbp"
    result = workbench("import", compiled, "-o", document)
    assert result.returncode == 0, result.stderr
    assert json.loads(document.read_text())["schema_version"] >= 1
    result = workbench("export-python", document, "-o", tmp_path / "p.py")
    assert result.returncode == 0, result.stderr
    assert "@dsl.pipeline" in (tmp_path / "p.py").read_text()


def test_bad_document_gives_one_line_and_exit_1(tmp_path):
    bad = tmp_path / "bad.wbp"
    bad.write_text('{"schema_version": 1, "nodes": {"n1": {"name": "a", "component": "missing"}}}')
    before = bad.read_text()
    result = workbench("compile", bad, "-o", tmp_path / "out.yaml")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert str(bad) in result.stderr and "nodes.a" in result.stderr
    assert bad.read_text() == before and not (tmp_path / "out.yaml").exists()


def test_malformed_yaml_import_names_the_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("pipelineInfo: [unclosed")
    result = workbench("import", bad, "-o", tmp_path / "x.wbp")
    assert result.returncode == 1 and str(bad) in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.wbp").exists()


def test_validate_reports_problems_with_exit_1(tmp_path):
    data = json.loads(EXAMPLE.read_text())
    node = next(n for n in data["nodes"].values() if n["name"] == "deploy-model")
    del node["inputs"]["threshold"]
    broken = tmp_path / "broken.wbp"
    broken.write_text(json.dumps(data))
    result = workbench("validate", broken)
    assert result.returncode == 1
    assert "node 'deploy-model': required input 'threshold' (Float) is not set" in result.stdout
