"""CEL conditions and selectors, and that pipeline data never becomes code."""

from __future__ import annotations

import pytest

from workbench.runs.engine.conditions import ConditionError, evaluate_condition, evaluate_selector


@pytest.mark.parametrize("expression, values, expected", [
    ("inputs.parameter_values['coin'] == 'heads'", {"coin": "heads"}, True),
    ("!(inputs.parameter_values['coin'] == 'heads') && inputs.parameter_values['coin'] == 'tails'",
     {"coin": "tails"}, True),
    ("int(inputs.parameter_values['n']) > 5", {"n": 7.0}, True),
    ("int(inputs.parameter_values['n']) > 5", {"n": 2}, False),
    ("parseJson(inputs.parameter_values['j']).a == 1", {"j": '{"a": 1}'}, True),
    ("inputs.parameter_values['flag'] == true", {"flag": True}, True),
])
def test_kfp_condition_forms(expression, values, expected):
    assert evaluate_condition(expression, values) is expected


def test_artifacts_are_visible_to_conditions():
    artifacts = {"m": [{"uri": "/x", "metadata": {"accuracy": 0.9}}]}
    assert evaluate_condition("inputs.artifacts['m'].artifacts[0].metadata.accuracy > 0.5", {}, artifacts)


@pytest.mark.parametrize("hostile", [
    "heads' || true || '",
    "'); __import__('os').system('touch /tmp/x'); ('",
    "\" + parseJson('1') + \"",
])
def test_hostile_values_stay_data(hostile):
    assert evaluate_condition("inputs.parameter_values['coin'] == 'heads'", {"coin": hostile}) is False


def test_python_is_not_reachable():
    with pytest.raises(ConditionError):
        evaluate_condition("__import__('os').system('true') == 0", {})


@pytest.mark.parametrize("expression", ["inputs.parameter_values['x'] ==", "inputs.parameter_values['x']",
                                        "inputs.parameter_values['missing'] == 1"])
def test_bad_conditions_raise_condition_error(expression):
    with pytest.raises(ConditionError):
        evaluate_condition(expression, {"x": "1"})


def test_selectors_pick_fields_of_loop_items():
    assert evaluate_selector('parseJson(string_value)["A_a"]', {"A_a": 1, "B_b": "two"}) == 1
    assert evaluate_selector('parseJson(string_value)["B_b"]', '{"A_a": 1, "B_b": "two"}') == "two"
