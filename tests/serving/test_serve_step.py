"""The Serve step in a pipeline: the built-in serve_model component asks, the engine (host side)
starts the endpoint after the task succeeds and writes its URL into the run's outputs; a second run
replaces its own endpoint but never a user's; a request the host must not honour fails the task."""

import json
import os
import sys
import threading
from pathlib import Path

import pytest
from kfp import dsl
from kfp.dsl import Artifact, Input, Model, Output
from serving_cli import predict, workbench

from workbench.components.library import BUILTIN_DIR
from workbench.runs.backend import LineSink, TaskLaunch, TaskOutcome
from workbench.runs.engine import Engine
from workbench.runs.engine.lightweight import with_python, without_prologue
from workbench.runs.events import ArtifactProduced, TaskStateChanged
from workbench.runs.subprocess_backend import run_process
from workbench.serving.manager import EndpointManager

pytestmark = pytest.mark.usefixtures("serving_env")


class HostPython:
    """Tasks as processes on this interpreter (it has kfp and scikit-learn): no venv to build."""

    name = "subprocess"

    def check(self) -> None:
        pass

    def prepare(self, images_and_packages, progress) -> None:
        pass

    def run_task(self, launch: TaskLaunch, on_line: LineSink, cancel: threading.Event) -> TaskOutcome:
        argv = with_python(without_prologue(launch.argv), sys.executable)
        return run_process(argv, {**os.environ, **launch.env}, launch.workspace, on_line, cancel)

    def cleanup_run(self, run_id: str) -> int:
        return 0


@dsl.component(base_image="python:3.11-slim")
def make_model(model: Output[Model], link_to: str = ""):
    import json
    import os

    import joblib
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    if link_to:  # a planted link: the "model" is a folder elsewhere on the host
        os.symlink(link_to, model.path)
        return
    x = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [0.0, 3.0]])
    os.makedirs(model.path)
    joblib.dump(LogisticRegression().fit(x, [0, 1, 1, 0]), os.path.join(model.path, "model.joblib"))
    card = {"framework": "sklearn", "input_schema": {"features": [{"name": "a"}, {"name": "b"}]},
            "example_request": {"instances": [[2.0, 0.0]]}}
    with open(os.path.join(model.path, "model_card.json"), "w") as handle:
        json.dump(card, handle)


@dsl.component(base_image="python:3.11-slim")
def plant_request(model: Input[Model], endpoint: Output[Artifact], request: str):
    import json

    endpoint.metadata["workbench.serve"] = json.loads(request)


def _pipeline(tmp_path: Path, name: str = "serve-demo", endpoint_name: str = "", request: str = "",
              link_to: str = "") -> str:
    from kfp import compiler, components

    serve_model = components.load_component_from_file(str(BUILTIN_DIR / "deployment" / "serve_model.yaml"))

    @dsl.pipeline(name=name)
    def pipeline():
        made = make_model(link_to=link_to)
        if request:
            plant_request(model=made.outputs["model"], request=request).set_caching_options(False)
        else:
            serve_model(model=made.outputs["model"], endpoint_name=endpoint_name)

    path = tmp_path / "pipeline.yaml"
    compiler.Compiler().compile(pipeline, str(path))
    return path.read_text()


def _run(tmp_path: Path, ir_text: str):
    events = []
    engine = Engine(HostPython(), sinks=[events.append], max_parallel=2, use_cache=False,
                    cache_dir=tmp_path / "cache", workspace_root=Path(os.environ["WORKBENCH_DATA_DIR"]) / "workspaces")
    handle = engine.start(ir_text, {})
    handle.wait(300)
    handle.events = events
    return handle


def _task_message(handle, task: str) -> str:
    return [e.message for e in handle.events if isinstance(e, TaskStateChanged) and e.task_id == task][-1]


