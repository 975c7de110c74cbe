"""HTTP client settings and the wording of connection errors, shared by every outgoing call.

The LLM runtime (litellm and the openai SDK), the HTTP tool (through `safety.egress`) and model
downloads all say the same thing the same way when a server cannot be reached: which URL, and
why, in one sentence a user can act on. Imports nothing but the standard library.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import ssl
from collections.abc import Iterator

# Seconds to wait for a TCP (and TLS) connection before saying the server is unreachable.
CONNECT_TIMEOUT_S = 10.0
# Seconds a whole request may take unless the caller says otherwise.
REQUEST_TIMEOUT_S = 60.0
USER_AGENT = "chain-studio"


def error_chain(error: BaseException) -> Iterator[BaseException]:
    """The error and every error it was raised from or during, outermost first (no loops).

    litellm keeps the error it wraps in `original_exception` rather than `__cause__`: followed too.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        inner = getattr(current, "original_exception", None)
        current = inner if isinstance(inner, BaseException) else (current.__cause__ or current.__context__)


def _reason(error: BaseException) -> str:
    """Why a connection failed, in words; the innermost error that says something specific."""
    for item in error_chain(error):
        if isinstance(item, ConnectionRefusedError) or (
            isinstance(item, OSError) and item.errno == errno.ECONNREFUSED
        ):
            return "nothing is listening there (is the server running?)"
        if isinstance(item, socket.gaierror):
            return "the host name could not be resolved (check the address and your network)"
        if isinstance(item, ssl.SSLCertVerificationError):
            return f"its TLS certificate was not accepted ({item.verify_message})"
        if isinstance(item, ssl.SSLError):
            return f"the TLS connection failed ({item.reason or item})"
        if isinstance(item, TimeoutError) or "Timeout" in type(item).__name__:
            return "it did not answer in time"
        if isinstance(item, ConnectionResetError | BrokenPipeError):
            return "the server closed the connection"
        if type(item).__name__ == "RemoteProtocolError":  # httpx: the server hung up mid-answer
            return "the server closed the connection before the answer was complete"
    innermost = list(error_chain(error))[-1]
    text = " ".join(str(innermost).split()) or type(innermost).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def connection_error_message(url: str, error: BaseException, *, what: str = "") -> str:
    """One sentence naming the URL and the reason a connection to it failed.

    `what` names the kind of server ("the OpenAI-compatible server"): "could not connect to the
    OpenAI-compatible server at http://127.0.0.1:9/v1: nothing is listening there (is the server
    running?)". Library wrappers' own words ("Connection error.") are left out: the innermost
    error that says something specific gives the reason.
    """
    subject = f"{what} at {url}" if what else url
    return f"could not connect to {subject}: {_reason(error)}"


def is_loopback_host(host: str) -> bool:
    """Whether a host name or address is this machine (127.0.0.0/8, ::1 or localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
