"""A corpus of hostile archives, generated here: each is refused with a message naming the entry,
nothing is written outside the chosen folder, and the folder itself is never created."""

from __future__ import annotations

import io
import stat
import warnings
import zipfile
from pathlib import Path

import pytest
from share_helpers import rebundle, replace

from workbench.errors import ShareError
from workbench.share.bundle import import_bundle
from workbench.share.safe_zip import Limits


def raw_zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries:
                archive.writestr(name, data)
    return path


def symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def inner_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "a")
    return buffer.getvalue()


def with_extra(files, *extra):
    """The genuine bundle plus hostile entries (the manifest stays the genuine one)."""
    return list(files) + list(extra)


BILLION_LAUGHS = b'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n' \
                 b'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n'

# name -> (builder(files, tmp) -> zip path, expected words in the message, the entry named)
CASES = {
    "traversal": (lambda f, t: raw_zip(t, with_extra(f, ("../evil.txt", b"x"))), "escapes", "../evil.txt"),
    "deep traversal": (lambda f, t: raw_zip(t, with_extra(f, ("components/../../evil.txt", b"x"))), "escapes",
                       "components/../../evil.txt"),
    "absolute path": (lambda f, t: raw_zip(t, with_extra(f, (zipfile.ZipInfo("/tmp/evil.txt"), b"x"))),
                      "absolute", "/tmp/evil.txt"),
    "drive letter": (lambda f, t: raw_zip(t, with_extra(f, ("C:/evil.txt", b"x"))), "drive letter", "C:/evil.txt"),
    "backslash": (lambda f, t: raw_zip(t, with_extra(f, ("..\\evil.txt", b"x"))), "backslash", "..\\evil.txt"),
    "symlink": (lambda f, t: raw_zip(t, with_extra(f, (symlink("components/link.yaml"), b"/etc/passwd"))),
                "symbolic link", "components/link.yaml"),
    "duplicate": (lambda f, t: raw_zip(t, with_extra(f, ("pipeline.wbp", b"{}"))), "duplicate", "pipeline.wbp"),
    "case duplicate": (lambda f, t: raw_zip(t, with_extra(f, ("readme.md", b"x"))), "duplicate", "readme.md"),
    "zip bomb": (lambda f, t: raw_zip(t, with_extra(f, ("components/bomb.md", b"\0" * (10 * 1024 * 1024)))),
                 "compression ratio", "components/bomb.md"),
    "10,000 entries": (lambda f, t: raw_zip(t, with_extra(f, *((f"x/{i}.md", b"") for i in range(10_000)))),
                       "10020 entries", None),
    "nested zip": (lambda f, t: raw_zip(t, with_extra(f, ("components/inner.zip", inner_zip()))),
                   "nested archive", "components/inner.zip"),
    "nested zip in disguise": (lambda f, t: rebundle(with_extra(f, ("notes.md", inner_zip())), t),
                               "nested archive", "notes.md"),
    "tampered hash": (lambda f, t: raw_zip(t, replace(f, "pipeline.wbp", dict(f)["pipeline.wbp"] + b" ")),
                      "sha256 does not match", "pipeline.wbp"),
    "unlisted file": (lambda f, t: raw_zip(t, with_extra(f, ("components/extra.md", b"hi"))),
                      "not listed in the manifest", "components/extra.md"),
    "missing file": (lambda f, t: raw_zip(t, [e for e in f if e[0] != "README.md"]), "missing from the bundle",
                     "README.md"),
    "no manifest": (lambda f, t: raw_zip(t, [e for e in f if e[0] != "manifest.json"]), "no manifest",
                    "manifest.json"),
    "manifest not JSON": (lambda f, t: raw_zip(t, replace(f, "manifest.json", b"{not json")), "not valid JSON",
                          "manifest.json"),
    "manifest wrong format": (lambda f, t: raw_zip(t, replace(f, "manifest.json", b'{"format": "other"}')),
                              "not a Pipeline Workbench bundle manifest", "manifest.json"),
    "manifest newer schema": (lambda f, t: raw_zip(t, replace(f, "manifest.json", dict(f)["manifest.json"].replace(
        b'"schema_version": 1', b'"schema_version": 99'))), "unknown schema_version 99", "manifest.json"),
    "manifest bad hash": (lambda f, t: raw_zip(t, replace(f, "manifest.json", dict(f)["manifest.json"].replace(
        b'"sha256": "', b'"sha256": "zz', 1))), "no valid sha256", "manifest.json"),
    "invalid YAML": (lambda f, t: rebundle(replace(f, "components/train-model.yaml", b"a: [unclosed\n"), t),
                     "invalid YAML", "components/train-model.yaml"),
    "YAML alias bomb": (lambda f, t: rebundle(replace(f, "components/train-model.yaml", BILLION_LAUGHS), t),
                        "aliases are not allowed", "components/train-model.yaml"),
    "invalid JSON document": (lambda f, t: rebundle(replace(f, "pipeline.wbp", b'{"nodes": '), t), "invalid JSON",
                              "pipeline.wbp"),
    "invalid document": (lambda f, t: rebundle(replace(f, "pipeline.wbp", b'{"schema_version": 99}'), t),
                         "unknown schema_version", "pipeline.wbp"),
    "pipeline not KFP": (lambda f, t: rebundle(replace(f, "pipeline.yaml", b"hello: world\n"), t),
                         "not a compiled KFP pipeline", "pipeline.yaml"),
    "binary file": (lambda f, t: rebundle(with_extra(f, ("components/tool.so", b"\x7fELF")), t),
                    "unexpected file type", "components/tool.so"),
    "not a zip": (lambda f, t: (t.write_bytes(b"just text"), t)[1], "not a readable zip", None),
}


def snapshot(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_archive_is_refused_and_nothing_is_written(case, bundle_files, tmp_path):
    build, words, entry = CASES[case]
    work = tmp_path / "work"
    work.mkdir()
    archive = build(bundle_files, work / "hostile.zip")
    before = snapshot(tmp_path)
    target = work / "out" / "imported"
    with pytest.raises(ShareError) as refused:
        import_bundle(archive, target)
    message = str(refused.value)
    assert words in message and str(archive) in message
    if entry:
        assert entry in message
    assert snapshot(tmp_path) == before  # nothing anywhere: not the target, not beside it, not outside


@pytest.mark.parametrize("limits, words", [(Limits(max_file_bytes=10_000), "over the 10000-byte limit"),
                                           (Limits(max_total_bytes=50_000), "more than 50000 bytes")])
def test_size_limits(limits, words, bundle_path, tmp_path):
    with pytest.raises(ShareError, match=words):
        import_bundle(bundle_path, tmp_path / "out", limits=limits)
    assert not (tmp_path / "out").exists()


def test_failed_write_leaves_nothing_behind(bundle_path, tmp_path, monkeypatch):
    real_open = open
    calls = []

    def failing_open(path, mode="r", *args, **kwargs):
        if mode == "xb":
            calls.append(path)
            if len(calls) == 3:
                raise OSError(28, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(ShareError, match="No space left on device"):
        import_bundle(bundle_path, tmp_path / "new" / "parents" / "out")
    monkeypatch.undo()
    assert [p for p in tmp_path.iterdir() if p.name != "data"] == []