def test_a_successful_run_ends_with_a_live_endpoint_whose_url_is_in_its_outputs(tmp_path):
    handle = _run(tmp_path, _pipeline(tmp_path))
    assert handle.wait(0) == "succeeded", handle.message
    endpoint_dir = Path(handle.outputs("serve-model")["endpoint"])
    (produced,) = [e for e in handle.events if isinstance(e, ArtifactProduced) and e.name == "endpoint"]
    metadata = produced.metadata
    assert metadata["endpoint"] == "serve-demo" and metadata["predict_url"].startswith("http://127.0.0.1:")
    assert predict(metadata["predict_url"], [[2.0, 0.0], [0.0, 3.0]]) == (200, {"predictions": [1.0, 0.0]})
    endpoint = EndpointManager().get("serve-demo")
    assert (endpoint.run_id, endpoint.state) == (handle.run_id, "running")
    assert json.loads(endpoint_dir.read_text())["example_request"] == {"instances": [[2.0, 0.0]]}

    again = _run(tmp_path, _pipeline(tmp_path))  # the pipeline's next run replaces its endpoint
    assert again.wait(0) == "succeeded", again.message
    assert EndpointManager().get("serve-demo").run_id == again.run_id
    EndpointManager().stop("serve-demo")


def test_a_pipeline_never_replaces_an_endpoint_a_user_started(tmp_path, sklearn_folder):
    from workbench.serving.model_folder import inspect_folder

    manager = EndpointManager()
    manager.start(inspect_folder(sklearn_folder), "mine", backend="subprocess")
    try:
        handle = _run(tmp_path, _pipeline(tmp_path, endpoint_name="mine"))
        assert handle.wait(0) == "failed"
        assert handle.task_states()["serve-model"] == "failed"
        assert manager.get("mine").run_id == "" and manager.get("mine").state == "running"
    finally:
        manager.stop("mine")


@pytest.mark.parametrize("request_, words", [
    ({"input": "../../etc", "name": "x", "port": 0}, "names '../../etc', which is not one input artifact"),
    ({"input": "model", "name": "../x"}, "endpoint name '../x' is not valid"),
    ({"input": "model", "name": "x", "port": "8080; rm -rf /"}, "is not a TCP port"),
    ({"input": "model", "name": "x", "port": 70000}, "is not a TCP port"),
    ("serve everything", "is not an object"),
])
def test_requests_the_host_must_not_honour_fail_the_task(tmp_path, request_, words):
    handle = _run(tmp_path, _pipeline(tmp_path, name="hostile", request=json.dumps(request_)))
    assert handle.wait(0) == "failed"
    assert words in _task_message(handle, "plant-request")
    assert EndpointManager().list() == []


def test_a_model_folder_planted_as_a_link_is_not_served(tmp_path, sklearn_folder):
    handle = _run(tmp_path, _pipeline(tmp_path, name="linked", link_to=str(sklearn_folder)))
    assert handle.wait(0) == "failed"
    # the engine refuses the link where the producing task left it, so nothing reaches Serve
    assert "is a link" in _task_message(handle, "make-model")
    assert "failed" in _task_message(handle, "serve-model")
    assert EndpointManager().list() == []


@dsl.component(base_image="python:3.11-slim")
def say(text: str) -> str:
    return text


def _recorded_run(tmp_path: Path, ir_text: str) -> str:
    from workbench.runs import paths
    from workbench.runs.launcher import start_local_run
    from workbench.runs.store import RunStore

    store = RunStore(paths.runs_db_path())
    try:
        handle = start_local_run(store, ir_text, {}, backend=HostPython(), sinks=[], progress=lambda m: None)
        handle.wait(300)
    finally:
        store.close()
    return handle.run_id


def test_serve_a_run_by_its_id_and_runs_without_a_servable_model(tmp_path, sklearn_folder):
    from kfp import compiler

    served = _recorded_run(tmp_path, _pipeline(tmp_path, name="by-id", request='"no"'))  # fails after make-model
    result = workbench("serve", served[:18], "--name", "from-run", "--backend", "subprocess")
    assert result.returncode == 0, result.stderr
    assert predict(result.stdout.strip(), [[2.0, 0.0]]) == (200, {"predictions": [1.0]})
    shown = json.loads(workbench("endpoints", "show", "from-run").stdout)
    assert shown["run_id"] == served and "make-model" in shown["source"]
    assert workbench("endpoints", "stop", "from-run").returncode == 0

    linked = _recorded_run(tmp_path, _pipeline(tmp_path, name="linked-run", link_to=str(sklearn_folder)))
    refused = workbench("serve", linked, "--name", "linked")
    # the engine refused the planted link when the task ended, so that run recorded no model at all
    assert refused.returncode == 1 and "produced no model" in refused.stderr

    @dsl.pipeline(name="no-model")
    def no_model():
        say(text="hi")

    compiler.Compiler().compile(no_model, str(tmp_path / "no_model.yaml"))
    plain = _recorded_run(tmp_path, (tmp_path / "no_model.yaml").read_text())
    missing = workbench("serve", plain, "--name", "nothing")
    assert missing.returncode == 1 and f"run {plain} produced no model" in missing.stderr


