import pytest

from workbench.components.authoring import container_component, output_path, input_value, python_component
from workbench.components.builtins_build import builtin_yaml, kubernetes_builtins, sources
from workbench.components.library import builtin_components
from workbench.components.loading import load_component_file, load_component_text
from workbench.components.spec import Port
from workbench.errors import ComponentError

V1_COMPONENT = """
name: Add numbers
inputs:
- {name: a, type: Integer}
- {name: b, type: Integer, default: '1'}
outputs:
- {name: sum, type: Integer}
implementation:
  container:
    image: alpine:3.19
    command: [sh, -c, 'echo $(($0 + $1)) > $2', {inputValue: a}, {inputValue: b}, {outputPath: sum}]
"""


def test_python_source_compiles_without_a_file_of_the_users():
    spec = python_component("def shout(text: str) -> str:\n    return text.upper()\n", base_image="img:1",
                            packages=["numpy"])
    assert spec.name == "shout" and spec.image == "img:1"
    assert [(p.name, p.type) for p in spec.inputs] == [("text", "String")]
    assert "def shout" in " ".join(spec.container["command"]) and "'numpy'" in " ".join(spec.container["command"])
    assert spec.python.source.startswith("def shout")


@pytest.mark.parametrize("source, fragment", [
    ("def broken(:\n", "Python syntax error at line 1"),
    ("x = 1\n", "defines no function"),
    ("def f(x: 'NoSuchType'):\n    pass\n", "function f"),
])
def test_bad_python_sources_are_explained(source, fragment):
    with pytest.raises(ComponentError) as info:
        python_component(source)
    assert fragment in str(info.value)


def test_v1_component_yaml_loads_through_kfp():
    spec = load_component_text(V1_COMPONENT, where="add.yaml")
    assert spec.name == "add-numbers" and spec.image == "alpine:3.19"
    assert {p.name: p.optional for p in spec.inputs} == {"a": False, "b": True}
    assert spec.output("sum").type == "Integer"


def test_container_component_checks_placeholders():
    spec = container_component("copy", "alpine:3.19", ["sh", "-c"], ["echo " + input_value("x") + " > " + output_path("y")],
                               inputs=[Port("x", "String")], outputs=[Port("y", "system.Dataset")])
    assert spec.input("x").type == "String" and spec.output("y").is_artifact
    with pytest.raises(ComponentError, match="refers to 'z'"):
        container_component("bad", "alpine", ["echo", input_value("z")], [])
    with pytest.raises(ComponentError, match="needs an image"):
        container_component("bad", " ", [], [])


def test_component_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed")
    with pytest.raises(ComponentError) as info:
        load_component_file(bad)
    assert str(bad) in str(info.value) and "not valid YAML" in str(info.value)


def test_builtin_library_has_categories_and_is_current():
    entries = builtin_components()
    assert {"Data", "Training", "Evaluation", "Deployment"} <= {e.category for e in entries}
    for source in sources():
        assert source.with_suffix(".yaml").read_text() == builtin_yaml(source), \
            f"{source} changed: run `make components`"


def test_kubernetes_category_holds_kfp_kubernetes_pvc_components():
    for path, text in kubernetes_builtins().items():
        assert path.read_text() == text, f"{path} changed: run `make components`"
    by_key = {e.key: e for e in builtin_components()}
    create, delete = by_key["kubernetes/create_pvc"], by_key["kubernetes/delete_pvc"]
    assert create.category == delete.category == "Kubernetes"
    assert create.spec.image == "argostub/createpvc" and delete.spec.image == "argostub/deletepvc"
    assert {p.name for p in create.spec.inputs if not p.optional} == {"access_modes", "size"}
    assert [p.name for p in create.spec.outputs] == ["name"]
