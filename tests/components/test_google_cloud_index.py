"""The Google Cloud category is compiled once per package version into an index file, which later
starts read; a damaged index is rebuilt, never trusted or fatal."""

from __future__ import annotations

import json
import time

import pytest

from workbench.errors import ComponentError
from workbench.components.google_cloud import CATEGORY, google_cloud_components, google_cloud_spec, installed_version


def test_a_damaged_index_is_rebuilt_and_then_read(tmp_path):
    index = tmp_path / f"google-cloud-components-{installed_version()}.json"
    index.write_text("{not json")
    entries = google_cloud_components(tmp_path)
    assert len(entries) > 50 and all(spec.category == CATEGORY for _, spec in entries)
    documents = json.loads(index.read_text())
    assert set(documents) == {key for key, _ in entries}
    start = time.perf_counter()
    again = google_cloud_components(tmp_path / ".")  # another cache key: read from the file
    assert time.perf_counter() - start < 5
    assert [key for key, _ in again] == [key for key, _ in entries]
    upload = dict(entries)["gcp_model_upload"]
    assert upload.description.startswith("[Uploads]")
    assert {p.name for p in upload.inputs} >= {"project", "location", "display_name", "unmanaged_container_model"}
    assert next(p for p in upload.inputs if p.name == "display_name").description


def test_a_fresh_copy_per_request_and_unknown_keys_named():
    first, second = google_cloud_spec("gcp_model_upload"), google_cloud_spec("gcp_model_upload")
    first.description = "edited"
    assert second.description != "edited" and google_cloud_spec("gcp_model_upload").description != "edited"
    with pytest.raises(ComponentError, match="gcp_no_such"):
        google_cloud_spec("gcp_no_such")
