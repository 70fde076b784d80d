"""A pipeline cannot make the host engine touch files outside its run, whatever it leaves behind or
names its tasks and outputs; output parameters, logs and the task environment are bounded.

Hostile pipelines are built here as IR; tasks run as local processes (the engine logic under test is
the same for Docker, see test_containment_docker.py for what only containers give).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
import yaml
from containment_support import PIPELINE_ROOT, HostFolder, artifact_path, output_file, pipeline_ir, task

from workbench.errors import RunError
from workbench.runs import safe_fs
from workbench.runs.engine.ir import parse_ir
from workbench.runs.engine.limits import RunLimits, parse_size
from workbench.runs.events import LogLine, TaskStateChanged

TIMEOUT = 60
WRITE_OUT = 'mkdir -p "$(dirname "$0")"; printf ok > "$0"'


@pytest.fixture
def host(tmp_path) -> HostFolder:
    return HostFolder(tmp_path / "home" / ".ssh")


def message_of(events, task_id: str) -> str:
    return [e for e in events.of(TaskStateChanged) if e.task_id == task_id][-1].message


def everything_said(events) -> str:
    return "\n".join(repr(event) for event in events.events)


# -- links planted by a task ------------------------------------------------------------------------

def test_a_link_planted_as_another_tasks_folder_is_refused_and_the_host_folder_untouched(
        make_engine, subprocess_backend, events, host):
    ir = pipeline_ir({
        "plant": task(["sh", "-c", 'ln -s "$1" "$0/tasks/victim"', PIPELINE_ROOT, str(host.path)]),
        "victim": task(["sh", "-c", WRITE_OUT, output_file("out")], parameters=("out",), after=("plant",)),
    })
    handle = make_engine(subprocess_backend).start(ir, {})
    assert handle.wait(TIMEOUT) == "failed"
    assert handle.task_states() == {"plant": "succeeded", "victim": "failed"}
    assert "task 'victim'" in message_of(events, "victim") and "tasks/victim is a link" in message_of(events, "victim")
    assert host.untouched()  # the output reset did not empty it


def test_a_planted_link_never_receives_a_cache_restore(make_engine, subprocess_backend, events, host):
    ir = pipeline_ir({
        "plant": task(["sh", "-c", '[ -z "$1" ] || ln -s "$1" "$0/tasks/victim"', PIPELINE_ROOT,
                       "{{$.inputs.parameters['target']}}"], inputs={"target": "target"}),
        "victim": task(["sh", "-c", 'mkdir -p "$0"; echo "evil-key" > "$0/authorized_keys"', artifact_path("keys")],
                       artifacts=("keys",), after=("plant",), cache=True),
    }, parameters=("target",))
    engine = make_engine(subprocess_backend)
    assert engine.start(ir, {"target": ""}).wait(TIMEOUT) == "succeeded"
    attacked = engine.start(ir, {"target": str(host.path)})
    assert attacked.wait(TIMEOUT) == "failed"
    assert attacked.task_states()["victim"] == "failed"
    assert "tasks/victim is a link" in attacked.message
    assert host.untouched()  # no authorized_keys written through the link
    again = engine.start(ir, {"target": ""})  # the same task is a cache hit when nothing is planted
    assert again.wait(TIMEOUT) == "succeeded" and again.task_states()["victim"] == "cached"


@pytest.mark.parametrize("script, target, expected", [
    ('mkdir -p "$(dirname "$0")"; ln -s "$1" "$0"', output_file("out"), "tasks/leak/out is a link"),
    ('ln -s "$1" "$0"', "{{$.outputs.output_file}}", "tasks/leak/executor_output.json is a link"),
    ('mkdir -p "$(dirname "$0")"; ln -s "$(dirname "$1")" "$0"', artifact_path("data"), "tasks/leak/data is a link"),
    ('mkdir -p "$(dirname "$0")"; mkfifo "$0"', output_file("out"), "tasks/leak/out is not a regular file"),
], ids=["parameter-link", "executor-output-link", "artifact-link", "parameter-fifo"])
def test_a_task_that_turns_its_outputs_into_links_fails_by_name_and_nothing_is_read(
        make_engine, subprocess_backend, events, host, script, target, expected):
    ir = pipeline_ir({"leak": task(["sh", "-c", script, target, str(host.path / "authorized_keys")],
                                   parameters=("out",), artifacts=("data",), cache=True)})
    handle = make_engine(subprocess_backend).start(ir, {})
    assert handle.wait(TIMEOUT) == "failed"
    assert "task 'leak'" in handle.message and expected in handle.message
    assert HostFolder.SECRET not in everything_said(events)
    assert host.untouched()


# -- names from the IR -------------------------------------------------------------------------------

def hostile_names(host: Path) -> dict[str, tuple[dict, str]]:
    """IR variants, each with the name the refusal must quote."""
    ok = task(["true"])
    return {
        "absolute task key": ({str(host): ok}, repr(str(host))),
        "task key climbing out": ({"../../x": ok}, "'../../x'"),
        "task key with a slash": ({"a/b": ok}, "'a/b'"),
        "task key with NUL": ({"a\0b": ok}, "'a\\x00b'"),
        "empty task key": ({"": ok}, "task ''"),
        "dot-dot task key": ({"..": ok}, "'..'"),
        "task key like a loop iteration": ({"loop[0]": ok}, "'loop[0]'"),
        "output parameter climbing out": ({"t": task(["true"], parameters=("../../../../etc/x",))},
                                          "'../../../../etc/x'"),
        "absolute output artifact": ({"t": task(["true"], artifacts=(str(host),))}, repr(str(host))),
        "output named like the executor output": ({"t": task(["true"], parameters=("executor_output.json",))},
                                                  "'executor_output.json'"),
        "outputs differing in case only": ({"t": task(["true"], parameters=("Out", "out"))}, "'Out' and 'out'"),
        "task keys differing in case only": ({"Train": ok, "train": ok}, "'Train' and 'train'"),
    }


@pytest.mark.parametrize("case", list(hostile_names(Path("/x"))))
def test_names_that_are_not_file_names_refuse_the_pipeline_at_load(make_engine, subprocess_backend, host,
                                                                   tmp_path, case):
    tasks, quoted = hostile_names(host.path)[case]
    ir = pipeline_ir(tasks)
    with pytest.raises(RunError) as refused:
        parse_ir(ir, "hostile.yaml")
    assert str(refused.value).startswith("hostile.yaml: names that cannot be used as file names")
    assert quoted in str(refused.value)
    with pytest.raises(RunError):
        make_engine(subprocess_backend).start(ir, {})
    assert not (tmp_path / "runs").exists() and host.untouched()


def test_every_name_in_the_corpus_and_examples_is_accepted(corpus_dir):
    examples = Path(__file__).resolve().parents[2] / "pipelines"
    for path in [*corpus_dir.glob("*.yaml"), *examples.rglob("*.yaml")]:
        text = path.read_text()
        if "root" in (next(yaml.safe_load_all(text), None) or {}):
            parse_ir(text, str(path))


@pytest.mark.parametrize("run_id", ["/some/dir", "../up", "a/b", "", ".", ".hidden", "x" * 101, "a\0b"])
def test_a_run_id_that_is_not_a_folder_name_is_refused(make_engine, subprocess_backend, tmp_path, run_id):
    with pytest.raises(RunError, match="run id .* is not allowed"):
        make_engine(subprocess_backend).start(pipeline_ir({"t": task(["true"])}), {}, run_id=run_id)
    assert not (tmp_path / "runs").exists()


# -- limits ------------------------------------------------------------------------------------------

def test_an_output_parameter_above_the_limit_fails_its_task_by_name(make_engine, subprocess_backend, events):
    ir = pipeline_ir({"big": task(["sh", "-c", 'mkdir -p "$(dirname "$0")"; head -c 1500000 /dev/zero | tr "\\0" x > "$0"',
                                   output_file("out")], parameters=("out",))})
    handle = make_engine(subprocess_backend).start(ir, {})
    assert handle.wait(TIMEOUT) == "failed"
    assert "task 'big': output parameter 'out' is larger than the 1 MiB limit" in handle.message
    assert all(len(repr(event)) < 10_000 for event in events.events)  # the value went nowhere
    roomy = make_engine(subprocess_backend, limits=dataclasses.replace(RunLimits(), parameter_bytes=2 * 2**20))
    handle = roomy.start(ir, {})
    assert handle.wait(TIMEOUT) == "succeeded" and len(handle.outputs("big")["out"]) == 1_500_000


def test_a_parameter_in_executor_output_above_the_limit_fails_too(make_engine, subprocess_backend):
    script = ('python3 -c "import json,sys; json.dump({\'parameterValues\': {\'out\': \'x\' * 3000}}, '
              'open(sys.argv[1], \'w\'))" "$0"')
    ir = pipeline_ir({"big": task(["sh", "-c", script, "{{$.outputs.output_file}}"], parameters=("out",))})
    engine = make_engine(subprocess_backend, limits=dataclasses.replace(RunLimits(), parameter_bytes=2000))
    handle = engine.start(ir, {})
    assert handle.wait(TIMEOUT) == "failed" and "output parameter 'out' is larger than" in handle.message


def test_a_task_log_is_cut_after_the_line_limit_with_a_note(make_engine, subprocess_backend, events):
    ir = pipeline_ir({"chatty": task(["sh", "-c", "seq 1 5000; echo done >&2"])})
    engine = make_engine(subprocess_backend, limits=dataclasses.replace(RunLimits(), log_lines=50))
    assert engine.start(ir, {}).wait(TIMEOUT) == "succeeded"
    lines = [e for e in events.of(LogLine) if e.task_id == "chatty"]
    kept = [e.line for e in lines if e.stream in ("stdout", "stderr")]
    notes = [e.line for e in lines if "log truncated" in e.line]
    assert len(kept) == 50 and kept[:3] == ["1", "2", "3"]
    assert notes == [notes[0]] and "log truncated after 50 lines" in notes[0]


def test_a_task_log_is_cut_after_the_byte_limit_and_long_lines_are_cut(make_engine, subprocess_backend, events):
    ir = pipeline_ir({"wide": task(["sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x; echo; seq 1 100000"])})
    engine = make_engine(subprocess_backend, limits=dataclasses.replace(RunLimits(), log_bytes=200_000))
    assert engine.start(ir, {}).wait(TIMEOUT) == "succeeded"
    lines = [e.line for e in events.of(LogLine) if e.task_id == "wide"]
    assert lines[0].startswith("x" * 65536) and lines[0].endswith("[line cut at 65,536 bytes]")
    assert sum(len(line) + 1 for line in lines[:-1]) <= 200_000
    assert "log truncated after" in lines[-1] and len(lines) < 30_000


def test_sizes_parse_with_units_and_refuse_nonsense():
    assert parse_size("1MiB", "x") == 2**20 and parse_size("512K", "x") == 512_000 and parse_size("7", "x") == 7
    for bad in ("", "lots", "-1", "0", "1 XB"):
        with pytest.raises(RunError):
            parse_size(bad, "--max-parameter-size")
    assert RunLimits.from_environment({"WORKBENCH_MAX_PARAMETER_SIZE": "4MiB"}).parameter_bytes == 4 * 2**20


def test_subprocess_tasks_do_not_see_the_host_environment(make_engine, subprocess_backend, events, monkeypatch):
    monkeypatch.setenv("WORKBENCH_TEST_TOKEN", "tok-d41d8cd9")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-98f00b20")
    monkeypatch.setenv("https_proxy", "http://proxy.local:3128")
    monkeypatch.setenv("NO_PROXY", "localhost")
    monkeypatch.setenv("LC_TIME", "C")
    ir = pipeline_ir({"env": task(["sh", "-c", "env"], env={"FROM_SPEC": "yes"})})
    assert make_engine(subprocess_backend).start(ir, {}).wait(TIMEOUT) == "succeeded"
    seen = {line.partition("=")[0]: line.partition("=")[2] for line in
            (e.line for e in events.of(LogLine) if e.task_id == "env")}
    assert "tok-d41d8cd9" not in seen.values() and "aws-98f00b20" not in seen.values()
    assert seen["FROM_SPEC"] == "yes" and seen["https_proxy"] == "http://proxy.local:3128"
    assert seen["NO_PROXY"] == "localhost" and seen["LC_TIME"] == "C" and seen["PATH"] == os.environ["PATH"]
    assert set(seen) <= {"FROM_SPEC", "https_proxy", "NO_PROXY", "LC_TIME", "PATH", "HOME", "LANG", "LANGUAGE",
                         "TMPDIR", "TZ", "PYTHONUNBUFFERED", "PWD", "SHLVL", "_", "OLDPWD",
                         "TENSORBOARD_LOG_DIR"} | {  # set by the engine: the task's own log folder
        name for name in seen if name.startswith("LC_")}


# -- safe_fs itself ----------------------------------------------------------------------------------

def test_safe_fs_refuses_links_on_the_way_and_keeps_links_inside_copied_trees_as_links(tmp_path, host):
    root = tmp_path / "run"
    (root / "tasks").mkdir(parents=True)
    (root / "tasks" / "planted").symlink_to(host.path)
    with pytest.raises(safe_fs.UnsafePathError, match="tasks/planted is a link"):
        safe_fs.reset_dir(root, ("tasks", "planted", "deeper"))
    with pytest.raises(safe_fs.UnsafePathError):
        safe_fs.kind_of(root, ("tasks", "planted"))
    tree = root / "tasks" / "model"
    tree.mkdir()
    (tree / "weights").write_text("w")
    (tree / "keys").symlink_to(host.path / "authorized_keys")
    safe_fs.copy_tree(root, ("tasks", "model"), tmp_path / "cache", ("entry", "model"))
    copied = tmp_path / "cache" / "entry" / "model"
    assert (copied / "keys").is_symlink() and (copied / "weights").read_text() == "w"
    safe_fs.reset_dir(root, ("tasks", "model"))  # removes the link, not what it points to
    assert list(tree.iterdir()) == [] and host.untouched()
    with pytest.raises(safe_fs.TooLargeError):
        (tree / "big").write_bytes(b"x" * 101)
        with safe_fs.opened_dir(root, ("tasks", "model")) as fd:
            safe_fs.read_file(fd, "big", 100, "tasks/model/big")


def test_an_artifact_preview_swapped_for_a_fifo_after_it_was_looked_at_is_not_read(tmp_path, monkeypatch):
    """The preview looks at the entry, then opens it: a task still running can swap a file for a FIFO
    (or, as root in its container, a device of the host's disk) in between. What was opened is
    checked again, so only a regular file is read."""
    root = tmp_path / "run"
    (root / "tasks" / "report").mkdir(parents=True)
    os.mkfifo(root / "tasks" / "report" / "page.html")
    real_kind_of_entry = safe_fs.kind_of_entry
    monkeypatch.setattr(safe_fs, "kind_of_entry", lambda fd, name, relative: "file" if name == "page.html"
                        else real_kind_of_entry(fd, name, relative))  # what it was when it was looked at
    assert safe_fs.read_artifact(root, root / "tasks" / "report", 100) is None
