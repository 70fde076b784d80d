"""`workbench components list [--search TEXT]`: name, category, scope and source of every component,
built-ins, Google Cloud components, the user's folder and the library's folders alike."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "WORKBENCH_DATA_DIR": str(tmp_path / "data"), "WORKBENCH_CONFIG_DIR": str(tmp_path / "cfg"),
            "PYTHONPATH": str(REPO)}


def _list(env, *extra):
    result = subprocess.run([sys.executable, "-m", "workbench", "components", "list", *extra], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return [line.split() for line in result.stdout.splitlines()]


def test_lists_builtins_google_cloud_and_the_users_components(env, tmp_path):
    from workbench.components.authoring import python_component

    user = Path(env["WORKBENCH_DATA_DIR"]) / "components"
    user.mkdir(parents=True)
    (user / "shout.yaml").write_text(python_component("def shout(text: str) -> str:\n    return text.upper()\n",
                                                      base_image="img:1").to_ir_text())
    rows = _list(env)
    assert rows[0] == ["NAME", "CATEGORY", "SCOPE", "SOURCE"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["model-deploy"][1:] == ["Google", "Cloud", "public", "google-cloud-pipeline-components", "2.22.0"]
    assert by_name["shout"][1:4] == ["My", "components", "private"] and by_name["shout"][4] == str(user / "shout.yaml")
    builtins = [row for row in rows[1:] if row[-1].startswith(str(REPO / "resources" / "components"))]
    assert builtins and all(row[-2] == "public" for row in builtins)


def test_search_keeps_rows_holding_every_word(env):
    rows = _list(env, "--search", "BigQuery query")
    names = [row[0] for row in rows[1:]]
    assert "bigquery-query-job" in names
    assert "model-deploy" not in names
    assert _list(env, "--search", "no-such-component-anywhere") == [["no", "component", "matches"]]
