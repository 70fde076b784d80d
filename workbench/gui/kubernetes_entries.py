"""What the inspector's Kubernetes section edits, and how an edit changes a `KubernetesConfig`.

Each list in kfp-kubernetes' executor config (secrets, config maps, PVC mounts, ...) is described
once as a `ListKind` with its fields, so one form serves them all. Edits are pure functions on a
copy of the config: a name is either a constant (written as kfp-kubernetes writes it: the plain
field and a `runtimeValue` constant) or a Binding kept in `references`; removing an entry shifts
the references of the entries after it. Qt-free, so the rules are tested without widgets."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from workbench.model.bindings import Binding
from workbench.model.kubernetes import KubernetesConfig, Path, is_dns1123_label, is_dns1123_subdomain

FIELD_PATHS = ("metadata.name", "metadata.namespace", "metadata.uid", "metadata.labels", "metadata.annotations",
               "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.podIP")
"""Pod fields a container may read into its environment (the Downward API)."""


@dataclass(frozen=True)
class Field:
    key: str  # the entry's JSON key
    label: str
    kind: str = "text"  # text | path | label (DNS-1123 label) | choice | bool | pairs
    choices: tuple[str, ...] = ()
    hint: str = ""  # placeholder text (pairs: "left|right")
    pair_keys: tuple[str, str] = ("", "")  # for pairs: the keys of each row's two values


@dataclass(frozen=True)
class NameField:
    """The name of the object an entry refers to: a constant or a parameter / upstream output."""

    label: str
    reference_key: str  # e.g. secretNameParameter
    plain_key: str  # e.g. secretName (pvcMount: constant)


@dataclass(frozen=True)
class ListKind:
    section: str
    title: str
    name: NameField | None
    fields: tuple[Field, ...]


def _env_pairs(key: str) -> Field:
    return Field("keyToEnv", "Keys to env", "pairs", hint="key|ENV_NAME", pair_keys=(key, "envVar"))


LIST_KINDS = (
    ListKind("secretAsEnv", "Secrets as env", NameField("Secret", "secretNameParameter", "secretName"),
             (_env_pairs("secretKey"), Field("optional", "Optional", "bool"))),
    ListKind("secretAsVolume", "Secrets as volume", NameField("Secret", "secretNameParameter", "secretName"),
             (Field("mountPath", "Mount path", "path", hint="/etc/secret"), Field("optional", "Optional", "bool"))),
    ListKind("configMapAsEnv", "Config maps as env",
             NameField("Config map", "configMapNameParameter", "configMapName"),
             (_env_pairs("configMapKey"), Field("optional", "Optional", "bool"))),
    ListKind("configMapAsVolume", "Config maps as volume",
             NameField("Config map", "configMapNameParameter", "configMapName"),
             (Field("mountPath", "Mount path", "path", hint="/etc/config"), Field("optional", "Optional", "bool"))),
    ListKind("pvcMount", "PVC mounts", NameField("PVC", "pvcNameParameter", "constant"),
             (Field("mountPath", "Mount path", "path", hint="/data"),)),
    ListKind("emptyDirMounts", "emptyDir volumes", None,
             (Field("volumeName", "Volume name", "label", hint="scratch"),
              Field("mountPath", "Mount path", "path", hint="/scratch"),
              Field("medium", "Medium", "choice", ("", "Memory")),
              Field("sizeLimit", "Size limit", hint="e.g. 1Gi"))),
    ListKind("fieldPathAsEnv", "Pod fields as env", None,
             (Field("name", "Env name", hint="POD_NAME"), Field("fieldPath", "Field", "choice", FIELD_PATHS))),
    ListKind("tolerations", "Tolerations", None,
             (Field("key", "Key"), Field("operator", "Operator", "choice", ("Equal", "Exists")),
              Field("value", "Value"),
              Field("effect", "Effect", "choice", ("", "NoSchedule", "PreferNoSchedule", "NoExecute")))),
    ListKind("imagePullSecret", "Image pull secrets", NameField("Secret", "secretNameParameter", "secretName"), ()),
)

MAP_KINDS = (("Node selector", ("nodeSelector", "labels")), ("Pod labels", ("podMetadata", "labels")),
             ("Pod annotations", ("podMetadata", "annotations")))
"""Key/value maps: title and where the map sits in the config."""


def new_entry(kind: ListKind) -> dict:
    """A fresh entry as the form shows it (choices at their first value, names empty)."""
    entry: dict = {}
    if kind.name is not None:
        entry[kind.name.reference_key] = {"runtimeValue": {"constant": ""}}
        entry[kind.name.plain_key] = ""
    for field in kind.fields:
        if field.kind == "choice" and field.choices[0]:
            entry[field.key] = field.choices[0]
    return entry


def add_entry(config: KubernetesConfig, kind: ListKind) -> KubernetesConfig:
    changed = copy.deepcopy(config)
    changed.config.setdefault(kind.section, []).append(new_entry(kind))
    return changed


def remove_entry(config: KubernetesConfig, section: str, index: int) -> KubernetesConfig:
    """Without entry `index` of `section`; references of later entries move up one place."""
    changed = copy.deepcopy(config)
    entries = changed.config.get(section, [])
    del entries[index]
    if not entries:
        changed.config.pop(section, None)
    references = {}
    for path, binding in changed.references.items():
        if path[:1] == (section,) and len(path) > 1 and isinstance(path[1], int):
            if path[1] == index:
                continue
            if path[1] > index:
                path = (section, path[1] - 1, *path[2:])
        references[path] = binding
    changed.references = references
    return changed


def set_field(config: KubernetesConfig, path: Path, value) -> KubernetesConfig:
    """`value` at `path` (section, index, key); an empty text or a False flag removes the key."""
    changed = copy.deepcopy(config)
    entry = changed.config[path[0]][path[1]]
    if value in ("", False, None, []):
        entry.pop(path[2], None)
    else:
        entry[path[2]] = value
    return changed


def set_name(config: KubernetesConfig, kind: ListKind, index: int, name: Binding | None) -> KubernetesConfig:
    """The entry's object name: a constant is written in both places kfp-kubernetes writes it;
    a parameter or upstream output becomes a reference (the compiler puts it back)."""
    changed = copy.deepcopy(config)
    entry = changed.config[kind.section][index]
    spec = kind.name
    reference_path = (kind.section, index, spec.reference_key)
    changed.references.pop(reference_path, None)
    changed.references.pop((kind.section, index), None)
    if name is None or name.kind == "constant":
        text = "" if name is None else str(name.value or "")
        entry[spec.reference_key] = {"runtimeValue": {"constant": text}}
        entry[spec.plain_key] = text
    else:
        entry.pop(spec.plain_key, None)
        entry[spec.reference_key] = {}
        changed.references[reference_path] = name
    return changed


def set_map(config: KubernetesConfig, where: tuple[str, str], pairs: list[tuple[str, str]]) -> KubernetesConfig:
    """Replace a key/value map (rows with an empty key are dropped; empty maps disappear)."""
    changed = copy.deepcopy(config)
    outer, inner = where
    holder = changed.config.get(outer)
    if not isinstance(holder, dict):
        holder = changed.config[outer] = {}
    mapping = {key: value for key, value in pairs if key}
    if mapping:
        holder[inner] = mapping
    else:
        holder.pop(inner, None)
    if not holder:
        changed.config.pop(outer, None)
    return changed


def set_scalar(config: KubernetesConfig, path: tuple[str, ...], value: int | None) -> KubernetesConfig:
    """An int64 field (JSON string, as protobuf writes it) at `path`; None removes it."""
    changed = copy.deepcopy(config)
    holder = changed.config
    for key in path[:-1]:
        if not isinstance(holder.get(key), dict):
            holder[key] = {}
        holder = holder[key]
    if value is not None:
        holder[path[-1]] = str(value)
    else:
        holder.pop(path[-1], None)
    if len(path) > 1 and not holder:
        changed.config.pop(path[0], None)
    return changed


def field_problem(config: KubernetesConfig, path: Path, kind: str, value) -> str:
    """Why the value in one field is wrong (shown inline), or ''; the Problems panel says it too."""
    if kind == "path":
        if not str(value).startswith("/"):
            return "The mount path must be absolute (start with /)."
        others = [m.mount_path.rstrip("/") for m in config.mounts() if m.path != tuple(path[:2])]
        if str(value).rstrip("/") in others:
            return "Another volume of this task is mounted at this path."
    if kind == "label" and not is_dns1123_label(str(value)):
        return "A DNS-1123 label: lower-case letters, digits and '-', at most 63."
    if kind == "name" and not is_dns1123_subdomain(str(value)):
        return "A DNS-1123 name: lower-case letters, digits, '-' and '.', at most 253."
    return ""
