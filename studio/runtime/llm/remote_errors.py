"""How a failed API call is described and whether another attempt may fix it.

Shared by the two remote back-ends (the openai SDK for OpenAI-compatible servers, litellm for the
rest), so both say the same thing the same way: one sentence naming the server or provider, the
API key scrubbed out, and a retry only where retrying can help.
"""

from __future__ import annotations

import email.utils
import re
import time
from dataclasses import dataclass, field
from typing import Any

from studio.runtime.http_client import connection_error_message, error_chain
from studio.runtime.llm.types import ChatRequest, LLMError, LLMTimeout, ProviderError

MESSAGE_CHARS = 500

# Words in an error body that mean the request itself is wrong, so sending it again gives the same
# answer. llama.cpp's server answers HTTP 500 "Input should be 'text' or 'json_object'" when it
# does not take json_schema; pydantic-based servers say "validation error", "Extra inputs...".
_INVALID_REQUEST = re.compile(
    r"input should be|validation error|invalid[ _](request|value|argument|parameter|type|json|schema|"
    r"response_format)|invalid_request_error|not supported|unsupported|unrecognized|unknown "
    r"(parameter|field|argument)|extra inputs are not permitted|field required|must be one of|"
    r"is not a valid|failed to parse|cannot parse",
    re.IGNORECASE,
)
# Words that tie a rejection to the response format (so json_object may still be accepted).
_FORMAT_WORDS = re.compile(r"json_schema|response_format|json_object|schema|'text'", re.IGNORECASE)


class CallbackError(Exception):
    """`on_token` raised: pass its exception through untouched, never retry or rename it."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


@dataclass
class Progress:
    """What an attempt has received so far, kept when it fails part-way (a stream cut short)."""

    pieces: list[str] = field(default_factory=list)
    finish_reason: str | None = None
    usage: tuple[int, int] | None = None  # (prompt, completion) as the server reported them
    opened: bool = False  # the server answered and a stream began
    streamed: bool = False  # a token was shown: tokens cannot be taken back, so no retry

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    def reset(self) -> None:
        """Forget a failed attempt that showed nothing (the next one starts afresh)."""
        self.pieces.clear()
        self.finish_reason, self.usage, self.opened = None, None, False


@dataclass
class Failure:
    """Why an attempt failed, and whether another attempt may fix it."""

    error: LLMError
    retryable: bool
    retry_after: float | None = None  # seconds the provider asked us to wait
    # The server refused the request as invalid because of its response format (json_schema).
    rejects_format: bool = False


def scrub(text: str, key: str | None) -> str:
    """Remove the API key (and every other resolved secret) from a message."""
    from studio.runtime.safety.secrets import redact

    if key and len(key) >= 4:
        text = text.replace(key, "***")
    return redact(text)


def shorten(text: str) -> str:
    """One line of at most MESSAGE_CHARS characters."""
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_CHARS else text[:MESSAGE_CHARS] + "…"


def retry_after(exc: BaseException) -> float | None:
    """Seconds the provider asked us to wait (Retry-After header), when it said."""
    headers: Any = None
    response = getattr(exc, "response", None)
    if response is not None:
        headers = getattr(response, "headers", None)
    headers = headers or getattr(exc, "litellm_response_headers", None)
    if not headers:
        return None
    try:
        value = headers.get("retry-after") or headers.get("Retry-After")
    except Exception:
        return None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:  # an HTTP date
        parsed = email.utils.parsedate_to_datetime(str(value))
        return max(0.0, parsed.timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def is_timeout(exc: BaseException, *timeout_types: type[BaseException]) -> bool:
    """Whether an error is a timeout, however a library wrapped it (a read timeout mid-stream
    arrives from litellm as MidStreamFallbackError around APIConnectionError around ReadTimeout)."""
    for error in error_chain(exc):
        if isinstance(error, (TimeoutError, *timeout_types)):
            return True
        # httpx.ReadTimeout, openai.APITimeoutError, and litellm's text for a read timeout
        if "Timeout" in type(error).__name__ or "Timeout on reading data" in str(error):
            return True
    return False


def timeout_failure(request: ChatRequest) -> Failure:
    """The model went silent for longer than timeout_s: worth another attempt."""
    return Failure(
        LLMTimeout(f"{request.model} did not answer within {request.timeout_s:g} s (timeout_s)"),
        retryable=True,
    )


def connection_failure(url: str, what: str, exc: BaseException, provider: str) -> Failure:
    """The server could not be reached: one sentence naming the URL, worth another attempt."""
    return Failure(ProviderError(connection_error_message(url, exc, what=what), provider=provider), True)


def is_deterministic(status: int, message: str) -> bool:
    """Whether the same request would fail the same way again: a 4xx other than 408 (timeout)
    and 429 (rate limit), or a 5xx whose message says the request itself is invalid."""
    if status in (408, 429):
        return False
    if 400 <= status < 500:
        return True
    return status >= 500 and bool(_INVALID_REQUEST.search(message))


def status_failure(
    request: ChatRequest, provider: str, label: str, status: int | None, message: str, exc: BaseException
) -> Failure:
    """A refusal or failure with an HTTP status (or none): retry only what may pass next time."""
    error = ProviderError(
        f"{label} answered HTTP {status} for {request.model}: {message}"
        if status
        else f"{label} failed for {request.model}: {message}",
        status_code=status,
        provider=provider,
    )
    if status is None:
        return Failure(error, retryable=False)
    deterministic = is_deterministic(status, message)
    retryable = not deterministic and (status in (408, 429) or status >= 500)
    rejects_format = (
        deterministic
        and request.response_format == "json_schema"
        and status not in (401, 402, 403, 404)
        and bool(_FORMAT_WORDS.search(message))
    )
    return Failure(error, retryable, retry_after(exc) if retryable else None, rejects_format)
