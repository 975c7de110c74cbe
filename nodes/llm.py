"""The LLM node: one chat completion, local (the built-in SmolLM2 by default) or through any API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.flow import SecretRef
from studio.runtime.llm import facade as llm_runtime
from studio.runtime.llm.facade import (
    DEFAULT_MODEL,
    ChatRequest,
    ChatResult,
    LLMError,
    check_request,
)
from studio.runtime.llm.json_output import check_schema

__all__ = ["LLMChatNode", "model_for_run", "node_error", "record_result", "to_messages"]


def model_for_run(model: str, ctx: RunContext) -> str:
    """The model string with a relative .gguf path made relative to the flow file's folder."""
    model = model.strip()
    if model.startswith("local:"):
        return "local:" + str(ctx.resolve_path(model[len("local:") :]))
    if model.lower().endswith(".gguf") and not model.startswith("local/"):
        return str(ctx.resolve_path(model))
    return model


def to_messages(value: Any, port: str = "prompt") -> list[dict[str, Any]]:
    """A message list from a messages or text input; NodeError naming the port otherwise."""
    if value is None:
        return []
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    if isinstance(value, list):
        messages = []
        for index, item in enumerate(value):
            if not (isinstance(item, dict) and "role" in item and "content" in item):
                raise NodeError(f"input {port!r}[{index}]: expected {{'role': ..., 'content': ...}}")
            messages.append(dict(item))
        return messages
    raise NodeError(f"input {port!r}: expected text or a message list, got {type(value).__name__}")


_node_error_classes: dict[type[LLMError], type[LLMError]] = {}


def node_error(error: LLMError) -> LLMError:
    """The same error as a NodeError too: its class name (MissingApiKey, LLMTimeout...) is what
    the run record shows as the error type, `isinstance` checks against the LLMError class still
    hold, and the engine reports the message as it is."""
    cls = type(error)
    combined = _node_error_classes.get(cls)
    if combined is None:
        combined = type(cls.__name__, (cls, NodeError), {"__module__": cls.__module__})
        _node_error_classes[cls] = combined
    copy = combined.__new__(combined)
    copy.__dict__.update(error.__dict__)
    copy.args = error.args
    return copy


