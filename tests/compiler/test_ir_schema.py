"""The IR schema check, as the importer and the engine both meet it: hostile IR built here, each
refused in one line naming the file and the element, never a traceback, a hang or a deep recursion."""

import textwrap

import pytest
import yaml

from workbench.compiler.importer import import_ir
from workbench.errors import ImportError_, RunError
from workbench.ir_schema import MAX_DEPTH, check_pipeline_spec
from workbench.runs.engine.ir import parse_ir

BASE = textwrap.dedent("""
    components:
      comp-step:
        executorLabel: exec-step
        inputDefinitions: {parameters: {x: {parameterType: STRING}}}
        outputDefinitions: {parameters: {Output: {parameterType: STRING}}}
    deploymentSpec:
      executors:
        exec-step:
          container: {image: 'python:3.11', command: [echo], args: ['{{$.inputs.parameters[''x'']}}']}
    pipelineInfo: {name: two-steps}
    root:
      dag:
        tasks:
          train:
            componentRef: {name: comp-step}
            taskInfo: {name: train}
            inputs: {parameters: {x: {runtimeValue: {constant: a}}}}
          eval:
            componentRef: {name: comp-step}
            taskInfo: {name: eval}
            dependentTasks: [train]
            inputs: {parameters: {x: {taskOutputParameter: {producerTask: train, outputParameterKey: Output}}}}
    schemaVersion: 2.1.0
    sdkVersion: kfp-2.17.0
""")


def spec() -> dict:
    return yaml.safe_load(BASE)


def both_refuse(text: str, message: str, element: str | None) -> None:
    """The importer and the engine refuse `text` alike: one line, file and element first."""
    for call, error in ((lambda: import_ir(text, path="pipeline.yaml"), ImportError_),
                        (lambda: parse_ir(text, "pipeline.yaml"), RunError)):
        with pytest.raises(error) as caught:
            call()
        assert message in caught.value.message, str(caught.value)
        assert caught.value.element == element and caught.value.path == "pipeline.yaml"
        assert "\n" not in str(caught.value) and str(caught.value).startswith("pipeline.yaml: ")


def edited(change) -> str:
    document = spec()
    change(document)
    return yaml.safe_dump(document)


def test_the_base_is_accepted_by_both():
    assert len(import_ir(BASE).graph.nodes) == 2
    assert set(parse_ir(BASE).root["dag"]["tasks"]) == {"train", "eval"}


def test_a_dependency_cycle_is_named_with_its_path():
    def cycle(d):
        d["root"]["dag"]["tasks"]["train"]["dependentTasks"] = ["eval"]
    with pytest.raises(ImportError_) as caught:
        import_ir(edited(cycle), path="pipeline.yaml")
    assert str(caught.value) in ("pipeline.yaml: root.dag.tasks.train.dependentTasks: cycle train -> eval -> train",
                                 "pipeline.yaml: root.dag.tasks.eval.dependentTasks: cycle eval -> train -> eval")
    both_refuse(edited(cycle), "cycle ", caught.value.element)


def test_a_cycle_through_inputs_alone_and_a_task_waiting_for_itself():
    def through_inputs(d):
        d["root"]["dag"]["tasks"]["eval"].pop("dependentTasks")
        d["root"]["dag"]["tasks"]["train"]["inputs"]["parameters"]["x"] = {
            "taskOutputParameter": {"producerTask": "eval", "outputParameterKey": "Output"}}
    text = edited(through_inputs)
    with pytest.raises(RunError, match="cycle (train -> eval -> train|eval -> train -> eval)"):
        parse_ir(text)

    def itself(d):
        d["root"]["dag"]["tasks"]["train"]["dependentTasks"] = ["train"]
    both_refuse(edited(itself), "cycle train -> train", "root.dag.tasks.train.dependentTasks")


def test_a_dag_that_contains_itself():
    def loop(d):
        d["components"]["comp-outer"] = {"dag": {"tasks": {"inner": {"componentRef": {"name": "comp-inner"}}}}}
        d["components"]["comp-inner"] = {"dag": {"tasks": {"outer": {"componentRef": {"name": "comp-outer"}}}}}
        d["root"]["dag"]["tasks"]["wrap"] = {"componentRef": {"name": "comp-outer"}, "taskInfo": {"name": "wrap"}}
    text = edited(loop)
    with pytest.raises(ImportError_, match="contains itself: comp-(outer|inner) -> comp-(inner|outer) -> comp-"):
        import_ir(text, path="pipeline.yaml")
    with pytest.raises(RunError, match="contains itself"):
        parse_ir(text)


