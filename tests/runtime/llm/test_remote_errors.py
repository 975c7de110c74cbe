"""How failed API calls are worded and which ones are retried (studio.runtime.llm.remote_errors)."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from studio.runtime.llm import remote as llm_remote
from studio.runtime.llm.facade import ChatRequest, ProviderError, chat
from studio.runtime.llm.remote_errors import is_deterministic

# What litellm's own text for a connection error repeats; none of it may reach the user.
LITELLM_NOISE = ("Original exception", "MidStreamFallbackError", "APIConnectionError", "litellm.")


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm_remote, "BACKOFF_BASE_S", 0.01)
    monkeypatch.setattr(llm_remote, "BACKOFF_MAX_S", 0.05)


def closed_port() -> int:
    """A loopback port nobody listens on (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def refused(model: str, streaming: bool, **options: Any) -> str:
    base = f"http://127.0.0.1:{closed_port()}/v1"
    request = ChatRequest(
        model=model, messages=[{"role": "user", "content": "hi"}], api_base=base, retries=1, **options
    )
    tokens: list[str] = []
    with pytest.raises(ProviderError) as caught:
        asyncio.run(chat(request, on_token=tokens.append if streaming else None))
    message = str(caught.value)
    assert base in message or base.removesuffix("/v1") in message, message
    assert not tokens
    return message


def assert_said_once(message: str) -> None:
    for noise in LITELLM_NOISE:
        assert noise not in message, message
    sentences = [part.strip() for part in message.split(":") if len(part.strip()) > 10]
    assert len(sentences) == len(set(sentences)), f"repeated text: {message}"
    assert message.lower().count("connection") <= 2, message


@pytest.mark.parametrize("streaming", [False, True])
def test_refused_connection_names_the_url_once(streaming: bool) -> None:
    message = refused("openai/gpt-4o-mini", streaming)
    assert_said_once(message)
    assert "(after 2 attempts)" in message  # connection errors are retried


@pytest.mark.parametrize("streaming", [False, True])
def test_refused_connection_through_litellm_names_the_url_once(
    streaming: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A provider litellm translates for (here forced, to reach its error path offline).
    monkeypatch.setattr(llm_remote, "sdk_target", lambda request, provider: None)
    message = refused("openai/gpt-4o-mini", streaming)
    assert_said_once(message)


@pytest.mark.parametrize(
    ("status", "message", "deterministic"),
    [
        (400, "bad request", True),
        (401, "invalid api key", True),
        (404, "no such model", True),
        (422, "unprocessable", True),
        (408, "request timeout", False),
        (429, "rate limited", False),
        (500, "Input should be 'text' or 'json_object'", True),
        (500, "internal error", False),
        (502, "bad gateway", False),
        (503, "overloaded", False),
    ],
)
def test_which_refusals_would_fail_again(status: int, message: str, deterministic: bool) -> None:
    assert is_deterministic(status, message) is deterministic
