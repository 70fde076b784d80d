"""A task's Kubernetes settings: kfp-kubernetes' `KubernetesExecutorConfig`, kept exactly.

The config is stored as the canonical JSON the IR's platform spec holds (camelCase keys, as
`json_format.MessageToDict` writes them), so a pipeline compiled with any kfp-kubernetes call
comes back unchanged. What kfp-kubernetes compiles from a pipeline parameter, an upstream output
or a loop item (`secret_name=param`, `mount_pvc(pvc_name=create.outputs['name'])`, a toleration
from a parameter) is a reference in the IR (`componentInputParameter` / `taskOutputParameter`,
relative to the task's DAG); the document takes those out of the JSON and keeps them as Bindings
keyed by their JSON path, so they follow renames and count as dependencies like any input.
kfp-free: the compiler puts the references back through kfp-kubernetes.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from workbench.model.bindings import Binding

Path = tuple[str | int, ...]

REFERENCE_KEYS = ("componentInputParameter", "taskOutputParameter")
"""Keys of an IR parameter reference (an InputParameterSpec, or the older `pvcMount` oneof)."""

KNOWN_FIELDS = ("activeDeadlineSeconds", "configMapAsEnv", "configMapAsVolume", "emptyDirMounts",
                "enabledSharedMemory", "fieldPathAsEnv", "genericEphemeralVolume", "imagePullPolicy",
                "imagePullSecret", "nodeAffinity", "nodeSelector", "podAffinity", "podMetadata", "pvcMount",
                "secretAsEnv", "secretAsVolume", "securityContext", "tolerations")
"""The fields of kfp-kubernetes 2.17's KubernetesExecutorConfig (a test checks the proto)."""

_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")

# section -> (what it mounts, the key of its name reference, the older plain-name key)
_VOLUME_SECTIONS = {
    "secretAsVolume": ("secret", "secretNameParameter", "secretName"),
    "configMapAsVolume": ("config map", "configMapNameParameter", "configMapName"),
    "pvcMount": ("PVC", "pvcNameParameter", "constant"),
    "emptyDirMounts": ("emptyDir volume", "", "volumeName"),
    "genericEphemeralVolume": ("ephemeral volume", "", "volumeName"),
}
_ENV_SECTIONS = {
    "secretAsEnv": ("secret", "secretNameParameter", "secretName"),
    "configMapAsEnv": ("config map", "configMapNameParameter", "configMapName"),
}


@dataclass(frozen=True)
class Mount:
    """A volume the task's container sees at `mount_path`."""

    kind: str  # "secret", "config map", "PVC", "emptyDir volume", "ephemeral volume"
    name: Binding | None  # a constant name, or where kfp-kubernetes takes it from at run time
    mount_path: str
    path: Path  # where the entry sits in the config


@dataclass(frozen=True)
class NamedObject:
    """A Kubernetes object the task refers to by name (must be a DNS-1123 subdomain)."""

    kind: str  # "secret", "config map", "PVC", "image pull secret"
    name: Binding | None
    path: Path


