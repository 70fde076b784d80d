"""Helpers for the sharing tests: rewrite a bundle with a matching manifest."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "pipelines" / "train_compare_deploy.wbp"


def rebundle(files: list[tuple[str, bytes]], path: Path) -> Path:
    """Write `files` as a bundle with a manifest recomputed to match them (so only the content is wrong)."""
    from workbench.share import manifest
    from workbench.share.safe_zip import write_zip

    files = [(n, d) for n, d in files if n != manifest.NAME]
    raw = manifest.build(files, document="pipeline.wbp", pipeline="pipeline.yaml")
    write_zip(path, files + [(manifest.NAME, raw)])
    return path


def replace(files, name: str, data: bytes) -> list[tuple[str, bytes]]:
    return [(n, data if n == name else d) for n, d in files]
