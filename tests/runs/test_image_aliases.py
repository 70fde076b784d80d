import threading

import pytest

from workbench.errors import RunError
from workbench.runs.backend import TaskLaunch, TaskOutcome
from workbench.runs.image_aliases import AliasedImages, parse_aliases, with_aliases_from_environment


class Recorder:
    name = "recorder"

    def __init__(self):
        self.prepared, self.images = set(), []

    def check(self):
        pass

    def prepare(self, items, progress):
        self.prepared = items

    def run_task(self, launch, on_line, cancel):
        self.images.append(launch.image)
        return TaskOutcome(0)

    def cleanup_run(self, run_id):
        return 0


def test_parse_aliases():
    assert parse_aliases(" a:1=b:2 , c=d ") == {"a:1": "b:2", "c": "d"}
    with pytest.raises(RunError, match="not IMAGE=REPLACEMENT"):
        parse_aliases("oops")


def test_tasks_and_preparation_use_the_replacement(tmp_path):
    inner = Recorder()
    backend = AliasedImages(inner, {"python:3.11-slim": "local:base"})
    messages = []
    backend.prepare({("python:3.11-slim", ("numpy",)), ("alpine", ())}, messages.append)
    assert inner.prepared == {("local:base", ("numpy",)), ("alpine", ())}
    assert messages == ["running tasks of python:3.11-slim in local:base (WORKBENCH_IMAGE_MAP)"]
    launch = TaskLaunch(run_id="r", task_id="t", image="python:3.11-slim", argv=("true",), env={}, workspace=tmp_path)
    backend.run_task(launch, lambda line, stream: None, threading.Event())
    assert inner.images == ["local:base"]


def test_no_variable_no_wrapper(monkeypatch):
    monkeypatch.delenv("WORKBENCH_IMAGE_MAP", raising=False)
    inner = Recorder()
    assert with_aliases_from_environment(inner) is inner
