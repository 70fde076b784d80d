"""`workbench deploy`: to Vertex AI through the real google-cloud-aiplatform client against a fake
that stores the upload and predicts with the uploaded model; a KServe InferenceService checked
field by field; bad input as one-line messages."""

from __future__ import annotations

import pytest
import yaml
from fake_prediction import FakeVertexPrediction
from serving_models import expected_sklearn

from workbench.cli import main
from workbench.serving.endpoints import NAME_PATTERN

pytestmark = pytest.mark.usefixtures("serving_env")


@pytest.fixture
def fake(monkeypatch):
    from google.auth.credentials import AnonymousCredentials

    with FakeVertexPrediction() as server:
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", server.url)
        monkeypatch.setattr("workbench.runs.remote.google_auth.default_credentials", AnonymousCredentials)
        yield server


def _deploy(fake, folder, *extra):
    return main(["deploy", str(folder), "--target", "vertex", "--project", "my-proj", "--region", "europe-west4",
                 "--api-endpoint", fake.url, *extra])


@pytest.mark.parametrize("framework", ["sklearn", "xgboost"])
def test_vertex_deploy_uploads_registers_with_the_prebuilt_container_and_deploys(
        fake, framework, sklearn_folder, xgboost_folder, capsys):
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import aiplatform

    folder = sklearn_folder if framework == "sklearn" else xgboost_folder
    model_file = "model.joblib" if framework == "sklearn" else "model.bst"
    assert _deploy(fake, folder, "--artifact-uri", "gs://bucket/models/m1/", "--name", "m1") == 0
    endpoint_name = capsys.readouterr().out.strip()
    assert fake.objects[f"bucket/models/m1/{model_file}"] == (folder / model_file).read_bytes()
    assert "bucket/models/m1/model_card.json" in fake.objects
    (model,) = fake.models.values()
    version = yaml.safe_load((folder / "model_card.json").read_text())["framework_version"]
    major_minor = "-".join(version.split(".")[:2])
    assert model["artifactUri"] == "gs://bucket/models/m1"
    assert model["containerSpec"]["imageUri"] == \
        f"europe-docker.pkg.dev/vertex-ai/prediction/{framework}-cpu.{major_minor}:latest"
    (endpoint,) = fake.endpoints.values()
    assert endpoint["name"] == endpoint_name and endpoint["displayName"] == "m1"
    (deployed,) = endpoint["deployedModels"]
    assert deployed["model"] == model["name"]
    assert deployed["dedicatedResources"]["machineSpec"]["machineType"] == "n1-standard-2"
    rows = [[0.5, -1.0, 2.0], [-2.0, 0.1, 0.0]]
    answer = aiplatform.Endpoint(endpoint_name, credentials=AnonymousCredentials(), project="my-proj",
                                 location="europe-west4").predict(instances=rows)
    assert len(answer.predictions) == 2
    if framework == "sklearn":
        assert answer.predictions == expected_sklearn(folder, rows)


def test_vertex_deploy_bad_input_is_a_one_line_message(fake, sklearn_folder, module_dir, capsys):
    old = module_dir / "old-sklearn"
    old.mkdir()
    (old / "model.joblib").write_bytes((sklearn_folder / "model.joblib").read_bytes())
    (old / "model_card.json").write_text('{"framework": "sklearn", "framework_version": "0.19.2"}')
    cases = [
        ((sklearn_folder, "--artifact-uri", "s3://bucket/x"), "is not a gs://BUCKET/FOLDER URI"),
        ((sklearn_folder, "--artifact-uri", "gs:///x"), "is not a gs://BUCKET/FOLDER URI"),
        ((old, "--artifact-uri", "gs://bucket/x"), "no prebuilt sklearn 0.19 prediction container"),
        ((module_dir, "--artifact-uri", "gs://bucket/x"), "no model file here"),
    ]
    for args, words in cases:
        assert _deploy(fake, *args) == 1
        err = capsys.readouterr().err
        assert words in err and len(err.strip().splitlines()) == 1, err
    assert main(["deploy", str(sklearn_folder), "--target", "vertex", "--artifact-uri", "gs://b/x"]) == 1
    assert "needs --project and --region" in capsys.readouterr().err
    assert fake.models == {} and fake.objects == {}


@pytest.mark.parametrize("framework", ["sklearn", "xgboost"])
def test_kserve_writes_an_inference_service_for_the_runtime(framework, sklearn_folder, xgboost_folder, tmp_path):
    folder = sklearn_folder if framework == "sklearn" else xgboost_folder
    out = tmp_path / "isvc.yaml"
    assert main(["deploy", str(folder), "--target", "kserve", "--name", "churn-model", "--namespace", "ml",
                 "--artifact-uri", "gs://bucket/models/churn/", "-o", str(out)]) == 0
    (document,) = list(yaml.safe_load_all(out.read_text()))
    assert (document["apiVersion"], document["kind"]) == ("serving.kserve.io/v1beta1", "InferenceService")
    assert document["metadata"]["name"] == "churn-model" and document["metadata"]["namespace"] == "ml"
    assert NAME_PATTERN.fullmatch(document["metadata"]["name"])
    (predictor_kind,) = document["spec"]["predictor"]
    model = document["spec"]["predictor"]["model"]
    assert predictor_kind == "model"
    version = yaml.safe_load((folder / "model_card.json").read_text())["framework_version"]
    assert model["modelFormat"] == {"name": framework, "version": version.split(".")[0]}
    assert model["storageUri"] == "gs://bucket/models/churn"
    assert model["protocolVersion"] == "v1"
    assert set(model["resources"]) == {"requests", "limits"}
    for values in model["resources"].values():
        assert set(values) == {"cpu", "memory"} and all(isinstance(v, str) for v in values.values())


def test_kserve_refuses_what_a_cluster_would_reject(sklearn_folder, capsys, tmp_path):
    cases = [(("--artifact-uri", "/home/me/model"), "is not one KServe can read"),
             (("--artifact-uri", "gs://b/m", "-o", str(tmp_path / "no-such-folder" / "isvc.yaml")),
              f"{tmp_path / 'no-such-folder' / 'isvc.yaml'}: cannot write the InferenceService (No such file"),
             (("--artifact-uri", "gs://b/m", "--name", "Churn_Model"), "is not valid"),
             (("--artifact-uri", "gs://b/m", "--namespace", "a/b"), "is not valid")]
    for args, words in cases:
        assert main(["deploy", str(sklearn_folder), "--target", "kserve", *args]) == 1
        assert words in capsys.readouterr().err
