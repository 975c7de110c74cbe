"""OpenAI-compatible servers through the `openai` SDK's async client, without litellm.

OpenAI, Ollama's /v1, LM Studio, a llama.cpp server, vLLM, llamafile, OpenRouter and any
`api_base` given with an OpenAI-compatible provider speak the same protocol, so they need no
translation: the SDK sends the request as it is. That costs a fraction of litellm's CPU per call,
which is what bounds many calls in parallel; a whole (non-streamed) reply is fetched with aiohttp,
cheaper still. One AsyncOpenAI client is kept per (base URL, key)
and event loop, all sharing one connection pool per loop (a pool cannot move between loops).

The `openai` package is imported only inside the functions that call it.
"""

from __future__ import annotations

import asyncio
import functools
import os
import ssl
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from studio.runtime.http_client import CONNECT_TIMEOUT_S, USER_AGENT
from studio.runtime.llm.remote_errors import (
    CallbackError,
    Failure,
    Progress,
    connection_failure,
    is_timeout,
    scrub,
    shorten,
    status_failure,
    timeout_failure,
)
from studio.runtime.llm.types import ChatRequest, ProviderError, sampling_params

# What an OpenAI-compatible local server gets as a key when it needs none (the client insists).
PLACEHOLDER_KEY = "not-needed"
# How the servers are named in messages when the user gave an api_base.
COMPATIBLE_SERVER = "the OpenAI-compatible server"


@dataclass(frozen=True)
class _Provider:
    default_base: str | None  # None: an api_base is required
    base_env: tuple[str, ...]  # environment variables litellm reads for the base URL
    name: str
    append_v1: bool = False  # Ollama's base is the server; its OpenAI API lives under /v1


# litellm's provider prefix -> how to reach it as an OpenAI-compatible server.
_PROVIDERS: dict[str, _Provider] = {
    "openai": _Provider("https://api.openai.com/v1", ("OPENAI_BASE_URL", "OPENAI_API_BASE"), "OpenAI"),
    "custom_openai": _Provider(None, ("OPENAI_BASE_URL", "OPENAI_API_BASE"), COMPATIBLE_SERVER),
    "lm_studio": _Provider("http://localhost:1234/v1", ("LM_STUDIO_API_BASE",), "LM Studio"),
    "hosted_vllm": _Provider(None, ("HOSTED_VLLM_API_BASE",), "the vLLM server"),
    "llamafile": _Provider("http://127.0.0.1:8080/v1", ("LLAMAFILE_API_BASE",), "llamafile"),
    "ollama": _Provider("http://localhost:11434", ("OLLAMA_API_BASE",), "Ollama", append_v1=True),
    "ollama_chat": _Provider("http://localhost:11434", ("OLLAMA_API_BASE",), "Ollama", append_v1=True),
    "openrouter": _Provider("https://openrouter.ai/api/v1", ("OPENROUTER_API_BASE",), "OpenRouter"),
}
_OPENAI_API = "https://api.openai.com/v1"
# OpenAI's reasoning models take max_completion_tokens and no temperature: litellm translates.
_REASONING_PREFIXES = ("o1", "o3", "o4", "gpt-5")


@dataclass(frozen=True)
class Target:
    """Where an SDK call goes: the base URL, the model name the server knows, and how to name it."""

    base_url: str
    model: str
    what: str


def sdk_target(request: ChatRequest, provider: str) -> Target | None:
    """The OpenAI-compatible endpoint for this request, or None when litellm must translate."""
    spec = _PROVIDERS.get(provider)
    if spec is None and provider == "" and request.api_base:
        spec = _PROVIDERS["custom_openai"]
    if spec is None:
        return None
    base = request.api_base or next(
        (os.environ[name] for name in spec.base_env if os.environ.get(name)), spec.default_base
    )
    if not base:
        return None
    base = base.rstrip("/")
    if spec.append_v1 and not base.endswith("/v1"):
        base += "/v1"
    model = request.model.strip()
    if "/" in model and model.split("/", 1)[0].lower() == provider:
        model = model.split("/", 1)[1]
    if base == _OPENAI_API and model.lower().startswith(_REASONING_PREFIXES):
        return None
    what = spec.name if not request.api_base or spec.name != "OpenAI" else COMPATIBLE_SERVER
    return Target(base, model, what)


# One connection pool per event loop, and one client per (base URL, key) over it.
_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Any, dict[tuple[str, str], Any]]] = (
    weakref.WeakKeyDictionary()
)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The TLS settings every pool shares: loading the CA bundle takes ~50 ms of CPU, too much
    to repeat for each run's event loop."""
    import httpx2

    return httpx2.create_ssl_context()


