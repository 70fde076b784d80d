"""Application Default Credentials, with a message that says how to get them instead of a traceback."""

from __future__ import annotations

from typing import Any

from workbench.errors import RunError

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
HOW_TO = ("run `gcloud auth application-default login`, or point GOOGLE_APPLICATION_CREDENTIALS at a "
          "service-account key file")


def default_credentials() -> Any:
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        credentials, _project = google.auth.default(scopes=list(SCOPES))
    except DefaultCredentialsError as exc:
        reason = str(exc).splitlines()[0].rstrip(".")
        raise RunError(f"no Google Cloud credentials found ({reason}); {HOW_TO}") from None
    return credentials


def explain_refresh_error(error: BaseException) -> RunError | None:
    """A RunError for credentials the token service refused; None for any other error."""
    from google.auth.exceptions import RefreshError

    if isinstance(error, RefreshError):
        return RunError(f"Google Cloud refused the credentials ({error}); {HOW_TO}")
    return None
