"""Secrets come from the OS keyring, then the environment; never from files, logs or run records.

One mechanism keeps them out of every sink: a `Scrubber` knows the values to remove, by value, and
every sink (run store, cache, events, stdout, logs, autosaves, exports, the save-time scan) asks it.
A flow's scrubber is built from the secrets the flow references (`{"secret": NAME}`), resolved
when it is built, so a run served from the cache is scrubbed although nothing was resolved in it;
it also removes every secret this process resolved and the values of secret-named environment
variables (`*_API_KEY`, `*_TOKEN`, ...), which libraries such as litellm read on their own.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import logging
import os
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

__all__ = [
    "KEYRING_SERVICE",
    "KEY_PATTERNS",
    "REDACTED",
    "MissingSecret",
    "NoKeyring",
    "Scrubber",
    "StreamScrubber",
    "delete_secret",
    "get_secret",
    "install_log_scrubbing",
    "keyring_available",
    "lookup_secret",
    "process_scrubber",
    "redact",
    "secret_references",
    "session_secret_names",
    "set_secret",
    "set_session_secret",
]

KEYRING_SERVICE = "chain-studio"
REDACTED = "***"
# Shorter values would match ordinary text ("on", "true") and scrub it away.
MIN_SECRET_CHARS = 4
# Environment values are scrubbed by their variable's name alone, so they need to look like keys.
MIN_ENV_SECRET_CHARS = 8
_SECRET_ENV_NAME = re.compile(
    r"(?:^|_)(?:API_?KEY|KEY|TOKEN|SECRET|SECRET_KEY|PASSWORD|PASSWD|CREDENTIALS?|PAT)$", re.IGNORECASE
)

# Well-known key shapes. A false positive costs a rename; a false negative leaks a key.
KEY_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("an Anthropic API key", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    ("an OpenAI-style API key", re.compile(r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("a Hugging Face token", re.compile(r"\bhf_[A-Za-z0-9]{30,}\b")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a Groq API key", re.compile(r"\bgsk_[A-Za-z0-9]{40,}\b")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
]

_lock = threading.Lock()
_seen_values: set[str] = set()
_seen_version = 0


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


def _remember(value: str) -> None:
    global _seen_version
    with _lock:
        if value not in _seen_values:
            _seen_values.add(value)
            _seen_version += 1


# Keys the user chose to keep for this session only (no keyring on this machine): in memory,
# never written anywhere, gone when the process ends.
_session: dict[str, str] = {}


class NoKeyring(RuntimeError):
    """This machine has no usable system keyring (no secret service on a Linux desktop)."""


def keyring_available() -> bool:
    """Whether secrets can be stored in a system keyring here (a real backend, not the fail one)."""
    if os.environ.get("CHAIN_STUDIO_NO_KEYRING"):
        return False
    try:
        import keyring
        from keyring.backends import fail

        return not isinstance(keyring.get_keyring(), fail.Keyring)
    except Exception:
        return False


def set_session_secret(name: str, value: str | None) -> None:
    """Keep a secret in memory for this process only (None forgets it)."""
    if value is None:
        _session.pop(name, None)
        return
    _session[name] = value
    _remember(value)


def session_secret_names() -> list[str]:
    """Names (never values) of the secrets kept for this session only."""
    return sorted(_session)


def lookup_secret(name: str) -> str | None:
    """A secret's value (keyring, this session's keys, then environment) or None; never raises,
    and remembers it."""
    value = _from_keyring(name) or _session.get(name) or os.environ.get(name) or None
    if value is not None:
        _remember(value)
    return value


def get_secret(name: str, *, purpose: str = "", required: bool = True) -> str | None:
    """Resolve a secret by name; remember its value so that every sink can be scrubbed of it."""
    install_log_scrubbing()
    value = lookup_secret(name)
    if value is None and required:
        raise MissingSecret(name, purpose)
    return value


def set_secret(name: str, value: str) -> None:
    """Store a secret in the OS keyring; NoKeyring when this machine has none."""
    if not keyring_available():
        raise NoKeyring("no system keyring was found on this computer")
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, name, value)
    except KeyringError as exc:  # a backend that exists but cannot store (locked, no D-Bus)
        raise NoKeyring("the system keyring could not store the key") from exc
    _remember(value)


def delete_secret(name: str) -> None:
    """Remove a secret from the OS keyring, if it is there."""
    import keyring
    from keyring.errors import PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError):
        keyring.delete_password(KEYRING_SERVICE, name)


def secret_references(data: Any) -> list[str]:
    """The names of every `{"secret": NAME}` reference anywhere inside data (configs, a flow)."""
    names: set[str] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            name = item.get("secret")
            if len(item) == 1 and isinstance(name, str) and name:
                names.add(name)
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif hasattr(item, "model_dump"):  # a pydantic model (a NodeSpec, a SecretRef)
            stack.append(item.model_dump(mode="json"))
    return sorted(names)


_env_cache: tuple[tuple[Any, ...], list[str]] = ((), [])


def _environment_secrets() -> list[str]:
    """Values of secret-named environment variables; re-read only when the environment changed
    (comparing a snapshot costs about a microsecond, matching every name thirty)."""
    global _env_cache
    snapshot = tuple(getattr(os.environ, "_data", os.environ).items())
    cached_snapshot, cached = _env_cache
    if snapshot == cached_snapshot:
        return cached
    values = [
        value
        for name, value in os.environ.items()
        if len(value) >= MIN_ENV_SECRET_CHARS and _SECRET_ENV_NAME.search(name)
    ]
    _env_cache = (snapshot, values)
    return values


def _variants(value: str) -> set[str]:
    """The forms a value takes inside JSON text or a URL, besides itself."""
    forms = {
        value,
        json.dumps(value, ensure_ascii=False)[1:-1],
        json.dumps(value)[1:-1],
        quote(value, safe=""),
    }
    return {form for form in forms if len(form) >= MIN_SECRET_CHARS}


class Scrubber:
    """Removes known secret values (and, with `patterns`, key-shaped text) from strings and data.

    `values` are fixed when it is built; unless `process=False` it also follows every secret the
    process resolves later and the secret-named environment variables.
    """

    def __init__(self, values: Iterable[str] = (), *, process: bool = True, patterns: bool = False):
        self._fixed = {value for value in values if value and len(value) >= MIN_SECRET_CHARS}
        self._process = process
        self.patterns = patterns
        self._lock = threading.Lock()
        self._state: tuple[Any, ...] | None = None
        self._regex: re.Pattern[str] | None = None
        self._forms: list[str] = []

    @classmethod
    def for_references(cls, names: Iterable[str], *, patterns: bool = False) -> Scrubber:
        """A scrubber for these secret names, each resolved now (keyring, then environment)."""
        values = [value for value in (lookup_secret(name) for name in names) if value]
        return cls(values, patterns=patterns)

    @classmethod
    def for_data(cls, data: Any, *, patterns: bool = False) -> Scrubber:
        """A scrubber for every secret referenced anywhere inside data (a flow, its configs)."""
        return cls.for_references(secret_references(data), patterns=patterns)

    def _compiled(self) -> re.Pattern[str] | None:
        """The pattern of every value to remove, rebuilt when the process learns a new secret."""
        if not self._process:
            if self._state is not None:  # fixed values: built once
                return self._regex
            environment: list[str] = []
            state: tuple[Any, ...] = ()
        else:
            environment = _environment_secrets()
            state = (_seen_version, tuple(environment))
        with self._lock:
            if self._state == state:
                return self._regex
            values = set(self._fixed) | set(environment)
            if self._process:
                with _lock:
                    values |= {value for value in _seen_values if len(value) >= MIN_SECRET_CHARS}
            forms: set[str] = set()
            for value in values:
                forms |= _variants(value)
            # Longest first: a secret that contains another is removed whole.
            self._forms = sorted(forms, key=len, reverse=True)
            self._regex = re.compile("|".join(map(re.escape, self._forms))) if self._forms else None
            self._state = state
            return self._regex

    def snapshot(self) -> Scrubber:
        """A scrubber fixed to what this one removes now: cheaper for many calls in a row
        (recording a run), since it never looks at the process or the environment again."""
        self._compiled()
        frozen = Scrubber(process=False, patterns=self.patterns)
        frozen._forms, frozen._regex, frozen._state = list(self._forms), self._regex, ()
        return frozen

    def __bool__(self) -> bool:
        return self._compiled() is not None or self.patterns

    def _sub(self, text: str, regex: re.Pattern[str] | None) -> str:
        if regex is not None:
            text = regex.sub(REDACTED, text)
        if self.patterns:
            for _what, pattern in KEY_PATTERNS:
                text = pattern.sub(REDACTED, text)
        return text

    def _find(self, text: str, regex: re.Pattern[str] | None) -> str | None:
        if regex is not None and regex.search(text):
            return "the value of a secret (one this flow refers to, or one already in use)"
        if self.patterns:
            for what, pattern in KEY_PATTERNS:
                if pattern.search(text):
                    return what
        return None

    def text(self, text: str) -> str:
        """The text with every known secret (and key-shaped text, with `patterns`) replaced."""
        return self._sub(text, self._compiled())

    def find(self, text: str) -> str | None:
        """What secret-like thing the text holds (a phrase for a message, never the value), or None."""
        return self._find(text, self._compiled())

    def value(self, value: Any) -> Any:
        """A copy of value (JSON data, dataclasses such as events) with every string scrubbed.

        Returns value itself when there is nothing to remove, so a scrubber costs nothing then.
        """
        regex = self._compiled()
        if regex is None and not self.patterns:
            return value
        return self._scrub(value, regex)

    def _scrub(self, value: Any, regex: re.Pattern[str] | None) -> Any:
        if isinstance(value, str):
            return self._sub(value, regex)
        if isinstance(value, dict):
            return {
                (self._sub(k, regex) if isinstance(k, str) else k): self._scrub(v, regex)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self._scrub(item, regex) for item in value]
        if isinstance(value, tuple):
            return tuple(self._scrub(item, regex) for item in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            clone = copy.copy(value)
            for item in dataclasses.fields(value):
                object.__setattr__(clone, item.name, self._scrub(getattr(value, item.name), regex))
            return clone
        return value

    def contains(self, value: Any) -> bool:
        """Whether any string inside value holds a known secret (or key-shaped text, with `patterns`)."""
        regex = self._compiled()
        if regex is None and not self.patterns:
            return False
        return any(self._find(text, regex) is not None for text in _strings(value))

    def partial_tail(self, text: str) -> int:
        """How many characters at the end of text could be the start of a secret (for streams)."""
        self._compiled()
        longest = 0
        for form in self._forms:
            index = text.find(form[0], max(0, len(text) - len(form) + 1))
            while index != -1:
                if form.startswith(text[index:]):
                    longest = max(longest, len(text) - index)
                    break
                index = text.find(form[0], index + 1)
        return longest

    def stream(self) -> StreamScrubber:
        """A scrubber for text that arrives in pieces (streamed tokens)."""
        return StreamScrubber(self)


def _strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(k for k in item if isinstance(k, str))
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))


class StreamScrubber:
    """Scrubs a stream of pieces: a secret split over two pieces is still removed whole, because
    a tail that could be the start of a secret is held back until the next piece (or `flush`)."""

    def __init__(self, scrubber: Scrubber):
        self.scrubber = scrubber
        self._pending = ""

    def feed(self, piece: str) -> str:
        """The part of the stream so far that can be shown now, scrubbed."""
        text = self.scrubber.text(self._pending + piece)
        held = self.scrubber.partial_tail(text)
        cut = len(text) - held
        self._pending = text[cut:]
        return text[:cut]

    def flush(self) -> str:
        """Whatever is still held back, scrubbed (at the end of the stream)."""
        text, self._pending = self._pending, ""
        return self.scrubber.text(text)


_process: Scrubber | None = None


def process_scrubber() -> Scrubber:
    """The scrubber for every secret this process resolved (and the secret-named environment)."""
    global _process
    if _process is None:
        _process = Scrubber()
    return _process


def redact(text: str) -> str:
    """Replace every secret value this process has resolved with `***`."""
    return process_scrubber().text(text)


_log_factory_installed = False


def install_log_scrubbing() -> None:
    """Scrub every log record of known secrets (idempotent).

    A record factory rather than a filter on the `studio` logger: a logger's filters never see
    records of its child loggers (`studio.engine.scheduler`), nor those of litellm or httpx.
    """
    global _log_factory_installed
    with _lock:
        if _log_factory_installed:
            return
        _log_factory_installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        scrubber = process_scrubber()
        if not scrubber:
            return record
        with contextlib.suppress(Exception):  # a record that does not format is left as it is
            record.msg = scrubber.text(record.getMessage())
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrubber.text(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = scrubber.text(record.stack_info)
        return record

    logging.setLogRecordFactory(factory)