def client_for(base_url: str, key: str) -> Any:
    """The AsyncOpenAI client for this server and key on the running loop (made once)."""
    loop = asyncio.get_running_loop()
    entry = _pools.get(loop)
    if entry is None:
        import openai

        # Timeouts are given per request; the SDK never retries (we retry, and count attempts).
        pool = openai.DefaultAsyncHttpxClient(headers={"User-Agent": USER_AGENT}, verify=_ssl_context())
        entry = (pool, {})
        _pools[loop] = entry
    pool, clients = entry
    client = clients.get((base_url, key))
    if client is None:
        import openai

        client = openai.AsyncOpenAI(base_url=base_url, api_key=key, max_retries=0, http_client=pool)
        clients[(base_url, key)] = client
    return client


def request_params(
    target: Target, request: ChatRequest, messages: list[dict[str, Any]], json_object: bool
) -> dict[str, Any]:
    """The body of the chat completion request (without `stream`)."""
    params: dict[str, Any] = {
        "model": target.model,
        "messages": messages,
        "temperature": request.temperature,
    }
    params.update(sampling_params(request, json_object))
    return params


@functools.cache
def _direct_post() -> Any | None:
    """The SDK's own request path below `chat.completions.create`, or None on an SDK version
    that lacks it. `create` first re-walks the whole body against its TypedDict annotations (a
    fifth of the SDK's CPU per call) to rename fields that our plain JSON body never has."""
    try:
        from openai import AsyncStream
        from openai._base_client import make_request_options
        from openai.types.chat import ChatCompletion, ChatCompletionChunk
    except ImportError:
        return None

    async def post(client: Any, params: dict[str, Any], stream: bool, timeout: Any) -> Any:
        return await client.post(
            "/chat/completions",
            body={**params, "stream": stream},
            options=make_request_options(timeout=timeout, security={"bearer_auth": True}),
            cast_to=ChatCompletion,
            stream=stream,
            stream_cls=AsyncStream[ChatCompletionChunk],
        )

    return post


async def _create(client: Any, params: dict[str, Any], stream: bool, timeout: Any) -> Any:
    """POST /chat/completions: a ChatCompletion, or an async stream of chunks."""
    post = _direct_post()
    if post is not None:
        return await post(client, params, stream, timeout)
    return await client.chat.completions.create(**params, stream=stream, timeout=timeout)


class StreamCut(Exception):
    """The stream ended without saying the reply was finished (no finish_reason)."""


def _usage_pair(usage: Any) -> tuple[int, int] | None:
    if usage is None or not getattr(usage, "prompt_tokens", None):
        return None
    return int(usage.prompt_tokens or 0), int(getattr(usage, "completion_tokens", 0) or 0)


class HTTPStatusError(Exception):
    """The server answered a whole-reply request with an HTTP error status."""

    def __init__(self, status_code: int, body: Any, headers: Any):
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code
        self.body = body
        # Shaped like the SDK's errors, so remote_errors.retry_after reads the Retry-After header.
        self.response = _Fields({"headers": headers})


class _Fields:
    """Attribute access over a dict (a JSON object read as the SDK's models are)."""

    def __init__(self, values: dict[str, Any]):
        self.__dict__.update(values)


