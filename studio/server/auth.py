"""The server's API key: where it comes from, and checking a request's `Authorization` header.

Every request to `studio serve` needs `Authorization: Bearer KEY` (what the openai client sends),
even on loopback: other local programs, and web pages through the browser, can reach loopback.
The key is `CHAIN_STUDIO_API_KEY`, else the keyring entry (service `chain-studio`, name
`api-key`), else one generated on first start, stored in the keyring and printed once. Without a
keyring backend the generated key lasts for this process only, and the server says so.

The key is compared in constant time and never logged; `ApiKey`'s repr hides it.
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["ENV_VAR", "KEYRING_NAME", "KEYRING_SERVICE", "ApiKey", "bearer_token", "resolve_api_key"]

ENV_VAR = "CHAIN_STUDIO_API_KEY"
KEYRING_SERVICE = "chain-studio"
KEYRING_NAME = "api-key"
KEY_PREFIX = "cs-"  # tells a Chain Studio key apart from a provider's at a glance


@dataclass(frozen=True)
class ApiKey:
    """The key and where it came from: "environment", "keyring", "generated" or "generated-unstored"."""

    value: str = field(repr=False)
    source: str

    def matches(self, presented: str | None) -> bool:
        """Whether a presented key is this one, in time independent of where they differ."""
        if not presented:
            return False
        return hmac.compare_digest(presented.encode("utf-8"), self.value.encode("utf-8"))

    def masked(self) -> str:
        """The key with all but its start hidden, for display."""
        return self.value[: len(KEY_PREFIX) + 2] + "•" * 8 if len(self.value) > 8 else "•" * 8


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header, or None."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _keyring_disabled() -> bool:
    # The tests (and CI boxes) turn the OS keyring off, as the rest of Chain Studio does.
    return bool(os.environ.get("CHAIN_STUDIO_NO_KEYRING"))


def _keyring_get() -> str | None:
    if _keyring_disabled():
        return None
    try:
        import keyring

        value = keyring.get_password(KEYRING_SERVICE, KEYRING_NAME)
    except Exception:  # no usable backend (a headless box): fall through to a generated key
        return None
    return value or None


def _keyring_set(value: str) -> bool:
    if _keyring_disabled():
        return False
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, KEYRING_NAME, value)
    except Exception:  # keyring.backends.fail raises NoKeyringError; others their own errors
        return False
    return True


def generate_key() -> str:
    """A new random key (256 bits)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def resolve_api_key(
    *, announce: Callable[[str], None] | None = None, generate: bool = True, store: bool = True
) -> ApiKey | None:
    """The server's key: environment, else keyring, else (if `generate`) a new one.

    A new key is stored in the keyring when `store` and a backend is there; `announce` receives
    the one-time message that shows it (the only place the key is ever written out).
    """
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        return ApiKey(value, "environment")
    value = _keyring_get() or ""
    if value:
        return ApiKey(value, "keyring")
    if not generate:
        return None
    value = generate_key()
    stored = store and _keyring_set(value)
    if announce is not None:
        if stored:
            announce(
                f"A new API key was created and stored in the keyring (service {KEYRING_SERVICE!r}, "
                f"name {KEYRING_NAME!r}); it is shown only this once:\n  {value}"
            )
        else:
            announce(
                "No keyring is available here, so this API key lasts only while this server runs "
                f"(set {ENV_VAR} to choose a lasting one):\n  {value}"
            )
    return ApiKey(value, "generated" if stored else "generated-unstored")
