"""What a task's Kubernetes executor config becomes in a local Docker container.

Secrets and config maps come from the local store (store.py) as environment variables or as
read-only files; the files are written into a private folder (0700, on the host's tmpfs
/dev/shm when there is one, so secret values never reach a disk) and bind-mounted read-only,
then removed when the task ends. Keys are checked before they name a file, so a key like
`../x` can never write outside that folder. PVCs are named Docker volumes; emptyDir with medium
Memory is a tmpfs of its size limit, other emptyDirs and generic ephemeral volumes a fresh host
folder per task. Scheduling hints (node selector, affinity, tolerations, image pull secrets and
policy, shared memory) are warnings. kfp-kubernetes 2.17 has no init containers to run.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from workbench.errors import RunError
from workbench.runs.backend import PodVolume
from workbench.runs.local_k8s import store

HINTS = {
    "nodeSelector": "node selector",
    "nodeAffinity": "node affinity",
    "podAffinity": "pod affinity",
    "tolerations": "tolerations",
    "imagePullSecret": "image pull secrets",
    "imagePullPolicy": "image pull policy",
    "enabledSharedMemory": "shared memory size",
}
ENV_ONLY = {"fieldPathAsEnv", "podMetadata", *HINTS}
"""What any backend can honour; everything else needs Docker (optional secrets and config maps
are skipped elsewhere)."""
STORE_ENTRIES = {"secretAsEnv": "secret", "secretAsVolume": "secret",
                 "configMapAsEnv": "config map", "configMapAsVolume": "config map"}
_SIZE_UNITS = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
               "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}

_QUANTITY = re.compile(r"^(\d+(?:\.\d+)?)(|k|M|G|T|Ki|Mi|Gi|Ti)$")

NameResolver = Callable[[dict[str, Any]], Any]
"""Value of an IR parameter spec (constant, pipeline input or upstream output) in the task's scope."""


@dataclass(frozen=True)
class PodIdentity:
    pod_name: str
    run_name: str
    run_id: str


@dataclass
class PodSetup:
    env: dict[str, str] = field(default_factory=dict)
    volumes: list[PodVolume] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    secret_values: set[str] = field(default_factory=set)
    user: str | None = None
    deadline_s: float | None = None
    host_folders: list[Path] = field(default_factory=list)
    """Private folders made for this task; `release()` removes them."""

    def release(self) -> None:
        for folder in self.host_folders:
            shutil.rmtree(folder, ignore_errors=True)
        self.host_folders.clear()


def needs_docker(config: dict[str, Any]) -> list[str]:
    """The features of `config` only the Docker backend can provide, by IR name."""
    return sorted(key for key, value in config.items() if key not in ENV_ONLY
                  and not (key in STORE_ENTRIES and all(entry.get("optional") for entry in value)))


def prepare(config: dict[str, Any], identity: PodIdentity, resolve: NameResolver,
            volume_exists: Callable[[str], bool], docker: bool = True) -> PodSetup:
    """Raise RunError naming the feature and the name when a task cannot get what it asks for.
    Without `docker`, `config` holds only what needs_docker allows: optional secrets and config
    maps are then skipped."""
    setup = PodSetup()
    if not docker:
        for key in STORE_ENTRIES:
            if config.get(key):
                setup.warnings.append(f"skipping optional {key} (it needs the Docker backend)")
        config = {key: value for key, value in config.items() if key not in STORE_ENTRIES}
    try:
        _check_mount_paths(config)
        metadata = config.get("podMetadata", {})
        for key, value in (metadata.get("labels") or {}).items():
            setup.labels[f"workbench.pod-label.{key}"] = str(value)
        for key, value in (metadata.get("annotations") or {}).items():
            setup.labels[f"workbench.pod-annotation.{key}"] = str(value)
        for key, what in HINTS.items():
            if config.get(key):
                setup.warnings.append(f"ignoring {what} (Kubernetes scheduling only)")
        for entry in config.get("secretAsEnv", []):
            _as_env(setup, "secret", entry, resolve, secret=True)
        for entry in config.get("configMapAsEnv", []):
            _as_env(setup, "config map", entry, resolve, secret=False)
        for entry in config.get("secretAsVolume", []):
            _as_volume(setup, "secret", entry, resolve, secret=True)
        for entry in config.get("configMapAsVolume", []):
            _as_volume(setup, "config map", entry, resolve, secret=False)
        for entry in config.get("pvcMount", []):
            _pvc(setup, entry, resolve, volume_exists)
        for entry in config.get("emptyDirMounts", []):
            if entry.get("medium") == "Memory":
                setup.volumes.append(PodVolume("tmpfs", entry["mountPath"],
                                               size_bytes=_bytes(entry.get("sizeLimit"))))
            else:
                setup.volumes.append(_scratch(setup, entry["mountPath"]))
        for entry in config.get("genericEphemeralVolume", []):
            setup.volumes.append(_scratch(setup, entry["mountPath"]))
        for entry in config.get("fieldPathAsEnv", []):
            setup.env[entry["name"]] = _field(entry.get("fieldPath", ""), identity, metadata)
        _security(setup, config.get("securityContext", {}))
        if config.get("activeDeadlineSeconds"):
            setup.deadline_s = float(_whole_number("activeDeadlineSeconds", config["activeDeadlineSeconds"]))
    except BaseException:
        setup.release()
        raise
    return setup


