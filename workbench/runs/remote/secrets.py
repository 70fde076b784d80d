"""KFP tokens and cookies: kept in the system keyring, never in settings, documents, bundles or logs.

Where no keyring backend works (a headless Linux box without a Secret Service), saving fails with
a message that says so, and `WORKBENCH_KFP_TOKEN` supplies the secret instead; when set, that
variable wins over the keyring.
"""

from __future__ import annotations

import os

from workbench.errors import RunError

SERVICE = "pipeline-workbench"
TOKEN_ENV = "WORKBENCH_KFP_TOKEN"
_NO_KEYRING = ("no system keyring is available here ({reason}); set the secret in the environment "
               f"variable {TOKEN_ENV} instead")


def _account(target_name: str) -> str:
    return f"kfp:{target_name}"


def save_secret(target_name: str, secret: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, _account(target_name), secret)
    except KeyringError as exc:
        raise RunError(_NO_KEYRING.format(reason=type(exc).__name__), element=target_name) from None


def load_secret(target_name: str | None) -> str | None:
    """The environment variable when set, else the keyring entry of the named target, else None."""
    from_env = os.environ.get(TOKEN_ENV)
    if from_env:
        return from_env
    if not target_name:
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, _account(target_name))
    except KeyringError:
        return None


def delete_secret(target_name: str) -> None:
    """Forget a target's secret; nothing to do when there is none or no keyring."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.delete_password(SERVICE, _account(target_name))
    except KeyringError:
        pass
