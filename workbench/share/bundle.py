"""Pipeline bundles: one reproducible zip to share a pipeline, and a safe way to open one.

Layout: `pipeline.yaml` (compiled IR) first at the root, so Kubeflow Pipelines and `kfp.Client`
accept the zip as it is; then `pipeline.wbp`, `components/<name>.yaml` (+ `.py` for Python
components), `README.md`, `graph.png` when rendering is available, and `manifest.json` last.
Import reads everything into memory through `safe_zip`, verifies the manifest and parses every
file before writing one byte, then writes into a temporary folder beside the target and renames
it into place: a refused or failed import leaves nothing behind. Nothing from a bundle is run.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from workbench.atomic import write_atomic
from workbench.components.spec import k8s_name
from workbench.errors import ShareError, WorkbenchError
from workbench.model.document import PipelineGraph
from workbench.share import manifest as manifest_
from workbench.share.readme import readme
from workbench.share.review import Review, review_files
from workbench.share.safe_zip import Limits, check_name, read_zip, write_zip
from workbench.share.trust import TrustStore

PIPELINE = "pipeline.yaml"
DOCUMENT = "pipeline.wbp"
README = "README.md"
PICTURE = "graph.png"
COMPONENTS = "components"


def _component_files(graph: PipelineGraph) -> dict[str, dict[str, str]]:
    """Readable, unique file names per component key: {"yaml": ..., "python": ...}."""
    from workbench.compiler.export_python import python_source_of

    files, taken = {}, set()
    for key in sorted(graph.components):
        spec = graph.components[key]
        stem = k8s_name(spec.name) or k8s_name(key) or "component"
        unique, n = stem, 2
        while unique in taken:
            unique, n = f"{stem}-{n}", n + 1
        taken.add(unique)
        files[key] = {"yaml": f"{COMPONENTS}/{unique}.yaml"}
        if spec.kind == "container" and python_source_of(spec):
            files[key]["python"] = f"{COMPONENTS}/{unique}.py"
    return files


def bundle_entries(graph: PipelineGraph, *, render: bool = True) -> list[tuple[str, bytes]]:
    """The bundle's files in archive order. Compiles the document (raises CompileError)."""
    from workbench.compiler.compile import compile_graph
    from workbench.compiler.export_python import python_source_of
    from workbench.model.serialize import to_json
    from workbench.share.picture import render_png

    document = to_json(graph)
    entries = [(PIPELINE, compile_graph(graph).encode("utf-8")), (DOCUMENT, document.encode("utf-8"))]
    names = _component_files(graph)
    for key in sorted(graph.components):
        spec = graph.components[key]
        entries.append((names[key]["yaml"], spec.to_ir_text().encode("utf-8")))
        if "python" in names[key]:
            source, _packages = python_source_of(spec)
            entries.append((names[key]["python"], source.encode("utf-8")))
    png = render_png(document) if render else None
    entries.append((README, readme(graph, files=names, picture=PICTURE if png else None).encode("utf-8")))
    if png:
        entries.append((PICTURE, png))
    entries.append((manifest_.NAME, manifest_.build(entries, document=DOCUMENT, pipeline=PIPELINE)))
    return entries


def export_bundle(document: PipelineGraph | str | Path, output: str | Path, *, render: bool = True) -> Path:
    """Write the bundle zip atomically; the same document gives the same bytes."""
    import io

    from workbench.model.serialize import load

    graph = load(document) if isinstance(document, (str, Path)) else document
    buffer = io.BytesIO()
    write_zip(buffer, bundle_entries(graph, render=render))
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, buffer.getvalue())
    return output


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors/aliases: a bundle never needs them and they enable 'billion laughs'."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases are not allowed in a bundle",
                                              self.peek_event().start_mark)
        return super().compose_node(parent, index)