@pytest.mark.parametrize("change, message, element", [
    (lambda d: d.update(root="a string"), "must be a mapping, found a string", "root"),
    (lambda d: d["root"]["dag"].update(tasks=["train", "eval"]), "must be a mapping, found a list", "root.dag.tasks"),
    (lambda d: d["root"]["dag"]["tasks"]["train"].update(iteratorPolicy={"parallelismLimit": "2"}),
     "must be a whole number, found a string", "root.dag.tasks.train.iteratorPolicy.parallelismLimit"),
    (lambda d: d["root"]["dag"]["tasks"]["train"].update(retryPolicy={"maxRetryCount": 10**12}),
     "must be between 0 and", "root.dag.tasks.train.retryPolicy.maxRetryCount"),
    (lambda d: d["root"]["dag"]["tasks"]["train"].update(retryPolicy={"backoffFactor": float("inf")}),
     "finite", "root.dag.tasks.train.retryPolicy.backoffFactor"),
    (lambda d: d["root"]["dag"]["tasks"]["train"].update(dependentTasks="eval"), "must be a list",
     "root.dag.tasks.train.dependentTasks"),
    (lambda d: d["root"]["dag"]["tasks"]["eval"].update(dependentTasks=["nobody"]),
     "depends on task 'nobody'", "root.dag.tasks.eval"),
    (lambda d: d["root"]["dag"]["tasks"]["train"].update(componentRef={"name": 7}), "must be a string",
     "root.dag.tasks.train.componentRef.name"),
    (lambda d: d["root"]["dag"]["tasks"]["train"].pop("componentRef"), "is missing `componentRef`",
     "root.dag.tasks.train"),
    (lambda d: d["root"].pop("dag"), "is missing `dag`", "root"),
    (lambda d: d["deploymentSpec"]["executors"]["exec-step"]["container"].update(args="--all"),
     "must be a list", "deploymentSpec.executors.exec-step.container.args"),
    (lambda d: d["deploymentSpec"]["executors"]["exec-step"]["container"].update(command=[["nested"]]),
     "must be a string, found a list", "deploymentSpec.executors.exec-step.container.command.0"),
    (lambda d: d["root"]["dag"]["tasks"].update({7: d["root"]["dag"]["tasks"].pop("train")}),
     "names must be strings, found a number 7", "root.dag.tasks"),
    (lambda d: d["root"]["dag"]["tasks"]["train"]["inputs"]["parameters"]["x"]["runtimeValue"].update(
        constant={True: "yes"}), "names must be strings, found a boolean True",
     "root.dag.tasks.train.inputs.parameters.x.runtimeValue.constant"),
    (lambda d: d["components"]["comp-step"].update(dag=None), "must be a mapping, found null",
     "components.comp-step.dag"),
], ids=["root-string", "tasks-list", "parallelism-string", "huge-retry", "infinite-backoff", "dependents-string",
        "missing-dependency", "component-name-number", "no-component-ref", "no-dag", "args-string",
        "command-nested", "task-key-number", "constant-bool-key", "dag-null"])
def test_wrong_shapes_are_named(change, message, element):
    both_refuse(edited(change), message, element)


def test_deep_nesting_is_refused_before_anything_recurses():
    def deep(d):
        value = "bottom"
        for _ in range(MAX_DEPTH + 50):
            value = {"n": [value]}
        d["root"]["dag"]["tasks"]["train"]["inputs"]["parameters"]["x"]["runtimeValue"]["constant"] = value
    with pytest.raises(RunError, match=f"nested more than {MAX_DEPTH} levels deep") as caught:
        parse_ir(edited(deep), "pipeline.yaml")
    assert caught.value.element.startswith("root.dag.tasks.train.inputs.parameters.x.runtimeValue.constant.n.0.n")


@pytest.mark.parametrize("text, message", [
    ("root: " + "[" * 20000 + "]" * 20000, "not valid YAML"),
    ("root: {dag: {tasks: {}}}\ncomponents: {}\npipelineInfo: {name: " + "9" * 6000 + "}\n", "not valid YAML"),
    ("root: &a [*a]\ncomponents: {}\n", "nested more than"),
], ids=["flow-nesting", "huge-integer", "recursive-alias"])
def test_text_the_yaml_parser_chokes_on(text, message):
    for call, error in ((lambda: import_ir(text, path="p.yaml"), ImportError_),
                        (lambda: parse_ir(text, "p.yaml"), RunError)):
        with pytest.raises(error, match=message):
            call()


def test_an_alias_bomb_is_refused_by_size_not_walked():
    levels = ["&a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]  # 10**9 values when walked
    text = ("components: {}\nroot: {dag: {tasks: {}}, inputDefinitions: {parameters: {p: {defaultValue: ["
            + ", ".join(levels) + "]}}}}\n")
    for call in (lambda: import_ir(text, path="p.yaml"), lambda: parse_ir(text, "p.yaml")):
        with pytest.raises((ImportError_, RunError), match="too large: more than"):
            call()


def test_the_checker_names_a_prefix_for_a_nested_spec():
    document = spec()
    document["root"] = "x"
    with pytest.raises(RunError) as caught:
        check_pipeline_spec(document, path="doc.wbp", error=RunError, prefix="components.sub.implementation.graph.")
    assert str(caught.value) == "doc.wbp: components.sub.implementation.graph.root: must be a mapping, found a string"


def test_the_check_leaves_the_spec_as_it_was(corpus_dir):
    """It reads the spec the importer and the engine then use: it must not change a value of it."""
    import copy

    for path in sorted(corpus_dir.glob("*.yaml")):
        documents = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
        before = copy.deepcopy(documents)
        check_pipeline_spec(documents[0], (documents[1] if len(documents) > 1 else {}).get("platforms"),
                            path=path.name)
        assert documents == before, path.name
