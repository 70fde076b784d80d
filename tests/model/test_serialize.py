import json

import pytest
from helpers import simple_graph

from workbench.errors import DocumentError
from workbench.model.bindings import Binding
from workbench.model.document import Group, new_id
from workbench.model.expressions import BoolOp, Comparison, Not
from workbench.model.serialize import SCHEMA_VERSION, load, loads, save, to_json


def test_round_trip_is_exact_and_sorted(tmp_path):
    graph, nodes = simple_graph()
    condition = BoolOp("or", (Comparison(Binding.from_output(nodes["first"].id, "Output"), "==", Binding.constant("a")),
                              Not(Comparison(Binding.param("greeting"), "!=", Binding.constant("b")))))
    graph.add_group(Group(new_id(), "condition", members=[nodes["second"].id], condition=condition))
    path = tmp_path / "doc.wbp"
    save(graph, path)
    text = path.read_text()
    assert json.loads(text)["schema_version"] == SCHEMA_VERSION
    assert to_json(load(path)) == text
    assert list(json.loads(text)) == sorted(json.loads(text))


def test_parameter_defaults_of_zero_and_false_survive():
    from workbench.model.document import Parameter

    graph, _ = simple_graph()
    graph.set_parameter(Parameter("count", "Integer", 0))
    graph.set_parameter(Parameter("flag", "Boolean", False))
    again = loads(to_json(graph))
    assert again.parameters["count"].default == 0 and again.parameters["flag"].default is False


def test_migrates_version_1(tmp_path):
    graph, nodes = simple_graph()
    data = json.loads(to_json(graph))
    data["schema_version"] = 1
    for node in data["nodes"].values():
        node.pop("options")
        node["caching"] = False
        node["retries"] = 2
    migrated = loads(json.dumps(data))
    node = migrated.nodes[nodes["first"].id]
    assert node.options.caching is False and node.options.retry.count == 2


@pytest.mark.parametrize("text, fragment", [
    ("{not json", "not valid JSON"),
    ('{"schema_version": 99}', "unknown schema_version 99"),
    ("[]", "expected a JSON object"),
])
def test_bad_files_give_clear_messages(text, fragment):
    with pytest.raises(DocumentError) as info:
        loads(text, path="bad.wbp")
    assert fragment in str(info.value) and "bad.wbp" in str(info.value)


def test_binding_to_missing_node_names_the_node():
    graph, nodes = simple_graph()
    data = json.loads(to_json(graph))
    data["nodes"][nodes["second"].id]["inputs"]["msg"]["node"] = "nope"
    with pytest.raises(DocumentError) as info:
        loads(json.dumps(data), path="x.wbp")
    assert "nodes.echo-2" in str(info.value) and "missing node 'nope'" in str(info.value)


def test_component_without_image_is_refused():
    graph, _ = simple_graph()
    data = json.loads(to_json(graph))
    data["components"]["echo"]["implementation"]["container"]["image"] = ""
    with pytest.raises(DocumentError) as info:
        loads(json.dumps(data), path="x.wbp")
    assert "components.echo" in str(info.value) and "no container image" in str(info.value)


def test_failed_save_leaves_the_old_file(tmp_path, monkeypatch):
    graph, _ = simple_graph()
    path = tmp_path / "doc.wbp"
    save(graph, path)
    before = path.read_text()
    import workbench.atomic as atomic

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    graph.set_pipeline_info("changed", "")
    with pytest.raises(DocumentError):
        save(graph, path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["doc.wbp"]
