"""`workbench export` and `workbench library ...` through a real subprocess, and the import hook."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from share_helpers import EXAMPLE, REPO

# Runs the real `workbench.cli.main`; registers the share commands if cli.py does not list them yet.
RUNNER = ("import sys, workbench.cli as cli\nm = 'workbench.commands.share'\n"
          "cli.COMMAND_MODULES += () if m in cli.COMMAND_MODULES else (m,)\nsys.exit(cli.main())")


def workbench(*args, env=None):
    return subprocess.run([sys.executable, "-c", RUNNER, *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=180, env={**os.environ, **(env or {})})


def test_help_on_every_command():
    for command in (["export"], ["library"], *(["library", a] for a in ("list", "search", "show", "publish", "get"))):
        result = workbench(*command, "--help")
        assert result.returncode == 0 and f"usage: workbench {' '.join(command)}" in result.stdout


def test_export_then_import(tmp_path):
    out = tmp_path / "train.zip"
    result = workbench("export", EXAMPLE, "-o", out, "--no-picture")
    assert result.returncode == 0, result.stderr
    assert zipfile.ZipFile(out).namelist()[0] == "pipeline.yaml"
    code = ("import sys\nfrom workbench.commands.share import import_bundle_command as run\n"
            "sys.exit(run(sys.argv[1], sys.argv[2], trust='--trust' in sys.argv))")
    imported = subprocess.run([sys.executable, "-c", code, out, tmp_path / "dir"], capture_output=True, text=True,
                              cwd=REPO, timeout=60)
    assert imported.returncode == 0 and "image:   python:3.11-slim" in imported.stdout
    assert "untrusted" in imported.stderr and f"workbench trust {tmp_path / 'dir'}" in imported.stderr
    trusted = subprocess.run([sys.executable, "-c", code, out, tmp_path / "dir", "--trust"], capture_output=True,
                             text=True, cwd=REPO, timeout=60)
    assert "already imported" in trusted.stdout and "trusted: bundle" in trusted.stdout


def test_export_of_a_missing_document_is_a_one_line_error(tmp_path):
    result = workbench("export", tmp_path / "nope.wbp")
    assert result.returncode == 1 and result.stderr.strip().endswith("nope.wbp: no such file")


def test_library_publish_list_show_get(tmp_path):
    env = {"WORKBENCH_DATA_DIR": str(tmp_path / "data"), "WORKBENCH_TEAM_DIR": str(tmp_path / "team")}
    published = workbench("library", "publish", EXAMPLE, "--scope", "team", "--version", "1.2.0", env=env)
    assert published.returncode == 0 and "pipeline/train-compare-deploy 1.2.0" in published.stdout
    listed = workbench("library", "list", "--scope", "team", env=env)
    assert "pipeline/train-compare-deploy" in listed.stdout
    found = workbench("library", "search", "train", "--kind", "component", env=env)
    assert "component/train-model" in found.stdout and "pipeline/" not in found.stdout
    shown = workbench("library", "show", "pipeline/train-compare-deploy", env=env)
    assert "epochs: Integer = 60" in shown.stdout and "versions: 1.2.0" in shown.stdout
    got = workbench("library", "get", "pipeline/train-compare-deploy", "-o", tmp_path / "got.wbp", env=env)
    assert got.returncode == 0 and (tmp_path / "got.wbp").read_text() == EXAMPLE.read_text()
    missing = workbench("library", "show", "component/none", env=env)
    assert missing.returncode == 1 and "no asset 'component/none'" in missing.stderr
