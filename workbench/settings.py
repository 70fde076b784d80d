"""User settings that outlive a session: named remote targets (Vertex AI, Kubeflow Pipelines clusters).

One JSON file with a schema version in the user config dir (`WORKBENCH_CONFIG_DIR` overrides it, so
tests never touch a user's settings), written atomically. Secrets are never stored here: a KFP
target only records which kind of secret it uses; the secret itself lives in the system keyring
(see `workbench.runs.remote.secrets`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Union

from workbench.atomic import write_atomic
from workbench.errors import WorkbenchError

APP_NAME = "pipeline-workbench"
SCHEMA_VERSION = 1
KFP_AUTH_KINDS = ("none", "token", "cookie")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class SettingsError(WorkbenchError):
    """The settings file or a target in it is invalid."""


@dataclass(frozen=True)
class VertexTarget:
    """Vertex AI Pipelines in one project and region."""

    kind: ClassVar[str] = "vertex"
    name: str = "vertex"
    project: str = ""
    region: str = "us-central1"
    pipeline_root: str = ""
    service_account: str = ""
    network: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    experiment: str = ""
    enable_caching: bool | None = None
    api_endpoint: str = ""

    def problems(self) -> list[str]:
        found = [] if self.project else ["a project is required (--project)"]
        if not self.region:
            found.append("a region is required (--region)")
        if self.pipeline_root and not self.pipeline_root.startswith("gs://"):
            found.append(f"the pipeline root must be a gs:// URI, not {self.pipeline_root!r}")
        return found


@dataclass(frozen=True)
class KfpTarget:
    """A Kubeflow Pipelines cluster reached at `host`; `auth` names the kind of secret it needs."""

    kind: ClassVar[str] = "kfp"
    name: str = "kfp"
    host: str = ""
    namespace: str = ""
    experiment: str = ""
    auth: str = "none"
    pipeline_root: str = ""
    service_account: str = ""
    enable_caching: bool | None = None

    def problems(self) -> list[str]:
        found = [] if self.host.startswith(("http://", "https://")) else [
            f"the host must be an http:// or https:// URL (--host), not {self.host!r}"]
        if self.auth not in KFP_AUTH_KINDS:
            found.append(f"auth must be one of {', '.join(KFP_AUTH_KINDS)}, not {self.auth!r}")
        return found


Target = Union[VertexTarget, KfpTarget]
TARGET_CLASSES: dict[str, type] = {"vertex": VertexTarget, "kfp": KfpTarget}


@dataclass(frozen=True)
class Settings:
    targets: dict[str, Target] = field(default_factory=dict)
    team_dir: str = ""  # the Team library folder; '' falls back to WORKBENCH_TEAM_DIR
    catalog_dirs: tuple[str, ...] = ()  # read-only Public catalog folders; () falls back to WORKBENCH_CATALOG_DIRS
    gcs_mirrors: tuple[str, ...] = ()  # gs://BUCKET/PREFIX=DIR local copies read by local runs (+ WORKBENCH_GCS_MIRROR)

    def target(self, name: str) -> Target:
        try:
            return self.targets[name]
        except KeyError:
            known = ", ".join(sorted(self.targets)) or "none saved"
            raise SettingsError(f"no target named {name!r} (known: {known}); "
                                "`workbench targets add` saves one") from None

    def with_target(self, target: Target) -> Settings:
        return dataclasses.replace(self, targets={**self.targets, target.name: target})

    def without_target(self, name: str) -> Settings:
        self.target(name)
        return dataclasses.replace(self, targets={key: value for key, value in self.targets.items() if key != name})


def config_dir() -> Path:
    override = os.environ.get("WORKBENCH_CONFIG_DIR")
    if override:
        return Path(override).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    return config_dir() / "settings.json"


def target_to_dict(target: Target) -> dict[str, Any]:
    return {"kind": target.kind, **dataclasses.asdict(target)}


def target_from_dict(data: dict[str, Any], source: str = "settings") -> Target:
    """Build a target, rejecting unknown kinds and fields with a message naming them."""
    data = dict(data)
    kind = data.pop("kind", None)
    cls = TARGET_CLASSES.get(kind)
    name = str(data.get("name", "?"))
    if cls is None:
        raise SettingsError(f"unknown target kind {kind!r} (expected vertex or kfp)", path=source, element=name)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(f"unknown field(s) {', '.join(unknown)}", path=source, element=name)
    target = cls(**data)
    if not _NAME.match(target.name):
        raise SettingsError("a target name uses letters, digits, '.', '_' and '-'", path=source, element=name)
    return target


def override(target: Target, **values: Any) -> Target:
    """The target with every given value that is not None put in place (command-line flags)."""
    known = {f.name for f in dataclasses.fields(target)}
    return dataclasses.replace(target, **{k: v for k, v in values.items() if v is not None and k in known})


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SettingsError(f"cannot read the settings ({exc})", path=str(path)) from None
    version = payload.get("schema_version") if isinstance(payload, dict) else None
    if not isinstance(version, int):
        raise SettingsError("not a workbench settings file (no schema_version)", path=str(path))
    if version > SCHEMA_VERSION:
        raise SettingsError(f"written by a newer workbench (schema {version}); upgrade workbench", path=str(path))
    targets = [target_from_dict(item, str(path)) for item in payload.get("targets", [])]
    library = payload.get("library") if isinstance(payload.get("library"), dict) else {}
    runs = payload.get("runs") if isinstance(payload.get("runs"), dict) else {}
    mirrors = runs.get("gcs_mirrors") or []
    if not isinstance(mirrors, list) or not all(isinstance(m, str) for m in mirrors):
        raise SettingsError("gcs_mirrors must be a list of gs://BUCKET/PREFIX=DIR texts", path=str(path),
                            element="runs.gcs_mirrors")
    return Settings({target.name: target for target in targets}, team_dir=str(library.get("team_dir") or ""),
                    catalog_dirs=tuple(str(d) for d in library.get("catalog_dirs") or () if d),
                    gcs_mirrors=tuple(mirrors))


def save_settings(settings: Settings, path: Path | None = None) -> None:
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"schema_version": SCHEMA_VERSION,
               "library": {"catalog_dirs": list(settings.catalog_dirs), "team_dir": settings.team_dir},
               "runs": {"gcs_mirrors": list(settings.gcs_mirrors)},
               "targets": [target_to_dict(settings.targets[name]) for name in sorted(settings.targets)]}
    write_atomic(path, json.dumps(payload, indent=2, sort_keys=True) + "\n")
