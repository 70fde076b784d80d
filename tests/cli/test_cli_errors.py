"""How the CLI fails, through the real `python -m workbench`: a user error is one line and exit 1,
a bug is one line, `details: LOG` and exit 3 with the traceback in the log; hostile documents and IR
are refused by `render`, `validate`, `import` and `run` in one line (no segfault, no hang)."""

import copy
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from corpus import corpus_files
from loader_fuzz import Mutator, check_case, load_ir_import, load_wbp, wbp_seeds

REPO = Path(__file__).resolve().parents[2]
SWEEP = json.loads((REPO / "pipelines" / "hyperparameter_sweep.wbp").read_text())


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "WORKBENCH_DATA_DIR": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen"}


def workbench(env, *args, code=None):
    command = [sys.executable, "-m", "workbench", *map(str, args)] if code is None else [sys.executable, "-c", code]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=180, cwd=REPO)


def one_line_error(result, path):
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: "), result.stderr
    return lines[0]


def test_an_internal_error_is_one_line_and_a_log_with_the_trace(env, tmp_path):
    code = ("import sys, workbench.commands.document as d\n"
            "def broken(args):\n    return {}['no-such-key']\n"
            "d._validate = broken\n"
            "from workbench.cli import main\nsys.exit(main(['validate', 'x.wbp']))\n")
    result = workbench(env, code=code)
    log = tmp_path / "data" / "logs" / "workbench.log"
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        "internal error: KeyError: 'no-such-key' (a bug in workbench, please report it)", f"details: {log}"]
    text = log.read_text()
    assert "Traceback" in text and "in broken" in text and "workbench validate x.wbp" in text


def test_a_user_error_is_logged_with_its_cause_but_printed_in_one_line(env, tmp_path):
    result = workbench(env, "validate", tmp_path / "missing.wbp")
    one_line_error(result, tmp_path / "missing.wbp")
    assert "no such file" in (tmp_path / "data" / "logs" / "workbench.log").read_text()


def test_file_logging_is_configured_once_and_follows_the_data_dir(tmp_path, monkeypatch):
    import logging

    from workbench.logs import configure_file_logging

    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "one"))
    first = configure_file_logging()
    assert configure_file_logging() == first == tmp_path / "one" / "logs" / "workbench.log"
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "two"))
    second = configure_file_logging()
    handlers = [h for h in logging.getLogger("workbench").handlers if getattr(h, "workbench_log", False)]
    assert len(handlers) == 1 and Path(handlers[0].baseFilename) == second
    logging.getLogger("workbench.test").warning("kept")
    handlers[0].flush()
    assert "kept" in second.read_text()
    logging.getLogger("workbench").removeHandler(handlers[0])
    handlers[0].close()


def test_render_refuses_an_integer_node_name_and_a_self_containing_group(env, tmp_path):
    """Before the schema check these were a segfault and a hang."""
    named = copy.deepcopy(SWEEP)
    named["nodes"][sorted(named["nodes"])[0]]["name"] = 5
    looped = copy.deepcopy(SWEEP)
    group = sorted(looped["groups"])[0]
    looped["groups"][group]["members"].append(group)
    for name, document, message in (("named.wbp", named, "name: must be a string, found a number"),
                                    ("looped.wbp", looped, "contains itself")):
        path = tmp_path / name
        path.write_text(json.dumps(document))
        line = one_line_error(workbench(env, "render", path, "-o", tmp_path / "out.png"), path)
        assert message in line and not (tmp_path / "out.png").exists()


@pytest.mark.skipif(not corpus_files(), reason="the KFP IR corpus is not checked out beside the repository")
def test_run_refuses_a_cyclic_ir_before_running(env, tmp_path):
    spec = next(s for s in (yaml.safe_load(p.read_text()) for p in corpus_files())
                if any(t.get("dependentTasks") for t in s["root"]["dag"]["tasks"].values()))
    tasks = spec["root"]["dag"]["tasks"]
    downstream = next(name for name, task in tasks.items() if task.get("dependentTasks"))
    upstream = tasks[downstream]["dependentTasks"][0]
    tasks[upstream].setdefault("dependentTasks", []).append(downstream)
    path = tmp_path / "cyclic.yaml"
    path.write_text(yaml.safe_dump(spec))
    line = one_line_error(workbench(env, "run", path, "--backend", "subprocess"), path)
    assert ".dependentTasks: cycle " in line
    listed = workbench(env, "runs", "list")
    assert listed.stdout == "no runs yet\n"


@pytest.mark.skipif(not corpus_files(), reason="the KFP IR corpus is not checked out beside the repository")
def test_a_handful_of_mutants_through_the_real_cli_match_the_in_process_result(env, tmp_path, monkeypatch):
    """The fuzz test runs the CLI in-process for speed; here a few of its cases go through the real
    command, and must end the same way."""
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    rng = random.Random(7)
    mutator = Mutator(rng, int_keys=False)
    seeds = wbp_seeds()
    ir = yaml.safe_load(corpus_files()[0].read_text())
    cases = [("wbp", json.dumps(mutator.mutate(seeds[i % len(seeds)][1]))) for i in range(4)]
    cases += [("yaml", yaml.safe_dump(Mutator(rng, int_keys=True).mutate(ir))) for _ in range(4)]
    for index, (suffix, text) in enumerate(cases):
        path = tmp_path / f"case{index}.{suffix}"
        problem, accepted = check_case(path, text, load_wbp if suffix == "wbp" else load_ir_import)
        assert problem is None
        command = ("validate", path) if suffix == "wbp" else ("import", path, "-o", path.with_suffix(".out.wbp"))
        result = workbench(env, *command)
        assert result.returncode == (0 if accepted else 1), result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 1
