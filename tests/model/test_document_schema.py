"""The .wbp schema check: hostile documents built here, each refused in one line naming the file
and the element (`nodes.train.options.retry.count: ...`), in every schema version this build reads."""

import copy
import json
from pathlib import Path

import pytest

from workbench.errors import DocumentError
from workbench.model.fields import Fields
from workbench.model.serialize import loads

REPO = Path(__file__).resolve().parents[2]
SWEEP = json.loads((REPO / "pipelines" / "hyperparameter_sweep.wbp").read_text())
SHARDED = json.loads((REPO / "pipelines" / "sharded_processing.wbp").read_text())


def node_id(document, index=0):
    return sorted(document["nodes"])[index]


def group_id(document, index=0):
    return sorted(document["groups"])[index]


def refused(document, *, text=None) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        loads(text if text is not None else json.dumps(document), path="doc.wbp")
    error = caught.value
    assert error.path == "doc.wbp" and str(error).startswith("doc.wbp: ") and "\n" not in str(error)
    return error


def edited(base, change):
    document = copy.deepcopy(base)
    change(document)
    return document


def version_1(document):
    old = copy.deepcopy(document)
    old["schema_version"] = 1
    for node in old["nodes"].values():
        options = node.pop("options")
        node["caching"] = options.get("caching", True)
        node["retries"] = (options.get("retry") or {}).get("count", 0)
    return old


def test_an_integer_node_name_is_refused_at_load():
    """It crashed `workbench render` (a segfault in the canvas) before the check."""
    document = edited(SWEEP, lambda d: d["nodes"][node_id(d)].update(name=5))
    assert refused(document).message == "must be a string, found a number"
    assert refused(document).element == f"nodes.{node_id(document)}.name"


def test_a_group_containing_itself_is_refused_at_load():
    """It hung `workbench render` before the check."""
    document = edited(SWEEP, lambda d: d["groups"][group_id(d)]["members"].append(group_id(d)))
    error = refused(document)
    name = SWEEP["groups"][group_id(SWEEP)]["name"]
    assert error.message == f"contains itself: {name} -> {name}" and error.element == f"groups.{name}"


def test_two_groups_containing_each_other():
    def cycle(d):
        first, second = group_id(d, 0), group_id(d, 1)
        d["groups"][first]["members"] = [second]
        d["groups"][second]["members"] = [first]
    assert "contains itself" in refused(edited(SHARDED, cycle)).message


def test_a_member_of_two_groups():
    def twice(d):
        first, second = group_id(d, 0), group_id(d, 1)
        d["groups"][second]["members"].append(d["groups"][first]["members"][0])
    assert "belongs to one group" in refused(edited(SHARDED, twice)).message


def test_elif_chains_that_go_round_or_follow_nothing():
    def two_ifs():
        document = copy.deepcopy(SHARDED)
        first, second = group_id(document, 0), group_id(document, 1)
        for gid in (first, second):
            document["groups"][gid].update(kind="condition", follows=None, items=None,
                                           condition={"left": {"kind": "constant", "value": 1}, "op": "==",
                                                      "right": {"kind": "constant", "value": 1}})
        return document, first, second
    document, first, second = two_ifs()
    document["groups"][first]["follows"], document["groups"][second]["follows"] = second, first
    assert "follows itself" in refused(document).message
    document, first, _ = two_ifs()
    document["groups"][first]["follows"] = "no-such-group"
    assert "not a condition group" in refused(document).message


@pytest.mark.parametrize("change, message, element", [
    (lambda d: d.update(nodes=[1, 2]), "must be an object, found a list", "nodes"),
    (lambda d: d["nodes"][node_id(d)].update(options="fast"), "must be an object, found a string", "options"),
    (lambda d: d["nodes"][node_id(d)]["options"].update(retry={"count": "3"}), "must be a whole number", "count"),
    (lambda d: d["nodes"][node_id(d)]["options"].update(retry={"count": 10**9}), "between 0 and 100", "count"),
    (lambda d: d["nodes"][node_id(d)].update(position=[float("inf"), 0]), "pair of numbers", "position"),
    (lambda d: d["nodes"][node_id(d)].update(after="x"), "must be a list", "after"),
    (lambda d: d["nodes"][node_id(d)].update(inputs={"x": {"kind": "teleport"}}), "must be one of", "inputs.x.kind"),
    (lambda d: d["nodes"][node_id(d)].update(inputs={"x": {"kind": "template", "value": "{0} {3}", "parts": []}}),
     "template slot {0} names no part", "inputs.x.value"),
    (lambda d: d["nodes"][node_id(d)].update(inputs={"x": {"kind": "template", "value": "{", "parts": []}}),
     "not a valid template", "inputs.x.value"),
    (lambda d: d["nodes"][node_id(d)].update(inputs={"x": {"kind": "template", "value": ["{0:d}"],
                                                          "parts": [{"kind": "constant", "value": 1}]}}),
     "not a valid template (Unknown format code 'd'", "inputs.x.value"),
    (lambda d: d["groups"][group_id(d)].update(parallelism="2"), "must be a whole number", "parallelism"),
    (lambda d: d["groups"][group_id(d)].update(kind="while"), "must be one of loop, condition, exit_handler", "kind"),
    (lambda d: d["groups"][group_id(d)].update(members=[None]), "must be a string, found null", "members.0"),
    (lambda d: d.update(parameters={"a": 1}), "must be a list, found an object", "parameters"),
    (lambda d: d["parameters"][0].update(name=["x"]), "must be a string, found a list", "name"),
    (lambda d: d["components"][next(iter(d["components"]))]["implementation"]["container"].update(command="sh"),
     "must be a list, found a string", "implementation.container.command"),
    (lambda d: d["components"][next(iter(d["components"]))].update(inputDefinitions={"parameters": []}),
     "must be a mapping, found a list", "inputDefinitions.parameters"),
    (lambda d: d.update(notes={"n": {"text": 5, "position": [0, 0]}}), "must be a string", "notes.n.text"),
], ids=["nodes-list", "options-string", "retry-string", "retry-huge", "position-infinite", "after-string",
        "binding-kind", "template-slot", "template-brace", "template-format-spec", "parallelism-string", "group-kind", "member-null",
        "parameters-object", "parameter-name-list", "command-string", "definitions-list", "note-text"])
