"""The Vertex AI prediction contract and the requests an attacker sends, checked against a live
endpoint (a local process or a container), the same cases for both."""

from __future__ import annotations

import json

from serving_cli import post, predict

HOSTILE = [
    (b"not json", 400, "not valid JSON"),
    (b"\xff\xfe\x00", 400, "not valid JSON"),
    (b"[1, 2, 3]", 400, "JSON object"),
    (b"{}", 400, '"instances"'),
    (b'{"instances": []}', 400, "non-empty list"),
    (b'{"instances": "age"}', 400, "non-empty list"),
    (b'{"instances": [[1, 2]]}', 400, "instance 0 has 2 values; the model takes 3 (age, income, score)"),
    (b'{"instances": [[1, 2, 3], [1, 2, 3, 4]]}', 400, "instance 1 has 4 values"),
    (b'{"instances": [{"age": 1, "income": 2, "score": 3}]}', 400, "instance 0 is dict"),
    (b'{"instances": [[1, "2", 3]]}', 400, "feature income"),
    (b'{"instances": [[1, true, 3]]}', 400, "feature income: true is not a number"),
    (b'{"instances": [[1, null, 3]]}', 400, "feature income: null"),
    (b'{"instances": [[1, [2], 3]]}', 400, "feature income"),
    (b'{"instances": [[1, NaN, 3]]}', 400, "NaN"),
    (b'{"instances": [[1, -Infinity, 3]]}', 400, "Infinity"),
    (b'{"instances": [[1e999, 0, 0]]}', 400, "feature age"),
    (b'{"instances": [[' + b"9" * 400 + b', 0, 0]]}', 400, "out of range"),
    (b"[" * 200_000 + b"]" * 200_000, 400, "nested too deeply"),
]


def check_hostile_requests(predict_url: str) -> None:
    for body, status, words in HOSTILE:
        code, answer = post(predict_url, body)
        assert (code, words in answer.get("error", "")) == (status, True), (body[:60], code, answer)
        assert "Traceback" not in json.dumps(answer)


def check_oversized_requests(endpoint_url: str) -> None:
    """100 MB declared: 413 without reading it; 12 MB streamed in chunks (no length): 413 at the limit;
    healthy after both. (requests reads an answer sent before the upload ends, as curl does.)"""
    import requests

    declared = requests.post(endpoint_url + "/predict", data=b"1" * (100 * 2**20), timeout=60)
    assert declared.status_code == 413 and "limit" in declared.json()["error"]
    chunks = (b"[" + b"1.0, " * 200_000 + b"1.0]," for _ in range(12))
    streamed = requests.post(endpoint_url + "/predict", data=chunks, timeout=60)
    assert streamed.status_code == 413 and "over the limit" in streamed.json()["error"]
    assert requests.get(endpoint_url + "/health", timeout=10).status_code == 200


def check_predictions(predict_url: str, instances: list, expected: list) -> None:
    code, answer = predict(predict_url, instances)
    assert code == 200, answer
    assert answer["predictions"] == expected
