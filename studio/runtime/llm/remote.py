"""API models through litellm: key lookup, streaming, retries with back-off, usage and cost.

litellm takes seconds to import, so it is imported only inside the functions that call it.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from studio.runtime.llm.litellm_import import import_litellm
from studio.runtime.llm.types import (
    ChatRequest,
    ChatResult,
    LLMError,
    LLMTimeout,
    MissingApiKey,
    ProviderError,
)

log = logging.getLogger(__name__)

# Provider (litellm's prefix) -> the environment variable / keyring entry holding its key.
PROVIDER_KEYS: dict[str, str] = {
    "openai": "OPENAI_API_KEY",
    "text-completion-openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "gemini": "GEMINI_API_KEY",
    "azure": "AZURE_API_KEY",
    "azure_ai": "AZURE_AI_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "groq": "GROQ_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "codestral": "CODESTRAL_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "dashscope": "DASHSCOPE_API_KEY",
    "together_ai": "TOGETHERAI_API_KEY",
    "cohere": "COHERE_API_KEY",
    "cohere_chat": "COHERE_API_KEY",
    "fireworks_ai": "FIREWORKS_AI_API_KEY",
    "perplexity": "PERPLEXITYAI_API_KEY",
    "xai": "XAI_API_KEY",
    "moonshot": "MOONSHOT_API_KEY",
    "cerebras": "CEREBRAS_API_KEY",
    "deepinfra": "DEEPINFRA_API_KEY",
    "huggingface": "HF_TOKEN",
    "nvidia_nim": "NVIDIA_NIM_API_KEY",
    "sambanova": "SAMBANOVA_API_KEY",
    "volcengine": "VOLCENGINE_API_KEY",
    "zai": "ZAI_API_KEY",
    "ai21": "AI21_API_KEY",
    "nscale": "NSCALE_API_KEY",
}
# Local servers that take no key.
NO_KEY_PROVIDERS = frozenset(
    {"ollama", "ollama_chat", "lm_studio", "hosted_vllm", "vllm", "llamafile", "local"}
)
# Providers whose `api_base` usually points at someone else's OpenAI-compatible server.
OPENAI_COMPATIBLE = frozenset({"openai", "text-completion-openai", "custom_openai", ""})
# What an OpenAI-compatible local server gets as a key when it needs none (the client insists).
PLACEHOLDER_KEY = "not-needed"

# Back-off between attempts: BACKOFF_BASE_S * 2**n plus up to BACKOFF_BASE_S of jitter, capped.
BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 20.0
MESSAGE_CHARS = 500

# Bare model names (no "provider/" prefix) litellm maps to a provider, by their start.
_BARE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("gpt-", "openai"),
    ("chatgpt", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("claude", "anthropic"),
    ("gemini", "gemini"),
    ("mistral-", "mistral"),
    ("codestral", "mistral"),
    ("deepseek-", "deepseek"),
    ("command", "cohere_chat"),
)


def provider_of(model: str) -> str:
    """The litellm provider a model string goes to ("openai/gpt-4o-mini" -> "openai")."""
    model = model.strip()
    if "/" in model:
        return model.split("/", 1)[0].lower()
    lowered = model.lower()
    for prefix, provider in _BARE_PREFIXES:
        if lowered.startswith(prefix):
            return provider
    return ""


def api_key_for(request: ChatRequest, provider: str) -> str | None:
    """The API key to send, or None to send none (local servers, providers litellm signs itself).

    An OpenAI-compatible `api_base` (LM Studio, a llama.cpp server) only gets a key when
    `api_key_name` names one, so the user's OpenAI key is never sent to a server they pointed the
    node at. Other providers (Azure needs an api_base) still get their own key.
    """
    from studio.runtime.safety.secrets import MissingSecret, get_secret

    label = provider or "this model"
    if request.api_key_name:
        try:
            return get_secret(request.api_key_name, purpose=f"{label} API calls")
        except MissingSecret:
            raise MissingApiKey(label, request.api_key_name, request.model) from None
    if provider in NO_KEY_PROVIDERS:
        return None
    if request.api_base and provider in OPENAI_COMPATIBLE:
        return None  # LM Studio, a llama.cpp server, vLLM...: never the user's OpenAI key
    env_var = PROVIDER_KEYS.get(provider)
    if env_var is None:
        return None  # Bedrock, Vertex AI and the like: litellm reads their own credentials
    key = get_secret(env_var, required=False)
    if not key:
        raise MissingApiKey(label, env_var, request.model)
    return key


def _scrub(text: str, key: str | None) -> str:
    """Remove the API key (and every other resolved secret) from a message."""
    from studio.runtime.safety.secrets import redact

    if key and len(key) >= 4:
        text = text.replace(key, "***")
    return redact(text)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_CHARS else text[:MESSAGE_CHARS] + "…"


class _CallbackError(Exception):
    """`on_token` raised: pass its exception through untouched, never retry or rename it."""

    def __init__(self, error: Exception):
        self.error = error


@dataclass
class _Failure:
    """Why an attempt failed, and whether another attempt may fix it."""

    error: LLMError
    retryable: bool
    retry_after: float | None = None  # seconds the provider asked us to wait


def _retry_after(exc: BaseException) -> float | None:
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


def _chain(exc: BaseException) -> list[BaseException]:
    """An exception and those it wraps (litellm keeps the original in `original_exception`)."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in found):
        found.append(current)
        inner = getattr(current, "original_exception", None)
        current = inner if isinstance(inner, BaseException) else (current.__cause__ or current.__context__)
    return found


