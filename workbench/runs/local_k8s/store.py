"""Local Kubernetes secrets (in the system keyring) and config maps (in the data dir).

A secret's keys and values live in one keyring entry per secret, as JSON; the keyring cannot list
its entries, so the secret names (never values) are kept in `kubernetes/secret-names.json` in the
data dir. Config maps are plain JSON files in `kubernetes/configmaps/`. Names follow DNS-1123 and
keys the Kubernetes key rule, so that a key can name a file in a volume and never a path.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from workbench.errors import RunError
from workbench.runs.paths import data_dir

SERVICE = "pipeline-workbench"
NAME_RULE = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
KEY_RULE = re.compile(r"^[-._a-zA-Z0-9]{1,253}$")
_NO_KEYRING = "no system keyring is available here ({reason}); local Kubernetes secrets need one"


def check_name(kind: str, name: str) -> str:
    if not NAME_RULE.match(name or ""):
        raise RunError(f"{kind} name {name!r} is not a DNS-1123 name: use lower-case letters, digits, "
                       "'-' and '.', starting and ending with a letter or digit", element=name)
    return name


def check_key(kind: str, name: str, key: str) -> str:
    """A key becomes a file name in a volume mount: no '/', never '.' or '..'."""
    if not KEY_RULE.match(key or "") or key in (".", ".."):
        raise RunError(f"{kind} {name!r}: key {key!r} is not allowed: use letters, digits, '-', '_' and "
                       "'.' (not '.' or '..' alone)", element=name)
    return key


def parse_pairs(kind: str, name: str, pairs: list[str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise RunError(f"{kind} {name!r}: {pair!r} is not KEY=VALUE", element=name)
        data[check_key(kind, name, key)] = value
    return data


def _folder() -> Path:
    return data_dir() / "kubernetes"


def _write_json(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(value, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def _read_json(path: Path, default: object) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
    except (OSError, ValueError) as exc:
        raise RunError(f"cannot read ({exc}); delete the file and set the entries again", path=str(path)) from None


# -- secrets -------------------------------------------------------------------------------------
def _names_file() -> Path:
    return _folder() / "secret-names.json"


def secret_names() -> list[str]:
    names = _read_json(_names_file(), [])
    return sorted(n for n in names if isinstance(n, str)) if isinstance(names, list) else []


def set_secret(name: str, data: dict[str, str]) -> None:
    import keyring
    from keyring.errors import KeyringError

    check_name("secret", name)
    try:
        keyring.set_password(SERVICE, f"k8s-secret:{name}", json.dumps(data))
    except KeyringError as exc:
        raise RunError(_NO_KEYRING.format(reason=type(exc).__name__), element=name) from None
    _write_json(_names_file(), sorted(set(secret_names()) | {name}))


def get_secret(name: str) -> dict[str, str] | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        text = keyring.get_password(SERVICE, f"k8s-secret:{name}")
    except KeyringError:
        return None
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else None


def delete_secret(name: str) -> bool:
    import keyring
    from keyring.errors import KeyringError

    known = name in secret_names()
    try:
        keyring.delete_password(SERVICE, f"k8s-secret:{name}")
        known = True
    except KeyringError:
        pass
    _write_json(_names_file(), [n for n in secret_names() if n != name])
    return known


# -- config maps ---------------------------------------------------------------------------------
def _config_map_file(name: str) -> Path:
    return _folder() / "configmaps" / f"{check_name('config map', name)}.json"


def set_config_map(name: str, data: dict[str, str]) -> None:
    _write_json(_config_map_file(name), data)


def get_config_map(name: str) -> dict[str, str] | None:
    data = _read_json(_config_map_file(name), None)
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else None


def config_map_names() -> list[str]:
    folder = _folder() / "configmaps"
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


def delete_config_map(name: str) -> bool:
    path = _config_map_file(name)
    if not path.exists():
        return False
    path.unlink()
    return True
