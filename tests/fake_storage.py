"""A fake of the Cloud Storage JSON API reads (object metadata, listing, media download) on
127.0.0.1, for google-cloud-storage pointed at it with STORAGE_EMULATOR_HOST."""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import unquote

from fake_services import FakeServer


class FakeStorage(FakeServer):
    def __init__(self, objects: dict[str, str]):
        """`objects`: "bucket/name" -> text content."""
        super().__init__()
        self.objects = dict(objects)

    def routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        return [
            ("GET", r"/(?:download/)?storage/v1/b/(?P<bucket>[^/]+)/o/(?P<name>[^/]+)", self.get_object),
            ("GET", r"/storage/v1/b/(?P<bucket>[^/]+)/o", self.list_objects),
        ]

    def _missing(self, what: str) -> tuple[int, Any]:
        return 404, {"error": {"code": 404, "message": f"No such object: {what}", "status": "NOT_FOUND"}}

    def _resource(self, bucket: str, name: str) -> dict[str, Any]:
        content = self.objects[f"{bucket}/{name}"]
        return {"kind": "storage#object", "bucket": bucket, "name": name, "size": str(len(content.encode())),
                "generation": "1", "id": f"{bucket}/{name}/1"}

    def get_object(self, bucket: str, name: str, query: dict[str, list[str]], **_: Any) -> tuple[int, Any]:
        name = unquote(name)
        if f"{bucket}/{name}" not in self.objects:
            return self._missing(f"{bucket}/{name}")
        if query.get("alt") == ["media"]:
            return 200, self.objects[f"{bucket}/{name}"]
        return 200, self._resource(bucket, name)

    def list_objects(self, bucket: str, query: dict[str, list[str]], **_: Any) -> tuple[int, Any]:
        prefix = query.get("prefix", [""])[0]
        names = sorted(key.split("/", 1)[1] for key in self.objects if key.startswith(f"{bucket}/{prefix}"))
        return 200, {"kind": "storage#objects", "items": [self._resource(bucket, name) for name in names]}