class LLMChatNode(Node):
    """Send messages to a chat model and stream its reply."""

    type = "llm.chat"
    version = 1
    title = "LLM"
    category = "Models"
    description = (
        "Sends the prompt to a chat model and streams the reply. Runs the built-in local model "
        "offline by default; any API model (OpenAI, Anthropic, Gemini, Ollama...) by name."
    )
    inputs = (
        Port("prompt", PortType.MESSAGES, "The conversation to answer (text becomes one user message)."),
        Port("system", PortType.TEXT, "Instructions put first as the system message.", required=False),
    )
    outputs = (
        Port("text", PortType.TEXT, "The model's reply."),
        Port("json", PortType.JSON, "The reply parsed as JSON (JSON response formats only)."),
        Port("usage", PortType.JSON, "Tokens, cost and why the reply ended."),
    )

    class Config(NodeConfig):
        model: str = setting(
            DEFAULT_MODEL,
            widget="model",
            description=(
                "'local/smollm2-135m-instruct' (built in), 'local/<name>' for a .gguf in the "
                "models folder, a .gguf path, or an API model such as 'openai/gpt-4o-mini', "
                "'anthropic/claude-haiku-4-5', 'ollama/llama3.1'."
            ),
            min_length=1,
        )
        temperature: float = setting(
            0.7, ge=0.0, le=2.0, description="0 gives the same answer every time; higher varies more."
        )
        max_tokens: int | None = setting(
            256, ge=1, description="Longest reply in tokens (empty: the model's limit)."
        )
        top_p: float | None = setting(None, ge=0.0, le=1.0, advanced=True, description="Nucleus sampling.")
        seed: int | None = setting(
            None, advanced=True, description="Fixes sampling, where the model supports it."
        )
        stop: list[str] | None = setting(
            None, advanced=True, description="Stop the reply at any of these texts."
        )
        response_format: Literal["text", "json", "json_schema"] = setting(
            "text",
            choices=["text", "json", "json_schema"],
            description="'json' asks for a JSON reply; 'json_schema' one matching the schema.",
        )
        json_schema: dict[str, Any] | None = setting(
            None, widget="json", description="The JSON schema the reply must match (json_schema format)."
        )
        api_base: str | None = setting(
            None,
            advanced=True,
            description="Server URL for LM Studio, a llama.cpp server or a proxy, e.g. http://localhost:1234/v1.",
        )
        api_key: SecretRef | None = setting(
            None,
            secret=True,
            description="The secret holding the API key (default: the provider's, e.g. OPENAI_API_KEY).",
        )
        timeout_s: float = setting(
            60.0, gt=0, advanced=True, description="Longest wait for the model to say something."
        )
        retries: int = setting(
            2, ge=0, le=10, advanced=True, description="Retries on rate limits, server errors and timeouts."
        )

    @classmethod
    def is_deterministic(cls, config: NodeConfig) -> bool:
        """Greedy (temperature 0) or seeded sampling repeats itself, so the cache may serve it."""
        return getattr(config, "temperature", 1.0) == 0 or getattr(config, "seed", None) is not None

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        problems = []
        if getattr(config, "response_format", "text") == "json_schema":
            schema = getattr(config, "json_schema", None)
            if not schema:
                problems.append("json_schema: response format 'json_schema' needs a JSON schema")
            else:
                problem = check_schema(schema)
                if problem:
                    problems.append(f"json_schema: {problem}")
        return problems

    def request(self, inputs: Mapping[str, Any], ctx: RunContext) -> ChatRequest:
        """The ChatRequest this node sends for these inputs."""
        config: LLMChatNode.Config = self.config  # type: ignore[assignment]
        messages = to_messages(inputs.get("prompt"), "prompt")
        if not messages:
            raise NodeError("input 'prompt': nothing to send (empty prompt)")
        system = inputs.get("system")
        if system:
            if messages[0].get("role") == "system":
                messages[0] = {**messages[0], "content": f"{system}\n\n{messages[0]['content']}"}
            else:
                messages.insert(0, {"role": "system", "content": str(system)})
        return ChatRequest(
            model=model_for_run(config.model, ctx),
            messages=messages,
            temperature=config.temperature,
            max_tokens=config.max_tokens,
            top_p=config.top_p,
            seed=config.seed,
            stop=list(config.stop) if config.stop else None,
            response_format=config.response_format,
            json_schema=config.json_schema,
            api_base=config.api_base or None,
            api_key_name=config.api_key.secret if config.api_key else None,
            timeout_s=config.timeout_s,
            retries=config.retries,
        )

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        request = self.request(inputs, ctx)

        def on_token(piece: str) -> None:
            # Stop promptly when the user presses Stop, even if the engine does not cancel us.
            ctx.raise_if_cancelled()
            ctx.stream(piece)

        try:
            check_request(request)
            # Stream only when someone is watching the tokens (the GUI, a terminal).
            # Looked up at call time, so a test's scripted model reaches every LLM node.
            result = await llm_runtime.chat(
                request,
                on_token=on_token if ctx.streaming else None,
                on_retry=lambda info: ctx.trace("retry", info),
            )
        except LLMError as error:
            if error.partial is not None:
                # A stream cut mid-way: what arrived was paid for and may be worth reading.
                record_result(error.partial, ctx, partial=True)
            raise node_error(error) from error
        record_result(result, ctx)
        return {"text": result.text, "json": result.parsed, "usage": result.usage()}


def record_result(result: ChatResult, ctx: RunContext, partial: bool = False) -> None:
    """Count a call's tokens on the node and put in its trace what the user should know: the
    notes on what the call did differently (a json_object fallback), an estimated usage, and
    the text a failed reply streamed before it broke off."""
    ctx.add_usage(result.prompt_tokens, result.completion_tokens, result.cost_usd, result.usage_estimated)
    for note in result.notes:
        ctx.trace("note", note)
    if result.usage_estimated:
        ctx.trace(
            "usage estimated",
            {
                "prompt_tokens": result.prompt_tokens,
                "completion_tokens": result.completion_tokens,
                "why": "the server reported no usage; the tokens were counted here",
            },
        )
    if partial:
        ctx.trace(
            "partial reply",
            {
                "text": result.text,
                "prompt_tokens": result.prompt_tokens,
                "completion_tokens": result.completion_tokens,
                "cost_usd": result.cost_usd,
                "usage_estimated": result.usage_estimated,
            },
        )
