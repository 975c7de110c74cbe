"""Secrets come from the OS keyring, then the environment; never from files, logs or run records."""

from __future__ import annotations

import contextlib
import os
import threading

KEYRING_SERVICE = "chain-studio"

_lock = threading.Lock()
_seen_values: set[str] = set()


class MissingSecret(LookupError):
    """A secret the flow needs is neither in the keyring nor in the environment."""

    def __init__(self, name: str, purpose: str = ""):
        self.name = name
        what = f" for {purpose}" if purpose else ""
        super().__init__(
            f"no secret {name!r}{what}: set the environment variable {name} or store it in the OS "
            f"keyring (service {KEYRING_SERVICE!r}, name {name!r}; the Studio's Settings does this)"
        )


def _from_keyring(name: str) -> str | None:
    if os.environ.get("CHAIN_STUDIO_NO_KEYRING"):
        return None
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(KEYRING_SERVICE, name)
        except KeyringError:
            return None
    except Exception:  # no usable backend on a headless box: the environment still works
        return None


def get_secret(name: str, *, purpose: str = "", required: bool = True) -> str | None:
    """Resolve a secret by name; remember its value so that records can be scrubbed of it."""
    value = _from_keyring(name) or os.environ.get(name) or None
    if value is None:
        if required:
            raise MissingSecret(name, purpose)
        return None
    with _lock:
        _seen_values.add(value)
    return value


def set_secret(name: str, value: str) -> None:
    """Store a secret in the OS keyring."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, name, value)


def delete_secret(name: str) -> None:
    """Remove a secret from the OS keyring, if it is there."""
    import keyring
    from keyring.errors import PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError):
        keyring.delete_password(KEYRING_SERVICE, name)


def redact(text: str) -> str:
    """Replace every secret value this process has resolved with `***`."""
    with _lock:
        values = sorted(_seen_values, key=len, reverse=True)
    for value in values:
        if len(value) >= 4 and value in text:
            text = text.replace(value, "***")
    return text