def _first_choice(body: Any) -> dict[str, Any]:
    choices = body.get("choices") if isinstance(body, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ValueError(f"the reply has no choices: {str(body)[:200]}")
    return choices[0]


# One aiohttp connector per event loop. force_close: it keeps no idle connection, so nothing is
# left open (and warned about) when a run's loop ends without closing it.
_connectors: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()


def _connector() -> Any:
    """The running loop's aiohttp connector (made once per loop)."""
    import aiohttp

    loop = asyncio.get_running_loop()
    connector = _connectors.get(loop)
    if connector is None:
        connector = aiohttp.TCPConnector(ssl=_ssl_context(), force_close=True, limit=0)
        _connectors[loop] = connector
    return connector


async def _post_whole(target: Target, key: str, params: dict[str, Any], request: ChatRequest) -> Any:
    """POST a non-streaming chat completion with aiohttp (installed with litellm) and return the
    parsed JSON body. For a whole reply the SDK's httpx stack costs ~5 ms of CPU per call against
    aiohttp's ~1 ms, and that CPU is what serialises many calls in parallel on one event loop.
    A light session per call over the loop's connector: a session kept per loop would outlive
    the loop and warn when collected."""
    import json

    import aiohttp

    # As the SDK's httpx timeouts were: timeout_s bounds each read (the outer asyncio.timeout
    # in `attempt` bounds the whole reply).
    timeout = aiohttp.ClientTimeout(
        total=None, sock_connect=min(CONNECT_TIMEOUT_S, request.timeout_s), sock_read=request.timeout_s
    )
    headers = {"Authorization": f"Bearer {key}", "User-Agent": USER_AGENT, "Content-Type": "application/json"}
    async with (
        aiohttp.ClientSession(
            connector=_connector(), connector_owner=False, timeout=timeout, trust_env=True
        ) as session,
        session.post(
            f"{target.base_url}/chat/completions",
            data=json.dumps({**params, "stream": False}),
            headers=headers,
        ) as response,
    ):
        raw = await response.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        if response.status >= 400:
            raise HTTPStatusError(response.status, body, response.headers)
        return body


async def attempt(
    target: Target,
    request: ChatRequest,
    messages: list[dict[str, Any]],
    key: str | None,
    on_token: Callable[[str], None] | None,
    progress: Progress,
    json_object: bool = False,
) -> None:
    """One call; fills `progress` (text, finish reason, usage). Raises the SDK's error (or, for
    a whole reply, HTTPStatusError / aiohttp's).

    Streams (through the SDK) when someone shows the tokens; otherwise asks for the whole reply
    at once (through aiohttp, see `_post_whole`). The HTTP
    read timeout (timeout_s) bounds the silence between two chunks of a stream.
    """
    import openai

    params = request_params(target, request, messages, json_object)
    if on_token is None:
        # No silence to measure in a whole reply: it may take three times timeout_s, as much as
        # one streamed attempt may (see remote.default_total_timeout).
        async with asyncio.timeout(request.timeout_s * 3):
            body = await _post_whole(target, key or PLACEHOLDER_KEY, params, request)
        choice = _first_choice(body)
        message = choice.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        progress.pieces.append(str(content or ""))
        progress.finish_reason = choice.get("finish_reason")
        usage = body.get("usage")
        progress.usage = _usage_pair(_Fields(usage)) if isinstance(usage, dict) else None
        return
    client = client_for(target.base_url, key or PLACEHOLDER_KEY)
    timeout = openai.Timeout(request.timeout_s, connect=min(CONNECT_TIMEOUT_S, request.timeout_s))
    # Ask for the usage chunk: servers that support it then send real usage, not our estimate.
    params["stream_options"] = {"include_usage": True}
    stream = await _create(client, params, True, timeout)
    progress.opened = True
    async with stream:
        async for chunk in stream:
            usage = _usage_pair(getattr(chunk, "usage", None))
            if usage is not None:
                progress.usage = usage
            for choice in chunk.choices or ():
                delta = choice.delta
                piece = delta.content if delta is not None else None
                if piece:
                    progress.pieces.append(piece)
                    progress.streamed = True
                    try:
                        on_token(piece)
                    except Exception as exc:  # the caller's own error (e.g. Cancelled): not ours
                        raise CallbackError(exc) from exc
                if choice.finish_reason:
                    progress.finish_reason = choice.finish_reason
    if progress.finish_reason is None:
        raise StreamCut("the stream ended before the reply was complete")


def _error_text(exc: Any) -> str:
    """The server's own message from an HTTP error body, else the SDK's text."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return str(message)
    if isinstance(body, str) and body.strip():
        return body
    return str(getattr(exc, "message", None) or exc)


def classify(
    exc: BaseException,
    request: ChatRequest,
    target: Target,
    provider: str,
    key: str | None,
    progress: Progress,
) -> Failure:
    """Turn an SDK/httpx exception into our error; 429, 5xx (unless the body says the request is
    invalid), timeouts and connection errors are worth another attempt."""
    import openai

    where = f"{target.what} at {target.base_url}"
    if is_timeout(exc, openai.APITimeoutError):
        return timeout_failure(request)
    if isinstance(exc, (openai.APIStatusError, HTTPStatusError)):
        message = shorten(scrub(_error_text(exc), key))
        return status_failure(request, provider, where, exc.status_code, message, exc)
    if isinstance(exc, StreamCut) or (progress.opened and _is_transport(exc)):
        got = f" after {len(progress.pieces)} chunks" if progress.pieces else ""
        error = ProviderError(f"{where} ended the reply to {request.model} before it was complete{got}")
        error.provider = provider
        return Failure(error, retryable=True)
    if isinstance(exc, openai.APIConnectionError) or _is_transport(exc):
        return connection_failure(target.base_url, target.what, exc, provider)
    message = shorten(scrub(_error_text(exc), key))
    return status_failure(request, provider, where, None, message, exc)


def _is_transport(exc: BaseException) -> bool:
    """httpx's transport errors (connection refused, reset, a chunked body cut short)."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    # httpx's names, and aiohttp's (ClientConnectionError covers refused, reset and cut bodies).
    return bool(
        names
        & {
            "TransportError",
            "NetworkError",
            "ProtocolError",
            "ConnectionError",
            "ClientConnectionError",
            "ClientPayloadError",
        }
    )