def _parse(name: str, data: bytes):
    """The parsed content of one file, or ShareError naming it. Only text and PNG are allowed."""
    if name.endswith(".png"):
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ShareError("not a PNG image", element=name)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ShareError("not UTF-8 text", element=name) from None
    if name.endswith((".yaml", ".yml")):
        try:
            return list(yaml.load_all(text, Loader=_NoAliasLoader))
        except yaml.YAMLError as exc:
            raise ShareError(f"invalid YAML ({getattr(exc, 'problem', None) or exc})", element=name) from None
    if name.endswith((".json", ".wbp")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ShareError(f"invalid JSON (line {exc.lineno}: {exc.msg})", element=name) from None
    if name.endswith((".md", ".py")):
        return text
    raise ShareError("unexpected file type in a bundle", element=name)


@dataclass(frozen=True)
class Bundle:
    """A verified bundle held in memory: safe to show, nothing of it has run or been written."""

    source: str
    files: dict[str, bytes]
    manifest_bytes: bytes
    graph: PipelineGraph
    ir: dict

    @property
    def fingerprint(self) -> str:
        return manifest_.sha256(self.manifest_bytes)

    def review(self) -> Review:
        """Everything it would run (compiles the document to compare it with pipeline.yaml)."""
        manifest = manifest_.parse(self.manifest_bytes)
        return review_files(self.graph.name, self.fingerprint, self.files, document=manifest.document,
                            pipeline=manifest.pipeline, graph=self.graph)


def _check_files(files: dict[str, bytes]) -> tuple[bytes, PipelineGraph, dict]:
    from workbench.model.serialize import from_dict

    if manifest_.NAME not in files:
        raise ShareError("no manifest.json: not a Pipeline Workbench bundle", element=manifest_.NAME)
    manifest = manifest_.parse(files[manifest_.NAME])
    manifest_.verify(manifest, files)
    parsed = {name: _parse(name, data) for name, data in files.items()}
    documents = parsed[manifest.pipeline]
    ir = documents[0] if documents else None
    if not isinstance(ir, dict) or "pipelineInfo" not in ir or "root" not in ir:
        raise ShareError("not a compiled KFP pipeline (pipelineInfo, root)", element=manifest.pipeline)
    try:
        graph = from_dict(parsed[manifest.document], path=manifest.document)
    except WorkbenchError as exc:
        raise ShareError(exc.message, element=f"{manifest.document}: {exc.element or 'document'}") from None
    return files[manifest_.NAME], graph, ir


def read_bundle(path: str | Path, limits: Limits = Limits()) -> Bundle:
    """Read and verify a bundle without writing anything (File > Open uses this)."""
    try:
        files = read_zip(path, limits)
        manifest_bytes, graph, ir = _check_files(files)
    except ShareError as exc:
        raise ShareError(exc.message, path=str(path), element=exc.element) from None
    return Bundle(source=str(path), files=files, manifest_bytes=manifest_bytes, graph=graph, ir=ir)


@dataclass(frozen=True)
class ImportResult:
    bundle: Bundle
    folder: Path
    document: Path
    trusted: bool
    already_imported: bool


def _place(files: dict[str, bytes], target: Path) -> None:
    """Write into a fresh temporary folder beside `target`, then rename it into place."""
    created = [parent for parent in target.parents if not parent.exists()]
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".import", dir=target.parent))
    try:
        root = staging.resolve()
        for name in sorted(files):
            destination = (staging / name).resolve()
            if root not in destination.parents:
                raise ShareError("path escapes the folder", element=name)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with open(destination, "xb") as handle:
                handle.write(files[name])
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)  # mkdtemp made it private; the folder is the user's
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()
        if target.exists():
            raise ShareError("the folder already exists and is not empty; choose a new folder", path=str(target))
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for parent in created:  # innermost first; rmdir only removes what is still empty
            with contextlib.suppress(OSError):
                parent.rmdir()
        raise


def read_unpacked(path: Path, name: str, limit: int = Limits.max_file_bytes, *, head: bool = False) -> bytes:
    """One file of an unpacked bundle folder (unzipped by hand, it may hold links, FIFOs and devices):
    a regular file of at most `limit` bytes (with `head`, its first `limit` bytes), else ShareError
    naming it; never blocks on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ShareError(f"cannot be read ({exc.strerror or exc})", element=name) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ShareError("is not a regular file", element=name)
        data = handle.read(limit if head else limit + 1)
    if len(data) > limit:
        raise ShareError(f"is larger than {limit} bytes, the most a bundle file may hold", element=name)
    return data


def _folder_files(folder: Path) -> dict[str, bytes]:
    """The manifest and the files it lists, read from an unpacked bundle folder; ShareError naming
    the first file that is missing or differs."""
    try:
        raw = read_unpacked(folder / manifest_.NAME, manifest_.NAME)
    except ShareError as exc:
        raise ShareError(f"not a bundle folder ({exc.message})", path=str(folder), element=manifest_.NAME) from None
    manifest = manifest_.parse(raw)
    files = {manifest_.NAME: raw}
    for name in manifest.files:
        check_name(name)
        files[name] = read_unpacked(folder / name, name)
    manifest_.verify(manifest, {n: d for n, d in files.items() if n != manifest_.NAME})
    return files


def verify_folder(folder: str | Path) -> str | None:
    """The fingerprint of an imported bundle folder whose files still match its manifest, else None."""
    try:
        return manifest_.sha256(_folder_files(Path(folder))[manifest_.NAME])
    except ShareError:
        return None


def read_folder(folder: str | Path) -> Bundle:
    """An unpacked bundle folder read and verified like a zip (what `workbench trust DIR` reviews);
    ShareError when a file changed since it was imported."""
    folder = Path(folder)
    try:
        files = _folder_files(folder)
    except ShareError as exc:
        raise ShareError(f"{exc.message}; the folder changed since it was imported: import the bundle again",
                         path=str(folder), element=exc.element) from None
    try:
        manifest_bytes, graph, ir = _check_files(files)
    except ShareError as exc:
        raise ShareError(exc.message, path=str(folder), element=exc.element) from None
    return Bundle(source=str(folder), files=files, manifest_bytes=manifest_bytes, graph=graph, ir=ir)


def import_bundle(path: str | Path, target: str | Path, *, trust: bool = False,
                  store: TrustStore | None = None, limits: Limits = Limits()) -> ImportResult:
    """Verify the bundle, unpack it into `target` (new or empty) and, with `trust`, record the approval.
    Importing the identical bundle into a folder that already holds it only updates the approval."""
    bundle = read_bundle(path, limits)
    target = Path(target).absolute()
    store = store or TrustStore()
    already = verify_folder(target) == bundle.fingerprint
    if not already:
        try:
            _place(bundle.files, target)
        except OSError as exc:
            raise ShareError(f"cannot write the folder ({exc.strerror or exc}); nothing was imported",
                             path=str(target)) from None
    store.record_import(target, bundle.fingerprint)
    if trust:
        store.approve(bundle.fingerprint, bundle.graph.name)
    return ImportResult(bundle=bundle, folder=target, document=target / DOCUMENT,
                        trusted=store.is_trusted(bundle.fingerprint), already_imported=already)