def _is_timeout(exc: BaseException, litellm: Any) -> bool:
    """Whether an error is a timeout, however litellm wrapped it (a read timeout mid-stream
    arrives as MidStreamFallbackError around APIConnectionError around httpx.ReadTimeout)."""
    for error in _chain(exc):
        if isinstance(error, TimeoutError | litellm.Timeout):
            return True
        # httpx.ReadTimeout, openai.APITimeoutError, and litellm's text for a read timeout
        if "Timeout" in type(error).__name__ or "Timeout on reading data" in str(error):
            return True
    return False


def _is_connection_error(exc: BaseException, litellm: Any) -> bool:
    """Whether the server could not be reached (litellm reports that as HTTP 500 or as
    APIConnectionError, depending on the provider)."""
    if isinstance(exc, litellm.APIConnectionError):
        return True
    for error in _chain(exc):
        if type(error).__name__ in ("ConnectError", "APIConnectionError", "ConnectionRefusedError"):
            return True
        if "Connection error." in str(error):
            return True
    return False


def _classify(exc: BaseException, request: ChatRequest, provider: str, key: str | None) -> _Failure:
    """Turn a litellm/httpx exception into our error; 429, 5xx, timeouts and connection errors
    are worth another attempt."""
    litellm = import_litellm()
    label = provider or "the provider"
    if _is_timeout(exc, litellm):
        timeout = LLMTimeout(f"{request.model} did not answer within {request.timeout_s:g} s (timeout_s)")
        return _Failure(timeout, retryable=True)
    status = getattr(exc, "status_code", None)
    message = _short(_scrub(str(exc), key))
    if _is_connection_error(exc, litellm):
        error = ProviderError(
            f"could not connect to {label} for {request.model}: {message}", provider=provider
        )
        return _Failure(error, retryable=True)
    error = ProviderError(
        f"{label} answered HTTP {status} for {request.model}: {message}"
        if status
        else f"{label} failed for {request.model}: {message}",
        status_code=status,
        provider=provider,
    )
    retryable = status is not None and (status in (408, 429) or status >= 500)
    return _Failure(error, retryable, _retry_after(exc) if retryable else None)


