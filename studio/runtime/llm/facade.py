"""One way to call a chat model, local (llama-cpp-python) or remote (litellm).

```python
result = await chat(ChatRequest(model="local/smollm2-135m-instruct", messages=[...]), on_token)
```
Neither back-end library is imported until a call needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.runtime.llm.json_output import check_schema, parse_and_validate
from studio.runtime.llm.local import is_local_model, list_local_models, resolve_local_model
from studio.runtime.llm.types import (
    BUILTIN_MODEL,
    DEFAULT_MODEL,
    ChatRequest,
    ChatResult,
    InvalidJSONOutput,
    LLMError,
    LLMTimeout,
    MissingApiKey,
    ModelNotFound,
    ProviderError,
)

__all__ = [
    "BUILTIN_MODEL",
    "DEFAULT_MODEL",
    "ChatRequest",
    "ChatResult",
    "InvalidJSONOutput",
    "LLMError",
    "LLMTimeout",
    "MissingApiKey",
    "ModelNotFound",
    "ProviderError",
    "chat",
    "check_request",
    "context_window",
    "is_local_model",
    "list_local_models",
    "models_folder",
    "resolve_local_model",
]

_ROLES = {"system", "user", "assistant", "tool", "developer", "function"}


def check_request(request: ChatRequest) -> None:
    """Raise LLMError naming the field when a request cannot be sent as it is."""
    if not request.model or not request.model.strip():
        raise LLMError("model: no model chosen")
    if not isinstance(request.messages, list) or not request.messages:
        raise LLMError("messages: there is nothing to send (the message list is empty)")
    for index, message in enumerate(request.messages):
        if not isinstance(message, dict) or "content" not in message:
            raise LLMError(f"messages[{index}]: expected {{'role': ..., 'content': ...}}")
        if message.get("role") not in _ROLES:
            raise LLMError(
                f"messages[{index}].role: {message.get('role')!r} is not one of {', '.join(sorted(_ROLES))}"
            )
    if request.response_format not in ("text", "json", "json_schema"):
        raise LLMError(f"response_format: {request.response_format!r} is not one of text, json, json_schema")
    if request.response_format == "json_schema":
        if not request.json_schema:
            raise LLMError("json_schema: response_format 'json_schema' needs a JSON schema")
        problem = check_schema(request.json_schema)
        if problem:
            raise LLMError(f"json_schema: {problem}")
    if request.timeout_s <= 0:
        raise LLMError("timeout_s: must be more than 0 seconds")
    if request.retries < 0:
        raise LLMError("retries: must be 0 or more")
    if request.max_tokens is not None and request.max_tokens <= 0:
        raise LLMError("max_tokens: must be at least 1 (or empty for the model's limit)")


async def chat(
    request: ChatRequest,
    on_token: Callable[[str], None] | None = None,
    on_retry: Callable[[dict[str, Any]], None] | None = None,
) -> ChatResult:
    """Run one chat completion; stream text pieces to `on_token` as they arrive.

    `on_retry` hears about each failed attempt of an API call that will be retried.

    `on_token` may be called from a worker thread (local models), so it must be thread-safe.
    In JSON modes the reply is parsed (and checked against `json_schema`) into `result.parsed`.
    Raises an LLMError subclass: MissingApiKey, ModelNotFound, LLMTimeout, InvalidJSONOutput,
    ProviderError.
    """
    check_request(request)
    if is_local_model(request.model):
        from studio.runtime.llm.local import chat_local

        result = await chat_local(request, on_token)
    else:
        from studio.runtime.llm.remote import chat_remote

        result = await chat_remote(request, on_token, on_retry)
    if request.response_format != "text":
        try:
            result.parsed = parse_and_validate(result.text, request)
        except InvalidJSONOutput as exc:
            if result.finish_reason == "length":
                exc.args = (
                    f"{exc} (the reply was cut off at max_tokens={request.max_tokens}; raise max_tokens)",
                )
            raise
    return result


def context_window(model: str) -> int:
    """How many tokens the model takes in (see studio.runtime.llm.tokenizer.context_window)."""
    from studio.runtime.llm.tokenizer import context_window as window

    return window(model)


def models_folder() -> Path:
    """The user's folder for .gguf files."""
    from studio.runtime.llm.local import models_folder as folder

    return folder()