def _check_mount_paths(config: dict[str, Any]) -> None:
    seen: set[str] = set()
    for key in ("secretAsVolume", "configMapAsVolume", "pvcMount", "emptyDirMounts", "genericEphemeralVolume"):
        for entry in config.get(key, []):
            path = str(entry.get("mountPath", ""))
            if not path.startswith("/") or posixpath.normpath(path) in ("/", "//"):
                raise RunError(f"{key}: mount path {path!r} must be an absolute path below '/'")
            normal = posixpath.normpath(path)
            if normal in seen:
                raise RunError(f"{key}: mount path {path!r} is used twice; give each volume its own")
            seen.add(normal)


def _name(kind: str, entry: dict[str, Any], resolve: NameResolver, legacy: str, parameter: str) -> str | None:
    """None for an optional entry whose name is not set (an optional pipeline input left unset)."""
    value = resolve(entry[parameter]) if parameter in entry else entry.get(legacy)
    if value in (None, "") and entry.get("optional"):
        return None
    if not isinstance(value, str) or not value:
        raise RunError(f"{kind} name is not set (got {value!r})")
    return store.check_name(kind, value)


def _lookup(kind: str, name: str, optional: bool) -> dict[str, str] | None:
    data = store.get_secret(name) if kind == "secret" else store.get_config_map(name)
    if data is None and not optional:
        command = "secrets" if kind == "secret" else "configmaps"
        raise RunError(f"{kind} {name!r} does not exist locally; create it with "
                       f"`workbench {command} set {name} KEY=VALUE`, or mark it optional")
    return data


def _as_env(setup: PodSetup, kind: str, entry: dict[str, Any], resolve: NameResolver, secret: bool) -> None:
    prefix = "secret" if secret else "configMap"
    name = _name(kind, entry, resolve, f"{prefix}Name", f"{prefix}NameParameter")
    optional = bool(entry.get("optional"))
    data = _lookup(kind, name, optional) if name else None
    if data is None:
        setup.warnings.append(f"optional {kind} {name or '(no name given)'} is not available locally; its variables are not set")
        return
    for mapping in entry.get("keyToEnv", []):
        key = mapping.get("secretKey" if secret else "configMapKey", "")
        if key not in data:
            if optional:
                continue
            raise RunError(f"{kind} {name!r} has no key {key!r} (keys: {', '.join(sorted(data)) or 'none'})")
        setup.env[mapping["envVar"]] = data[key]
        if secret:
            setup.secret_values.add(data[key])


def _as_volume(setup: PodSetup, kind: str, entry: dict[str, Any], resolve: NameResolver, secret: bool) -> None:
    prefix = "secret" if secret else "configMap"
    name = _name(kind, entry, resolve, f"{prefix}Name", f"{prefix}NameParameter")
    data = _lookup(kind, name, bool(entry.get("optional"))) if name else None
    if data is None:
        setup.warnings.append(f"optional {kind} {name or '(no name given)'} is not available locally; {entry['mountPath']} is empty")
        data = {}
    folder = _private_folder(setup, in_memory=secret)
    for key, value in data.items():
        store.check_key(kind, name, key)  # a file name, never a path
        file = folder / key
        file.write_text(value, encoding="utf-8")
        file.chmod(0o444)
        if secret:
            setup.secret_values.add(value)
    setup.volumes.append(PodVolume("bind", entry["mountPath"], str(folder), read_only=True))