def backoff_delay(attempt: int, retry_after: float | None = None) -> float:
    """Seconds to wait before attempt number `attempt + 1` (attempt counts from 0)."""
    delay = float(min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2**attempt)) + random.uniform(0, BACKOFF_BASE_S)
    if retry_after is not None:
        delay = max(delay, min(retry_after, BACKOFF_MAX_S))
    return delay


def default_total_timeout(request: ChatRequest) -> float:
    """The cap over all attempts: a streamed answer may run past timeout_s (which bounds only
    the silence between chunks), so each attempt is allowed three times that, plus back-offs."""
    if request.total_timeout_s is not None:
        return request.total_timeout_s
    attempts = request.retries + 1
    return attempts * request.timeout_s * 3 + request.retries * BACKOFF_MAX_S


def _call_kwargs(request: ChatRequest, messages: list[dict[str, Any]], key: str | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "model": request.model,
        "messages": messages,
        "stream": True,
        "stream_options": {"include_usage": True},
        "temperature": request.temperature,
        "timeout": request.timeout_s,
        # We retry ourselves (and count attempts); neither litellm nor the SDK may retry too.
        "num_retries": 0,
        "max_retries": 0,
        # A provider that lacks a parameter (seed, response_format) gets the call without it.
        "drop_params": True,
    }
    if request.max_tokens is not None:
        kwargs["max_tokens"] = request.max_tokens
    if request.top_p is not None:
        kwargs["top_p"] = request.top_p
    if request.seed is not None:
        kwargs["seed"] = request.seed
    if request.stop:
        kwargs["stop"] = list(request.stop)
    if request.response_format == "json":
        kwargs["response_format"] = {"type": "json_object"}
    elif request.response_format == "json_schema" and request.json_schema:
        kwargs["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "output", "schema": request.json_schema},
        }
    if request.api_base:
        kwargs["api_base"] = request.api_base
    if key is not None:
        kwargs["api_key"] = key
    elif request.api_base:
        kwargs["api_key"] = PLACEHOLDER_KEY
    return kwargs


async def _attempt(
    request: ChatRequest,
    kwargs: dict[str, Any],
    on_token: Callable[[str], None] | None,
    state: dict[str, Any],
) -> tuple[str, str | None, Any]:
    """One call: (text, finish_reason, usage or None). Raises the litellm error.

    Streams when someone shows the tokens; otherwise asks for the whole reply at once, which
    costs litellm about half the CPU per call (it matters with many calls in parallel).
    """
    litellm = import_litellm()
    if on_token is None:
        whole = {k: v for k, v in kwargs.items() if k not in ("stream", "stream_options")}
        # Without streaming there is no silence to measure: a whole reply may take three times
        # timeout_s, as much as one streamed attempt may (see default_total_timeout).
        reply = await asyncio.wait_for(
            litellm.acompletion(**whole, stream=False), timeout=request.timeout_s * 3
        )
        choice = reply.choices[0]
        return choice.message.content or "", choice.finish_reason, getattr(reply, "usage", None)
    response = await asyncio.wait_for(litellm.acompletion(**kwargs), timeout=request.timeout_s)
    pieces: list[str] = []
    finish_reason: str | None = None
    usage: Any = None
    iterator = response.__aiter__()
    while True:
        try:
            chunk = await asyncio.wait_for(iterator.__anext__(), timeout=request.timeout_s)
        except StopAsyncIteration:
            break
        chunk_usage = getattr(chunk, "usage", None)
        if chunk_usage is not None and getattr(chunk_usage, "prompt_tokens", None):
            usage = chunk_usage
        for choice in getattr(chunk, "choices", None) or []:
            delta = getattr(choice, "delta", None)
            piece = getattr(delta, "content", None) if delta is not None else None
            if piece:
                pieces.append(piece)
                state["streamed"] = True
                if on_token is not None:
                    try:
                        on_token(piece)
                    except Exception as exc:  # the caller's own error (e.g. Cancelled): not ours
                        raise _CallbackError(exc) from exc
            if getattr(choice, "finish_reason", None):
                finish_reason = choice.finish_reason
    return "".join(pieces), finish_reason, usage


