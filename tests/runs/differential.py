"""Running one IR file with kfp.local (2.17, SubprocessRunner) and with our engine, and comparing
what each task produced.

kfp.local runs in a child process (it keeps global state) without a venv of its own, so the file
must pin the kfp of this environment: its pip prologue then installs nothing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from workbench.runs.engine import Engine

KFP_LOCAL = """
import json, sys
import kfp.components, kfp.local
kfp.local.init(runner=kfp.local.SubprocessRunner(use_venv=False), pipeline_root=sys.argv[2])
kfp.components.load_component_from_file(sys.argv[1])(**json.loads(sys.argv[3]))
"""


def installs_packages(ir_text: str) -> bool:
    """Whether a component pip-installs more than kfp: kfp.local would install it into this very
    environment (it has no venv of its own here), so such files are not run by it."""
    return any("pip install" in segment and "kfp==" not in segment
               for segment in re.findall(r"python3 -m pip install[^&]*", ir_text))


def pinned_to_this_kfp(ir_text: str) -> str:
    """The same pipeline with its components' `kfp==X` pins set to the kfp installed here."""
    return re.sub(r"kfp==[0-9][\w.]*", f"kfp=={version('kfp')}", ir_text)


class KfpLocalFailed(Exception):
    pass


def run_kfp_local(ir_path: Path, root: Path, arguments: dict) -> dict[str, dict]:
    """Each task's executor output, as kfp.local left it on disk (one folder per task name)."""
    result = subprocess.run([sys.executable, "-c", KFP_LOCAL, str(ir_path), str(root), json.dumps(arguments)],
                            timeout=600, capture_output=True, text=True)
    if result.returncode:
        raise KfpLocalFailed((result.stdout + result.stderr)[-3000:])
    (run_dir,) = [p for p in root.iterdir() if p.is_dir()]
    return {task_dir.name: json.loads((task_dir / "executor_output.json").read_text())
            for task_dir in run_dir.iterdir() if (task_dir / "executor_output.json").exists()}


def artifact_bytes(uri: str) -> bytes | None:
    path = Path(uri)
    return path.read_bytes() if path.is_file() else None


def compare(ir_text: str, tmp_path: Path, backend, arguments: dict, *, deterministic_artifacts: set[str] = frozenset(),
            random_tasks: set[str] = frozenset()) -> tuple[int, list[str]]:
    """(how many outputs were compared, the differences). Tasks outside loops are compared by name:
    output parameters by value (by presence for tasks in `random_tasks`), artifacts by contents
    where named in `deterministic_artifacts` (`task.output`)."""
    ir_path = tmp_path / "pipeline.yaml"
    ir_path.write_text(ir_text)
    theirs = run_kfp_local(ir_path, tmp_path / "kfp-local", arguments)
    engine = Engine(backend, sinks=[], max_parallel=4, use_cache=False, cache_dir=tmp_path / "cache",
                    workspace_root=tmp_path / "ours")
    handle = engine.start(ir_text, arguments)
    state = handle.wait(600)
    if state != "succeeded":
        return 0, [f"our run {state}: {handle.message}"]
    ours_by_name = {task_id.rsplit("/", 1)[-1]: task_id for task_id, task_state in handle.task_states().items()
                    if "[" not in task_id and task_state == "succeeded"}
    differences, compared = [], 0
    for task in sorted(set(theirs) & set(ours_by_name)):
        try:
            ours = handle.outputs(ours_by_name[task])
        except KeyError:  # a DAG task (group) has no outputs of its own
            continue
        for name, value in theirs[task].get("parameterValues", {}).items():
            compared += 1
            if name not in ours or (task not in random_tasks and ours[name] != value):
                differences.append(f"{task}.{name}: ours {ours.get(name)!r}, kfp.local {value!r}")
        for name, artifacts in theirs[task].get("artifacts", {}).items():
            if f"{task}.{name}" in deterministic_artifacts:
                compared += 1
                if artifact_bytes(ours[name]) != artifact_bytes(artifacts["artifacts"][0]["uri"]):
                    differences.append(f"{task}.{name}: artifact contents differ")
    return compared, differences


VARYING = {  # corpus file: tasks whose outputs differ between any two runs
    "flip_coin.yaml": {"flip-coin", "random-num", "flip-coin-2", "random-num-2"},
    "pipeline_with_condition.yaml": {"flip-coin-op", "flip-coin-op-2"},
    "pipeline_with_nested_conditions.yaml": {"flip-coin-op", "flip-coin-op-2", "flip-coin-op-3", "flip-coin-op-4"},
    "pipeline_with_nested_conditions_yaml.yaml": {"flip-coin", "generate-random-number", "generate-random-number-2"},
    "pipeline_with_metrics_outputs.yaml": {"output-metrics", "output-metrics-2"},
    "pipeline_with_loops_and_conditions.yaml": {"flip-coin-op"},
    "if_elif_else_complex.yaml": {"int-0-to-9999", "int-0-to-9999-2", "is-even-or-odd", "is-even-or-odd-2"},
    # the pipeline prints the branch's OneOf output, so its print task varies with the die too
    "if_elif_else_with_oneof_parameters.yaml": {"flip-three-sided-die", "print-and-return"},
    "if_else_with_oneof_artifacts.yaml": {"flip-coin"},
    "parameter_oneof.yaml": {"flip-coin"},
    "pipeline_with_importer_workspace.yaml": {"get-uri", "get-uri-2"},  # return their run's own artifact paths
}


@dataclass
class CorpusComparison:
    same: list[str] = field(default_factory=list)
    cannot: dict[str, str] = field(default_factory=dict)  # file: kfp.local's last error line
    different: dict[str, list[str]] = field(default_factory=dict)

    def summary(self, cases: int) -> str:
        lines = [f"differential vs kfp.local: {len(self.same)} of {cases} corpus pipelines give the same outputs; "
                 f"kfp.local cannot run {len(self.cannot)}"]
        lines += [f"  kfp.local cannot run {name}: {reason}" for name, reason in sorted(self.cannot.items())]
        lines += [f"  DIFFERENT {name}: {'; '.join(found)}" for name, found in sorted(self.different.items())]
        return "\n".join(lines)


def compare_corpus(cases: list[Path], work: Path, backend, arguments_for) -> CorpusComparison:
    """Each corpus file run by kfp.local and by our engine (its `kfp==X` pins set to the kfp here)."""
    result = CorpusComparison()
    for index, path in enumerate(cases):
        folder = work / str(index)
        folder.mkdir()
        try:
            _, differences = compare(pinned_to_this_kfp(path.read_text()), folder, backend, arguments_for(path),
                                     random_tasks=VARYING.get(path.name, set()))
        except KfpLocalFailed as exc:
            result.cannot[path.name] = str(exc).strip().splitlines()[-1][:150]
            continue
        if differences:
            result.different[path.name] = differences
        else:
            result.same.append(path.name)
    return result