def _private_folder(setup: PodSetup, in_memory: bool) -> Path:
    """A 0700 folder only this user can enter, holding a 0755 folder a container user can read."""
    base = "/dev/shm" if in_memory and os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    outer = Path(tempfile.mkdtemp(prefix="workbench-pod-", dir=base))
    setup.host_folders.append(outer)
    inner = outer / "volume"
    inner.mkdir()
    inner.chmod(0o755)
    return inner


def _scratch(setup: PodSetup, target: str) -> PodVolume:
    folder = _private_folder(setup, in_memory=False)
    folder.chmod(0o777)  # like an emptyDir: writable whatever user the container runs as
    return PodVolume("bind", target, str(folder))


def _pvc(setup: PodSetup, entry: dict[str, Any], resolve: NameResolver,
         volume_exists: Callable[[str], bool]) -> None:
    if entry.get("subPath"):
        raise RunError(f"PVC mount at {entry['mountPath']}: subPath is not available locally")
    if "pvcNameParameter" in entry:
        name = resolve(entry["pvcNameParameter"])
    elif "constant" in entry:
        name = entry["constant"]
    else:
        name = resolve({k: v for k, v in entry.items() if k in ("taskOutputParameter", "componentInputParameter")})
    if not name:
        raise RunError(f"PVC mount at {entry['mountPath']}: the PVC name is not set")
    name = store.check_name("PVC", str(name))
    if not volume_exists(name):
        raise RunError(f"PVC {name!r} does not exist locally (no Docker volume of that name); create it "
                       "with a CreatePVC task or `docker volume create`")
    setup.volumes.append(PodVolume("volume", entry["mountPath"], name))


def _field(path: str, identity: PodIdentity, metadata: dict[str, Any]) -> str:
    fixed = {"metadata.name": identity.pod_name, "metadata.namespace": "local",
             "metadata.uid": identity.run_id, "spec.nodeName": "localhost",
             "spec.serviceAccountName": "default", "status.podIP": "127.0.0.1",
             "status.hostIP": "127.0.0.1", "status.podIPs": "127.0.0.1", "status.hostIPs": "127.0.0.1"}
    if path in fixed:
        return fixed[path]
    for kind in ("labels", "annotations"):
        head = f"metadata.{kind}['"
        if path.startswith(head) and path.endswith("']"):
            return str((metadata.get(kind) or {}).get(path[len(head):-2], ""))
    raise RunError(f"pod field {path!r} as environment is not available locally "
                   f"(known: {', '.join(sorted(fixed))}, metadata.labels['KEY'], metadata.annotations['KEY'])")


def _security(setup: PodSetup, context: dict[str, Any]) -> None:
    user, group = context.get("runAsUser"), context.get("runAsGroup")
    if context.get("runAsNonRoot") and str(user) == "0":
        raise RunError("security context asks for runAsNonRoot but runAsUser is 0")
    if user is not None:
        uid = _whole_number("runAsUser", user)
        setup.user = f"{uid}:{_whole_number('runAsGroup', group)}" if group is not None else str(uid)
    elif group is not None:
        setup.warnings.append("ignoring runAsGroup without runAsUser (the host user's group is used)")


def _whole_number(field: str, value: Any) -> int:
    text = str(value).strip()
    if not text.isdigit():
        raise RunError(f"{field} {value!r} is not a whole number")
    return int(text)


def _bytes(size: Any) -> int | None:
    if size in (None, ""):
        return None
    match = _QUANTITY.match(str(size).strip())
    if not match:
        raise RunError(f"emptyDir size limit {size!r} is not a Kubernetes quantity (e.g. 64Mi)")
    size_bytes = float(match.group(1)) * _SIZE_UNITS[match.group(2)]
    if not size_bytes < 2**63:  # also inf: int() of it raised OverflowError
        raise RunError(f"emptyDir size limit {size!r} is larger than any memory")
    return int(size_bytes)