def _exit_handler_pipeline(tmp_path: Path, stop_name: str) -> str:
    from kfp import compiler, components

    serve_model = components.load_component_from_file(str(BUILTIN_DIR / "deployment" / "serve_model.yaml"))
    stop_endpoint = components.load_component_from_file(str(BUILTIN_DIR / "deployment" / "stop_endpoint.yaml"))

    @dsl.pipeline(name="serve-while-running")
    def pipeline():
        with dsl.ExitHandler(stop_endpoint(endpoint_name=stop_name)):
            serve_model(model=make_model().outputs["model"])

    compiler.Compiler().compile(pipeline, str(tmp_path / "exit.yaml"))
    return (tmp_path / "exit.yaml").read_text()


def test_an_exit_handler_stops_the_endpoint_of_its_run_but_never_a_users(tmp_path, sklearn_folder):
    handle = _run(tmp_path, _exit_handler_pipeline(tmp_path, ""))
    assert handle.wait(0) == "succeeded", handle.message
    served = [e for e in handle.events if isinstance(e, ArtifactProduced) and e.name == "endpoint"]
    assert served and served[0].metadata["endpoint"] == "serve-while-running"
    assert "serve-while-running" not in {e.name for e in EndpointManager().list()}

    from workbench.serving.model_folder import inspect_folder

    manager = EndpointManager()
    manager.start(inspect_folder(sklearn_folder), "users-own", backend="subprocess")
    try:
        handle = _run(tmp_path, _exit_handler_pipeline(tmp_path, "users-own"))
        assert handle.wait(0) == "succeeded", handle.message
        assert manager.get("users-own").state == "running"
        lines = [e.line for e in handle.events if type(e).__name__ == "LogLine"]
        assert "workbench: no endpoint users-own of this run to stop" in lines
    finally:
        manager.stop("users-own")
        manager.stop("serve-while-running")


def test_two_runs_serving_at_once_take_turns_and_the_last_one_serves(tmp_path):
    ir_text = _pipeline(tmp_path, name="concurrent")
    engine = Engine(HostPython(), sinks=[], max_parallel=2, use_cache=False, cache_dir=tmp_path / "cache",
                    workspace_root=Path(os.environ["WORKBENCH_DATA_DIR"]) / "workspaces")
    first, second = engine.start(ir_text, {}), engine.start(ir_text, {})
    assert (first.wait(300), second.wait(300)) == ("succeeded", "succeeded"), (first.message, second.message)
    (served,) = [e for e in EndpointManager().list() if e.name == "concurrent"]
    assert served.state == "running" and served.run_id in (first.run_id, second.run_id)
    EndpointManager().stop("concurrent")


def test_a_serve_step_never_replaces_nor_stops_an_endpoint_a_user_served_from_a_run(sklearn_folder):
    """`workbench serve RUN_ID` gives an endpoint with that run's id: it is still the user's."""
    import dataclasses

    from workbench.errors import RunError
    from workbench.serving.model_folder import inspect_folder
    from workbench.serving.pipeline_step import _stop

    manager = EndpointManager()
    served_by_user = dataclasses.replace(inspect_folder(sklearn_folder), run_id="run-one", task_id="train")
    manager.start(served_by_user, "from-a-run", backend="subprocess")
    try:
        by_a_step = dataclasses.replace(served_by_user, run_id="run-two", pipeline="serve-demo")
        with pytest.raises(RunError, match="'from-a-run' is taken"):
            manager.start(by_a_step, "from-a-run", backend="subprocess")
        lines = []
        assert _stop(manager, {"name": "from-a-run"}, "run-one", "serve-demo", lines.append) is None
        assert lines == ["workbench: no endpoint from-a-run of this run to stop"]
        assert (manager.get("from-a-run").run_id, manager.get("from-a-run").state) == ("run-one", "running")
    finally:
        manager.stop("from-a-run")
