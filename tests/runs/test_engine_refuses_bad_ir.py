"""The engine checks the IR before it starts anything: a dependency cycle (which used to run
forever, shown as running) and a DAG that contains itself are refused at `start`, by name."""

import time

import pytest
import yaml

from workbench.errors import RunError


def cyclic(corpus_dir) -> str:
    spec = next(s for s in (yaml.safe_load(p.read_text()) for p in sorted(corpus_dir.glob("*.yaml")))
                if any(t.get("dependentTasks") for t in s["root"]["dag"]["tasks"].values()))
    tasks = spec["root"]["dag"]["tasks"]
    downstream = next(name for name, task in tasks.items() if task.get("dependentTasks"))
    tasks[tasks[downstream]["dependentTasks"][0]].setdefault("dependentTasks", []).append(downstream)
    return yaml.safe_dump(spec)


def test_a_cycle_is_refused_at_start_not_run_forever(make_engine, fake_backend, corpus_dir, events):
    started = time.monotonic()
    with pytest.raises(RunError, match=r"root\.dag\.tasks\.[^:]+\.dependentTasks: cycle "):
        make_engine(fake_backend).start(cyclic(corpus_dir), {})
    assert time.monotonic() - started < 5 and events.events == []


def test_a_dag_containing_itself_is_refused_at_start(make_engine, fake_backend, corpus_dir):
    spec = yaml.safe_load((corpus_dir / "add_numbers.yaml").read_text())
    loop = {"dag": {"tasks": {"again": {"componentRef": {"name": "comp-loop"}}}}}
    spec.setdefault("components", {})["comp-loop"] = loop
    spec["root"]["dag"]["tasks"]["enter"] = {"componentRef": {"name": "comp-loop"}, "taskInfo": {"name": "enter"}}
    with pytest.raises(RunError, match="components.comp-loop: contains itself: comp-loop -> comp-loop"):
        make_engine(fake_backend).start(yaml.safe_dump(spec), {})
