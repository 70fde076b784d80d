"""Library load and search times for 5,000 assets, against reading every version's meta.json (no index).

    .venv/bin/python tests/bench/bench_library.py [--assets N] [--versions N]

Builds a team folder of N assets (components and pipelines, a few versions each) in a temporary
directory, then measures: opening the library (reading index.json), searching (cold and warm),
one publish into the full library, and the alternative without an index (scanning the meta files).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

WORDS = ("train", "evaluate", "deploy", "feature", "clean", "split", "score", "report", "tune", "export",
         "image", "text", "tabular", "forecast", "anomaly", "vision", "speech", "graph", "batch", "stream")


def populate(root: Path, assets: int, versions: int) -> None:
    """Write meta.json files the way publishing does, then build the index once."""
    from workbench.share.index import FolderIndex

    for i in range(assets):
        kind = "pipeline" if i % 5 == 0 else "component"
        name = f"{WORDS[i % 20]}-{WORDS[(i // 20) % 20]}-{i}"
        for v in range(versions):
            version = f"1.0.{v}"
            folder = root / "assets" / kind / name / version
            folder.mkdir(parents=True)
            meta = {"asset_id": f"{kind}/{name}", "kind": kind, "name": name, "version": version,
                    "description": f"{WORDS[(i * 7) % 20]} {WORDS[(i * 3) % 20]} step number {i}",
                    "inputs": [{"name": f"in_{k}", "type": "String", "default": None, "optional": False,
                                "description": ""} for k in range(4)],
                    "outputs": [{"name": "out", "type": "system.Dataset", "default": None, "optional": False,
                                 "description": ""}],
                    "example": None, "file": "component.yaml", "published_by": "bench",
                    "published_at": "2026-01-01T00:00:00Z", "scope": "team", "sha256": "0" * 64}
            (folder / "meta.json").write_text(json.dumps(meta))
    FolderIndex(root).rebuild()


def timed(function, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=5000)
    parser.add_argument("--versions", type=int, default=3)
    args = parser.parse_args()

    from workbench.share.index import FolderIndex
    from workbench.share.library import FolderStore, Library

    with tempfile.TemporaryDirectory(prefix="wb-bench-library-") as tmp:
        root = Path(tmp) / "team"
        start = time.perf_counter()
        populate(root, args.assets, args.versions)
        print(f"{args.assets} assets x {args.versions} versions written in {time.perf_counter() - start:.1f} s; "
              f"index.json {(root / 'index.json').stat().st_size / 1e6:.1f} MB")

        def open_and_search():
            Library([FolderStore("team", root, writable=True)]).search("train feature")

        library = Library([FolderStore("team", root, writable=True)])
        library.search("")
        load = timed(open_and_search)
        queries = ("train", "deploy vision", "step number 4321", "no-such-word", "")
        warm = {q: timed(lambda q=q: library.search(q), repeat=20) for q in queries}
        scan = timed(lambda: FolderIndex(root).rebuild(write=False), repeat=3)
        spec_path = Path(__file__).resolve().parents[2] / "resources" / "components" / "training" / "train_model.yaml"
        start = time.perf_counter()
        library.publish(spec_path, "team")
        publish = time.perf_counter() - start
        hits = len(library.search("train"))

    print(f"open + first search (index):    {load * 1000:8.1f} ms")
    print(f"open without index (scan meta): {scan * 1000:8.1f} ms   ratio scan/index: {scan / load:5.1f}x")
    for query, seconds in warm.items():
        print(f"search {query!r:22} warm:  {seconds * 1000:8.2f} ms")
    print(f"publish one version into the full library: {publish * 1000:.1f} ms ({hits} hits for 'train' after)")


if __name__ == "__main__":
    main()