@dataclass
class KubernetesConfig:
    config: dict = field(default_factory=dict)
    references: dict[Path, Binding] = field(default_factory=dict)

    # ----- typed access --------------------------------------------------------------------------

    def entries(self, section: str) -> list[dict]:
        value = self.config.get(section)
        return value if isinstance(value, list) else []

    def name_of(self, path: Path, reference_key: str, plain_key: str) -> Binding | None:
        """The name an entry uses: its reference (parameter, output, loop item), the constant in its
        name parameter, or the older plain field."""
        entry = _at(self.config, path)
        if not isinstance(entry, dict):
            return None
        if reference_key and (*path, reference_key) in self.references:
            return self.references[(*path, reference_key)]
        if path in self.references:
            return self.references[path]
        runtime = ((entry.get(reference_key) or {}) if reference_key else {}).get("runtimeValue")
        if isinstance(runtime, dict) and "constant" in runtime:
            return Binding.constant(runtime["constant"])
        return Binding.constant(entry[plain_key]) if plain_key in entry else None

    def mounts(self) -> list[Mount]:
        found = []
        for section, (kind, reference_key, plain_key) in _VOLUME_SECTIONS.items():
            for index, entry in enumerate(self.entries(section)):
                path = (section, index)
                found.append(Mount(kind, self.name_of(path, reference_key, plain_key),
                                   str(entry.get("mountPath", "")) if isinstance(entry, dict) else "", path))
        return found

    def named_objects(self) -> list[NamedObject]:
        found = [NamedObject(m.kind, m.name, m.path) for m in self.mounts()
                 if m.kind in ("secret", "config map", "PVC")]
        for section, (kind, reference_key, plain_key) in _ENV_SECTIONS.items():
            for index in range(len(self.entries(section))):
                path = (section, index)
                found.append(NamedObject(kind, self.name_of(path, reference_key, plain_key), path))
        for index in range(len(self.entries("imagePullSecret"))):
            path = ("imagePullSecret", index)
            found.append(NamedObject("image pull secret", self.name_of(path, "secretNameParameter", "secretName"),
                                     path))
        return found

    @property
    def upstream_nodes(self) -> tuple[str, ...]:
        return tuple(n for binding in self.references.values() for n in binding.upstream_nodes)

    # ----- the .wbp form ---------------------------------------------------------------------------

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"config": self.config}
        if self.references:
            data["references"] = [{"path": list(path), "binding": binding.to_dict()}
                                  for path, binding in sorted(self.references.items(), key=lambda i: str(i[0]))]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "KubernetesConfig":
        if not isinstance(data, dict) or not isinstance(data.get("config", {}), dict):
            raise ValueError("kubernetes must be an object with a `config` object")
        unknown = sorted(set(data["config"]) - set(KNOWN_FIELDS), key=str) if "config" in data else []
        if unknown:
            raise ValueError(f"unknown Kubernetes setting {unknown[0]!r} (known: {', '.join(KNOWN_FIELDS)})")
        references = {}
        for entry in data.get("references", []):
            path = tuple(entry["path"])
            if not path or not all(isinstance(p, (str, int)) and not isinstance(p, bool) for p in path):
                raise ValueError(f"reference path {entry['path']!r} must be a list of keys and indexes")
            references[path] = Binding.from_dict(entry["binding"])
        return cls(config=copy.deepcopy(data.get("config", {})), references=references)


def split_references(config: dict) -> tuple[dict, dict[Path, dict]]:
    """A copy of the IR config with every parameter reference taken out, and those references
    (the `componentInputParameter` / `taskOutputParameter` keys) by path."""
    config = copy.deepcopy(config)
    found: dict[Path, dict] = {}
    for path, value in _dicts(config, ()):
        taken = {key: value.pop(key) for key in REFERENCE_KEYS if key in value}
        if taken:
            found[path] = taken
    return config, found


def join_references(config: dict, references: dict[Path, dict]) -> dict:
    """The config with IR references put back at their paths (the inverse of `split_references`)."""
    config = copy.deepcopy(config)
    for path, reference in references.items():
        site = _at(config, path)
        if not isinstance(site, dict):
            raise KeyError("/".join(map(str, path)))
        site.update(reference)
    return config


def is_dns1123_subdomain(name: str) -> bool:
    return len(name) <= 253 and bool(_DNS1123_SUBDOMAIN.match(name))


def is_dns1123_label(name: str) -> bool:
    return len(name) <= 63 and bool(_DNS1123_LABEL.match(name))


def _dicts(value: Any, path: Path) -> Iterator[tuple[Path, dict]]:
    if isinstance(value, dict):
        yield path, value
        for key, inner in value.items():
            yield from _dicts(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _dicts(inner, (*path, index))


def _at(value: Any, path: Path) -> Any:
    for key in path:
        if isinstance(value, dict) and isinstance(key, str):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            return None
    return value
