"""Fixtures for remote runs: the fakes, an ADC file that points at the fake token endpoint, a
private config / data dir, and an in-memory keyring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fake_services import FakeKfp, FakeRegistry, FakeVertex

DATA = Path(__file__).parent / "data"


@pytest.fixture
def ir_path() -> Path:
    return DATA / "two_steps.yaml"


@pytest.fixture
def ir_text(ir_path: Path) -> str:
    return ir_path.read_text()


@pytest.fixture
def workbench_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))  # no user gcloud config leaks in
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # nor ~/.config/kfp
    monkeypatch.delenv("WORKBENCH_KFP_TOKEN", raising=False)
    return tmp_path


@pytest.fixture(scope="session")
def private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.fixture
def fake_vertex(workbench_dirs: Path, monkeypatch: pytest.MonkeyPatch, private_key_pem: str):
    """The fake, with ADC from a service-account key file (GOOGLE_APPLICATION_CREDENTIALS) whose
    token endpoint is the fake, and aiplatform's storage client pointed at the fake too."""
    with FakeVertex() as fake:
        adc = workbench_dirs / "adc.json"
        adc.write_text(json.dumps({
            "type": "service_account", "project_id": "my-proj", "private_key_id": "k1",
            "private_key": private_key_pem, "client_email": "ci@my-proj.iam.gserviceaccount.com",
            "client_id": "1", "token_uri": f"{fake.url}/token"}))
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc))
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", fake.url)
        yield fake


@pytest.fixture
def fake_kfp(workbench_dirs: Path):
    with FakeKfp() as fake:
        yield fake


@pytest.fixture
def fake_registry(workbench_dirs: Path):
    with FakeRegistry() as fake:
        yield fake
