"""API models: key lookup, streaming, retries with back-off, usage and cost.

OpenAI-compatible endpoints (OpenAI, Ollama, LM Studio, llama.cpp, vLLM, OpenRouter, any
`api_base`) are called with the openai SDK (`openai_client`), which costs a fraction of litellm's
CPU per call; other providers (Anthropic, Gemini, Bedrock...) go through litellm, which
translates. Both share the retry loop, the error wording (`remote_errors`) and the usage and cost
(`usage`). litellm takes seconds to import, so it is imported only inside the functions that
call it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Callable
from typing import Any

from studio.runtime.http_client import error_chain
from studio.runtime.llm import openai_client
from studio.runtime.llm.litellm_import import import_litellm
from studio.runtime.llm.openai_client import PLACEHOLDER_KEY, sdk_target
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
from studio.runtime.llm.types import (
    ChatRequest,
    ChatResult,
    LLMError,
    LLMTimeout,
    MissingApiKey,
    sampling_params,
)
from studio.runtime.llm.usage import cost_usd, counted_usage

__all__ = ["PLACEHOLDER_KEY", "api_key_for", "backoff_delay", "chat_remote", "provider_of"]

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

# Back-off between attempts: BACKOFF_BASE_S * 2**n plus up to BACKOFF_BASE_S of jitter, capped.
BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 20.0

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


# Where litellm's providers live, to name the address when one cannot be reached.
_PROVIDER_URLS: dict[str, str] = {
    "anthropic": "https://api.anthropic.com",
    "gemini": "https://generativelanguage.googleapis.com",
    "mistral": "https://api.mistral.ai/v1",
    "codestral": "https://codestral.mistral.ai/v1",
    "groq": "https://api.groq.com/openai/v1",
    "deepseek": "https://api.deepseek.com",
    "together_ai": "https://api.together.xyz/v1",
    "cohere": "https://api.cohere.ai",
    "cohere_chat": "https://api.cohere.ai",
    "fireworks_ai": "https://api.fireworks.ai/inference/v1",
    "perplexity": "https://api.perplexity.ai",
    "xai": "https://api.x.ai/v1",
    "cerebras": "https://api.cerebras.ai/v1",
    "deepinfra": "https://api.deepinfra.com/v1/openai",
    "openai": "https://api.openai.com/v1",
}
# litellm's prefixes on its own messages ("litellm.BadRequestError: OpenAIException - ..."),
# which repeat what our sentence already says.
_LITELLM_PREFIX = re.compile(r"^(?:litellm\.\w+:\s*|\w+Exception\s*-\s*)+")


def _litellm_text(exc: BaseException) -> str:
    return _LITELLM_PREFIX.sub("", str(exc)).strip() or type(exc).__name__


def _is_connection_error(exc: BaseException, litellm: Any) -> bool:
    """Whether the server could not be reached (litellm reports that as HTTP 500 or as
    APIConnectionError, depending on the provider)."""
    if isinstance(exc, litellm.APIConnectionError):
        return True
    for error in error_chain(exc):
        if type(error).__name__ in ("ConnectError", "APIConnectionError", "ConnectionRefusedError"):
            return True
        if "Connection error." in str(error):
            return True
    return False


def _classify(exc: BaseException, request: ChatRequest, provider: str, key: str | None) -> Failure:
    """Turn a litellm exception into our error; 429, 5xx (unless the body says the request is
    invalid), timeouts and connection errors are worth another attempt."""
    litellm = import_litellm()
    label = provider or "the provider"
    if is_timeout(exc, litellm.Timeout):
        return timeout_failure(request)
    status = getattr(exc, "status_code", None)
    if _is_connection_error(exc, litellm):
        url = request.api_base or _PROVIDER_URLS.get(provider)
        if url is None:
            return connection_failure(f"the {label} API", "", exc, provider)
        return connection_failure(url, label, exc, provider)
    message = shorten(scrub(_litellm_text(exc), key))
    return status_failure(request, provider, label, status if isinstance(status, int) else None, message, exc)


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


def _call_kwargs(
    request: ChatRequest, messages: list[dict[str, Any]], key: str | None, json_object: bool = False
) -> dict[str, Any]:
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
    kwargs.update(sampling_params(request, json_object))
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
    progress: Progress,
) -> None:
    """One call through litellm; fills `progress`. Raises the litellm error.

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
        progress.pieces.append(choice.message.content or "")
        progress.finish_reason = choice.finish_reason
        progress.usage = _usage_pair(getattr(reply, "usage", None))
        return
    response = await asyncio.wait_for(litellm.acompletion(**kwargs), timeout=request.timeout_s)
    progress.opened = True
    iterator = response.__aiter__()
    while True:
        try:
            chunk = await asyncio.wait_for(iterator.__anext__(), timeout=request.timeout_s)
        except StopAsyncIteration:
            break
        usage = _usage_pair(getattr(chunk, "usage", None))
        if usage is not None:
            progress.usage = usage
        for choice in getattr(chunk, "choices", None) or []:
            delta = getattr(choice, "delta", None)
            piece = getattr(delta, "content", None) if delta is not None else None
            if piece:
                progress.pieces.append(piece)
                progress.streamed = True
                try:
                    on_token(piece)
                except Exception as exc:  # the caller's own error (e.g. Cancelled): not ours
                    raise CallbackError(exc) from exc
            if getattr(choice, "finish_reason", None):
                progress.finish_reason = choice.finish_reason