def _cost(litellm: Any, model: str, prompt_tokens: int, completion_tokens: int) -> float:
    """Dollars for the tokens, from litellm's price list; 0.0 when the model is not priced."""
    try:
        prompt_cost, completion_cost = litellm.cost_per_token(
            model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens
        )
        return float(prompt_cost) + float(completion_cost)
    except Exception:
        return 0.0


async def _with_retries(
    request: ChatRequest,
    messages: list[dict[str, Any]],
    on_token: Callable[[str], None] | None,
    provider: str,
    key: str | None,
    on_retry: Callable[[dict[str, Any]], None] | None = None,
) -> ChatResult:
    litellm = import_litellm()
    kwargs = _call_kwargs(request, messages, key)
    attempts = max(0, request.retries) + 1
    state: dict[str, Any] = {"streamed": False}
    for attempt in range(attempts):
        try:
            text, finish_reason, usage = await _attempt(request, kwargs, on_token, state)
            break
        except asyncio.CancelledError:
            raise
        except LLMError:
            raise
        except _CallbackError as callback:
            raise callback.error from None
        except Exception as exc:
            failure = _classify(exc, request, provider, key)
            # Tokens already shown cannot be taken back: never retry after streaming began.
            if not failure.retryable or state["streamed"] or attempt + 1 >= attempts:
                if failure.retryable and attempt > 0 and not state["streamed"]:
                    failure.error.args = (f"{failure.error} (after {attempt + 1} attempts)",)
                raise failure.error from None
            delay = backoff_delay(attempt, failure.retry_after)
            log.info(
                "attempt %d of %d failed (%s); retrying in %.2f s",
                attempt + 1,
                attempts,
                failure.error,
                delay,
            )
            if on_retry is not None:
                on_retry(
                    {
                        "attempt": attempt + 1,
                        "of": attempts,
                        "error": str(failure.error),
                        "retry_in_s": round(delay, 2),
                    }
                )
            await asyncio.sleep(delay)
    if usage is not None:
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
    else:
        from studio.runtime.llm.tokenizer import count_message_tokens, count_tokens

        prompt_tokens = count_message_tokens(request.model, messages)
        completion_tokens = count_tokens(request.model, text) if text else 0
    return ChatResult(
        text=text,
        model=request.model,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        cost_usd=_cost(litellm, request.model, prompt_tokens, completion_tokens),
        finish_reason=finish_reason,
    )


def _ask_litellm_for_provider(request: ChatRequest) -> str:
    """The provider of a bare model name litellm knows ("gpt-3.5-turbo"); LLMError otherwise."""
    litellm = import_litellm()
    try:
        return str(litellm.get_llm_provider(model=request.model, api_base=request.api_base)[1])
    except Exception:
        raise LLMError(
            f"model: {request.model!r} names no known provider; write it as provider/model (for "
            f"example openai/gpt-4o-mini, anthropic/claude-haiku-4-5, ollama/llama3.1), or "
            f"'local/...' or a .gguf path for a local model"
        ) from None


async def chat_remote(
    request: ChatRequest,
    on_token: Callable[[str], None] | None = None,
    on_retry: Callable[[dict[str, Any]], None] | None = None,
) -> ChatResult:
    """Call an API model through litellm, streaming tokens to `on_token` on the event loop."""
    from studio.runtime.llm.json_output import with_json_instruction

    provider = provider_of(request.model)
    if not provider:
        provider = _ask_litellm_for_provider(request)
    key = api_key_for(request, provider)  # before the call: a missing key fails fast
    messages = with_json_instruction(request)
    total = default_total_timeout(request)
    try:
        return await asyncio.wait_for(
            _with_retries(request, messages, on_token, provider, key, on_retry), timeout=total
        )
    except TimeoutError:
        raise LLMTimeout(
            f"{request.model} gave no complete answer within {total:g} s over all attempts (total_timeout_s)"
        ) from None
