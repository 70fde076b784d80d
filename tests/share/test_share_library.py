"""The library: publishing and versioning in each scope, search, a damaged index, concurrent publishers."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from share_helpers import EXAMPLE, REPO

from workbench.components.library import builtin
from workbench.errors import ShareError
from workbench.model.serialize import load, to_json
from workbench.share.index import FolderIndex
from workbench.share.library import Library

COMPONENT = REPO / "resources" / "components" / "training" / "train_model.yaml"


@pytest.fixture
def library(tmp_path):
    return Library.from_environment(private_dir=tmp_path / "private", team_dir=tmp_path / "team",
                                    catalog_dirs=[])


@pytest.mark.parametrize("scope", ["private", "team"])
def test_publish_versions_in_a_scope(library, scope):
    first = library.publish(COMPONENT, scope)
    second = library.publish(COMPONENT, scope, description="better")
    third = library.publish(COMPONENT, scope, "1.10.0")
    assert (first.version, second.version, third.version) == ("1.0.0", "1.0.1", "1.10.0")
    assert library.versions("component/train-model", scope) == ["1.0.0", "1.0.1", "1.10.0"]
    old = library.get("component/train-model", "1.0.0", scope)
    assert old.meta["description"].startswith("Train") and old.path.is_file()
    assert library.get("component/train-model", scope=scope).version == "1.10.0"
    assert library.get("component/train-model", scope=scope).load().name == "train-model"
    assert old.meta["published_by"] and old.meta["published_at"].endswith("Z")


def test_published_versions_never_change(library):
    library.publish(COMPONENT, "private", "2.0")
    with pytest.raises(ShareError, match="already exists"):
        library.publish(COMPONENT, "private", "2.0")
    with pytest.raises(ShareError, match="invalid version"):
        library.publish(COMPONENT, "private", "../../x")


def test_public_scope_is_read_only_and_has_the_builtins(library):
    with pytest.raises(ShareError, match="cannot publish to the public scope"):
        library.publish(COMPONENT, "public")
    asset = library.get("component/train-model", scope="public")
    assert asset.load().implementation == builtin("training/train_model").implementation
    assert {a.asset_id for a in library.search(scope="public")} >= {"component/train-model", "component/cleanup"}


def test_team_scope_needs_a_folder(tmp_path):
    library = Library.from_environment(private_dir=tmp_path / "p", catalog_dirs=[])
    with pytest.raises(ShareError, match="WORKBENCH_TEAM_DIR"):
        library.publish(COMPONENT, "team")


def test_catalog_folder_is_public(tmp_path):
    Library.from_environment(private_dir=tmp_path / "catalog", catalog_dirs=[]).publish(EXAMPLE, "private")
    library = Library.from_environment(private_dir=tmp_path / "p", catalog_dirs=[tmp_path / "catalog"])
    asset = library.get("pipeline/train-compare-deploy")
    assert asset.scope == "public" and to_json(asset.load()) == to_json(load(EXAMPLE))


def test_pipeline_page_and_search(library):
    page = library.publish(EXAMPLE, "team", "1.0.0")
    assert page.meta["kind"] == "pipeline"
    assert {p["name"]: p["default"] for p in page.meta["inputs"]} == {"epochs": 60, "n_samples": 2000,
                                                                      "threshold": 0.85}
    assert "workbench library get pipeline/train-compare-deploy" in page.example
    hits = library.search("compare threshold")
    assert hits[0].asset_id == "pipeline/train-compare-deploy" and hits[0].scope == "team"
    assert [a.asset_id for a in library.search("deploy", kind="pipeline")] == ["pipeline/train-compare-deploy"]
    assert library.search("no-such-words-anywhere") == []


def test_get_prefers_private_then_team_then_public(library):
    library.publish(COMPONENT, "team", "5.0")
    assert library.get("component/train-model").scope == "team"
    library.publish(COMPONENT, "private", "1.0")
    assert library.get("component/train-model").scope == "private"
    with pytest.raises(ShareError, match="no version 9"):
        library.get("component/train-model", "9")


def test_a_damaged_index_is_rebuilt_from_the_versions(library, tmp_path):
    library.publish(COMPONENT, "team", "1.0")
    library.publish(EXAMPLE, "team", "1.0")
    (tmp_path / "team" / "index.json").write_text("{broken")
    fresh = Library.from_environment(private_dir=tmp_path / "private", team_dir=tmp_path / "team", catalog_dirs=[])
    assert {a.asset_id for a in fresh.search(scope="team")} == {"component/train-model", "pipeline/train-compare-deploy"}
    fresh.publish(COMPONENT, "team")  # publishing repairs the file
    assert json.loads((tmp_path / "team" / "index.json").read_text())["schema_version"] == 1
    assert fresh.versions("component/train-model", "team") == ["1.0", "1.1"]


def test_a_bad_file_is_refused_naming_it(library, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [unclosed\n")
    with pytest.raises(Exception, match="bad.yaml"):
        library.publish(bad, "private")
    assert library.search(scope="private") == []


PUBLISHER = textwrap.dedent("""
    import sys
    from workbench.share.library import Library
    from workbench.components.loading import load_component_file
    team, me = sys.argv[1], sys.argv[2]
    library = Library.from_environment(private_dir=team + "-private-" + me, team_dir=team, catalog_dirs=[])
    spec = load_component_file(sys.argv[3])
    for i in range(15):
        library.publish(spec, "team", name=f"own-{me}-{i}")
        library.publish(spec, "team", name="shared")  # both race for the next version of one asset
""")


def test_two_processes_publishing_at_once_keep_the_index_consistent(tmp_path):
    team = tmp_path / "team"
    processes = [subprocess.Popen([sys.executable, "-c", PUBLISHER, str(team), me, str(COMPONENT)],
                                  stderr=subprocess.PIPE, text=True) for me in ("a", "b")]
    for process in processes:
        assert process.wait(timeout=120) == 0, process.stderr.read()
    index = FolderIndex(team)
    assets = index.assets()
    assert len(assets) == 31
    assert len(assets["component/shared"]["versions"]) == 30
    assert assets["component/shared"]["latest"] == "1.0.29"
    assert assets == index.rebuild(write=False)
    assert not (team / ".index.lock").exists()