def _usage_pair(usage: Any) -> tuple[int, int] | None:
    if usage is None or not getattr(usage, "prompt_tokens", None):
        return None
    return int(usage.prompt_tokens or 0), int(getattr(usage, "completion_tokens", 0) or 0)


def _cost(litellm: Any, model: str, prompt_tokens: int, completion_tokens: int) -> float:
    """Dollars for the tokens (kept for callers that pass litellm; see usage.cost_usd)."""
    return cost_usd(model, prompt_tokens, completion_tokens)


def _result(
    request: ChatRequest, messages: list[dict[str, Any]], progress: Progress, notes: list[str]
) -> ChatResult:
    """The reply so far with its usage: the server's figures, else counted here (and marked)."""
    text = progress.text
    if progress.usage is not None:
        (prompt_tokens, completion_tokens), estimated = progress.usage, False
    else:
        (prompt_tokens, completion_tokens), estimated = counted_usage(request.model, messages, text), True
    return ChatResult(
        text=text,
        model=request.model,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        cost_usd=cost_usd(request.model, prompt_tokens, completion_tokens),
        finish_reason=progress.finish_reason,
        usage_estimated=estimated,
        notes=list(notes),
    )


# (server or provider, model) pairs that refused json_schema: later calls ask for json_object.
_NO_JSON_SCHEMA: set[tuple[str, str]] = set()


def _fallback_note(where: str, reason: str) -> str:
    return (
        f"{where} does not take response_format json_schema ({reason}); asked for json_object "
        f"instead and checked the reply against the schema here"
    )


async def _with_retries(
    request: ChatRequest,
    messages: list[dict[str, Any]],
    on_token: Callable[[str], None] | None,
    provider: str,
    key: str | None,
    on_retry: Callable[[dict[str, Any]], None] | None = None,
) -> ChatResult:
    target = sdk_target(request, provider)
    where = target.base_url if target is not None else (request.api_base or provider)
    remembered = (where, request.model)
    json_object = request.response_format == "json_schema" and remembered in _NO_JSON_SCHEMA
    notes = [_fallback_note(where, "it refused it earlier")] if json_object else []
    attempts = max(0, request.retries) + 1
    progress = Progress()
    attempt = 0
    while True:
        try:
            if target is not None:
                await openai_client.attempt(target, request, messages, key, on_token, progress, json_object)
            else:
                await _attempt(request, _call_kwargs(request, messages, key, json_object), on_token, progress)
            break
        except asyncio.CancelledError:
            raise
        except LLMError:
            raise
        except CallbackError as callback:
            raise callback.error from None
        except Exception as exc:
            failure = (
                openai_client.classify(exc, request, target, provider, key, progress)
                if target is not None
                else _classify(exc, request, provider, key)
            )
            if failure.rejects_format and not json_object and not progress.streamed:
                # Sending json_schema again gets the same refusal; json_object plus our own
                # schema check gives the user what they asked for.
                json_object = True
                _NO_JSON_SCHEMA.add(remembered)
                notes.append(_fallback_note(where, str(failure.error)))
                log.info("%s", notes[-1])
                if on_retry is not None:
                    on_retry({"attempt": attempt + 1, "of": attempts, "error": notes[-1], "retry_in_s": 0})
                progress.reset()
                continue
            # Tokens already shown cannot be taken back: never retry after streaming began.
            if not failure.retryable or progress.streamed or attempt + 1 >= attempts:
                if failure.retryable and attempt > 0 and not progress.streamed:
                    failure.error.args = (f"{failure.error} (after {attempt + 1} attempts)",)
                if progress.pieces and progress.text:
                    failure.error.partial = _result(request, messages, progress, notes)
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
            progress.reset()
            attempt += 1
    return _result(request, messages, progress, notes)


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
    """Call an API model, streaming tokens to `on_token` on the event loop.

    A failure after some of the reply arrived carries it in `error.partial` (text and usage).
    """
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
