"""What this machine can honour of a task's executor and Kubernetes platform spec.

Features that change what a task computes (volumes, secrets, config maps, cloud services) fail
the task with a message naming the feature; scheduling hints (node selectors, pod labels) are
ignored with a warning. Pod labels and annotations are emulated for `fieldPathAsEnv`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from workbench.runs.engine.vertex_only import vertex_only_reason

_IGNORED_HINTS = {
    "podMetadata": "pod labels and annotations",
    "nodeSelector": "node selector",
    "nodeAffinity": "node affinity",
    "tolerations": "tolerations",
    "imagePullSecret": "image pull secret",
    "imagePullPolicy": "image pull policy",
    "activeDeadlineSeconds": "active deadline",
    "enabledSharedMemory": "shared memory size",
}
_OPTIONAL_WHEN_FLAGGED = {
    "secretAsEnv": "Kubernetes secret as environment",
    "secretAsVolume": "Kubernetes secret volume",
    "configMapAsEnv": "Kubernetes config map as environment",
    "configMapAsVolume": "Kubernetes config map volume",
}
_UNSUPPORTED = {
    "pvcMount": "Kubernetes persistent volume (PVC) mount",
    "genericEphemeralVolume": "Kubernetes generic ephemeral volume",
    "emptyDirMounts": "Kubernetes emptyDir volume",
}
_POD_FIELD = re.compile(r"^metadata\.(labels|annotations)\['([^']*)'\]$")
_VOLUME_STUB_IMAGES = {"argostub/createpvc": "CreatePVC", "argostub/deletepvc": "DeletePVC"}


@dataclass
class LocalSupport:
    unsupported: str = ""
    warnings: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)


def check_executor(executor: dict[str, Any] | None, kubernetes: dict[str, Any]) -> LocalSupport:
    """Decide for one executor and its `platforms.kubernetes` executor config."""
    if executor is None:
        return LocalSupport(unsupported="task has no executor")
    kinds = sorted(executor)
    if "container" not in executor and "importer" not in executor:
        return LocalSupport(unsupported=f"executor kind {', '.join(kinds)} (a cloud service) "
                                        "cannot run locally")
    support = LocalSupport()
    image = executor.get("container", {}).get("image", "")
    vertex_only = vertex_only_reason(executor)
    if vertex_only:
        support.unsupported = vertex_only
    elif image in _VOLUME_STUB_IMAGES:
        support.unsupported = f"Kubernetes volume operation {_VOLUME_STUB_IMAGES[image]} needs a cluster"
    for key, value in kubernetes.items():
        if support.unsupported:
            break
        if key in _IGNORED_HINTS:
            support.warnings.append(f"ignoring {_IGNORED_HINTS[key]} (Kubernetes only)")
        elif key in _OPTIONAL_WHEN_FLAGGED:
            if all(entry.get("optional") for entry in value):
                support.warnings.append(f"skipping optional {_OPTIONAL_WHEN_FLAGGED[key]}")
            else:
                support.unsupported = f"{_OPTIONAL_WHEN_FLAGGED[key]} is not available locally"
        elif key == "fieldPathAsEnv":
            _emulate_pod_fields(value, kubernetes.get("podMetadata", {}), support)
        else:
            support.unsupported = f"{_UNSUPPORTED.get(key, f'Kubernetes feature {key!r}')} is not available locally"
    return support


def _emulate_pod_fields(entries: list[dict[str, Any]], pod_metadata: dict[str, Any],
                        support: LocalSupport) -> None:
    for entry in entries:
        match = _POD_FIELD.match(entry.get("fieldPath", ""))
        if not match:
            support.unsupported = (f"Kubernetes pod field {entry.get('fieldPath')!r} as environment "
                                   "is not available locally")
            return
        support.env[entry["name"]] = str(pod_metadata.get(match.group(1), {}).get(match.group(2), ""))