def test_wrong_types_are_named_in_both_versions(change, message, element):
    for base in (SWEEP, version_1(SWEEP)):
        if "options" in change.__code__.co_consts and base is not SWEEP:
            continue  # version 1 keeps options flat on the node: see the next test
        with pytest.raises(DocumentError) as caught:
            loads(json.dumps(edited(base, change)), path="doc.wbp")
        error = caught.value
        assert message in error.message and (error.element or "").endswith(element), str(error)
        assert str(error).startswith("doc.wbp: ") and "\n" not in str(error)


def test_version_1_with_wrong_types_is_named_not_a_traceback():
    old = version_1(SWEEP)
    first = node_id(old)
    name = SWEEP["nodes"][first]["name"]
    for field, value, element in (("caching", "yes", "options.caching"), ("retries", "3", "options.retry.count"),
                                  ("retries", [1], "options.retry.count")):
        document = copy.deepcopy(old)
        document["nodes"][first][field] = value
        assert refused(document).element == f"nodes.{name}.{element}"
    document = copy.deepcopy(old)
    document["nodes"] = "none"
    assert refused(document).message == "must be an object, found a string"
    document["nodes"] = {first: 7}
    assert refused(document).message == "must be an object, found a number"


def test_loading_leaves_the_callers_data_alone():
    from workbench.model.serialize import from_dict

    old = version_1(SWEEP)
    before = json.dumps(old, sort_keys=True)
    graph = from_dict(old, path="doc.wbp")
    assert json.dumps(old, sort_keys=True) == before and len(graph.nodes) == len(SWEEP["nodes"])


@pytest.mark.parametrize("text, message", [
    ("[" * 100000 + "]" * 100000, "not valid JSON"),
    ('{"schema_version": 2, "name": ' + "9" * 6000 + "}", "not valid JSON"),
    ('{"schema_version": true}', "unknown schema_version True"),
    ('{"schema_version": 99}', "unknown schema_version 99"),
])
def test_text_the_parser_chokes_on(text, message):
    assert message in refused(None, text=text).message


def test_deep_nesting_inside_a_valid_document_is_refused_first():
    value = "bottom"
    for _ in range(150):
        value = {"n": [value]}
    document = edited(SWEEP, lambda d: d["nodes"][node_id(d)].update(
        inputs={"x": {"kind": "constant", "value": value}}))
    assert "nested more than" in refused(document).message


def test_typed_accessors_name_the_path():
    fields = Fields({"a": {"b": [1, "x"]}, "n": True}, "root", "f.wbp")
    assert fields.obj("a").at("b") == "root.a.b"
    with pytest.raises(DocumentError, match=r"^f\.wbp: root\.a\.b\.0: must be a string, found a number$"):
        fields.obj("a").str_list("b")
    with pytest.raises(DocumentError, match="root.n: must be a whole number, found a boolean"):
        fields.int("n")
    assert fields.str("missing", "default") == "default"
    with pytest.raises(DocumentError, match="root: is missing `missing`"):
        fields.str("missing")


@pytest.mark.parametrize("value, words", [
    ("{0:>99999999}", "pads beyond 1000 characters"),  # filling it took 100 MB at load, and again at compile
    ("{0:.%s}" % ("9" * 5000), "pads beyond 1000 characters"),  # never int() 5,000 digits
    (["ok", {"k": "{0:{0}}"}], "takes its format from a part"),  # the width known only when compiled
    ("{\u00b2}", "template slot {\u00b2} names no part"),  # isdigit() but not int(): a traceback
], ids=["huge-width", "5000-digit-precision", "width-from-a-part", "superscript-slot"])
def test_template_formats_that_fill_memory_or_break_the_loader_are_refused(value, words):
    def change(document):
        document["nodes"][node_id(document)].update(inputs={"x": {
            "kind": "template", "value": value, "parts": [{"kind": "constant", "value": "a"}]}})
    with pytest.raises(DocumentError) as caught:
        loads(json.dumps(edited(SWEEP, change)), path="doc.wbp")
    assert words in caught.value.message and caught.value.element.endswith("inputs.x.value"), str(caught.value)
