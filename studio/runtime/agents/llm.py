"""Native function calling through litellm (`tools=`), for agents on API models.

Local models have no native tool calls: `supports_native_tools` says no and agents fall back to a
text or JSON protocol. The reply's tool calls come back parsed; arguments that are not valid JSON
are kept as text so the agent can tell the model what was wrong.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from studio.runtime.llm.local import is_local_model
from studio.runtime.llm.types import ChatRequest, LLMError, LLMTimeout, ProviderError

__all__ = [
    "ToolCall",
    "ToolChatResult",
    "chat_with_tools",
    "openai_tools",
    "run_native_tools",
    "supports_native_tools",
    "tool_result_message",
]


@dataclass
class ToolCall:
    """One function call the model asked for."""

    id: str
    name: str
    arguments: Any  # a dict when the model wrote valid JSON, else the raw text
    raw_arguments: str = ""

    @property
    def arguments_ok(self) -> bool:
        return isinstance(self.arguments, dict)


@dataclass
class ToolChatResult:
    """A reply that may hold text, tool calls, or both, with what it cost."""

    text: str
    tool_calls: list[ToolCall]
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    finish_reason: str | None = None
    message: dict[str, Any] = field(default_factory=dict)  # the assistant message, for the history


def openai_tools(specs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tool specs (nodes/tools.py shape) in the OpenAI `tools=` format litellm expects."""
    return [
        {
            "type": "function",
            "function": {
                "name": spec["name"],
                "description": str(spec.get("description") or "")[:1000],
                "parameters": spec.get("parameters") or {"type": "object", "properties": {}},
            },
        }
        for spec in specs
    ]


def supports_native_tools(model: str) -> bool:
    """Whether to send `tools=`: never for local models; for API models unless litellm knows the
    model cannot (unknown models, e.g. behind a custom api_base, are given the benefit of the doubt)."""
    if is_local_model(model):
        return False
    from studio.runtime.llm.litellm_import import import_litellm

    litellm = import_litellm()
    try:
        litellm.get_model_info(model)
    except Exception:
        return True  # not in litellm's list: an OpenAI-compatible server, most of which support tools
    try:
        return bool(litellm.supports_function_calling(model=model))
    except Exception:
        return True


def tool_result_message(call: ToolCall, content: str) -> dict[str, Any]:
    """The message that gives a tool's result back to the model."""
    return {"role": "tool", "tool_call_id": call.id, "name": call.name, "content": content}


def _parse_call(index: int, raw: Any) -> ToolCall:
    function = getattr(raw, "function", None)
    name = str(getattr(function, "name", "") or "")
    text = getattr(function, "arguments", "") or ""
    if isinstance(text, dict):
        arguments: Any = text
        text = json.dumps(text)
    else:
        try:
            arguments = json.loads(text) if str(text).strip() else {}
        except ValueError:
            arguments = str(text)
    return ToolCall(
        id=str(getattr(raw, "id", "") or f"call_{index}"),
        name=name,
        arguments=arguments,
        raw_arguments=str(text),
    )


def _kwargs(
    request: ChatRequest, specs: Sequence[dict[str, Any]], key: str | None, tool_choice: str = "auto"
) -> dict[str, Any]:
    from studio.runtime.llm.remote import PLACEHOLDER_KEY

    kwargs: dict[str, Any] = {
        "model": request.model,
        "messages": request.messages,
        "tools": openai_tools(specs),
        "tool_choice": tool_choice,
        "temperature": request.temperature,
        "timeout": request.timeout_s,
        "num_retries": request.retries,
        "drop_params": True,
        # litellm routes any call with tools= through its MCP gateway, which imports the optional
        # `mcp` package (not installed): we never use MCP tools, so skip that handler.
        "_skip_mcp_handler": True,
    }
    if request.max_tokens is not None:
        kwargs["max_tokens"] = request.max_tokens
    if request.seed is not None:
        kwargs["seed"] = request.seed
    if request.api_base:
        kwargs["api_base"] = request.api_base
    if key is not None:
        kwargs["api_key"] = key
    elif request.api_base:
        kwargs["api_key"] = PLACEHOLDER_KEY
    return kwargs


async def chat_with_tools(
    request: ChatRequest, specs: Sequence[dict[str, Any]], tool_choice: str = "auto", **test_options: Any
) -> ToolChatResult:
    """One (not streamed) completion with `tools=`; LLMError subclasses on failure.

    `tool_choice` "required" makes the model call a tool. `test_options` go to litellm as they
    are (`mock_response`, `mock_tool_calls` in tests).
    """
    from studio.runtime.llm.facade import check_request
    from studio.runtime.llm.litellm_import import import_litellm
    from studio.runtime.llm.remote import _cost, api_key_for, provider_of

    check_request(request)
    if is_local_model(request.model):
        raise LLMError(f"model: {request.model} has no native tool calls; use a text protocol (ReAct)")
    litellm = import_litellm()
    key = None if test_options else api_key_for(request, provider_of(request.model))
    kwargs = {**_kwargs(request, specs, key, tool_choice), **test_options}
    try:
        response = await asyncio.wait_for(
            litellm.acompletion(**kwargs), timeout=request.timeout_s * (request.retries + 1) + 5
        )
    except TimeoutError:
        raise LLMTimeout(f"{request.model} did not answer within {request.timeout_s:g} s") from None
    except LLMError:
        raise
    except Exception as error:  # litellm's own exception classes; the message says what happened
        status = getattr(error, "status_code", None)
        raise ProviderError(
            f"{request.model}: {type(error).__name__}: {str(error)[:300]}",
            status_code=status if isinstance(status, int) else None,
        ) from None
    choice = response.choices[0]
    message = choice.message
    calls = [_parse_call(i, raw) for i, raw in enumerate(getattr(message, "tool_calls", None) or [])]
    text = getattr(message, "content", None) or ""
    usage = getattr(response, "usage", None)
    prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
    completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
    assistant: dict[str, Any] = {"role": "assistant", "content": text}
    if calls:
        assistant["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.raw_arguments}}
            for c in calls
        ]
    return ToolChatResult(
        text=text,
        tool_calls=calls,
        model=request.model,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        cost_usd=_cost(litellm, request.model, prompt_tokens, completion_tokens),
        finish_reason=getattr(choice, "finish_reason", None),
        message=assistant,
    )


async def run_native_tools(
    request: ChatRequest,
    specs: Sequence[dict[str, Any]],
    *,
    before_call: Callable[[], None],
    spent: Callable[[ToolChatResult], None],
    step: Callable[[str, Any], None],
    call_tool: Callable[[dict[str, Any], dict[str, Any]], Awaitable[str]],
    must_call_first: bool = False,
) -> str:
    """The function-calling loop: ask with `tools=`, run each call asked for, give the results
    back, until the model answers in text. The callbacks are the agent's: `before_call` enforces
    its limits (it raises to stop), `spent` counts usage, `step` records thoughts and observations,
    `call_tool(spec, arguments)` runs a tool and returns the observation text. `must_call_first`
    sends the first request with tool_choice "required"."""
    messages = list(request.messages)
    by_name = {spec["name"]: spec for spec in specs}
    first = True
    while True:
        before_call()
        asked = replace(request, messages=list(messages))
        if first and must_call_first:
            result = await chat_with_tools(asked, specs, tool_choice="required")
        else:
            result = await chat_with_tools(asked, specs)
        first = False
        spent(result)
        if not result.tool_calls:
            answer = result.text.strip()
            step("final answer", answer)
            return answer
        if result.text.strip():
            step("thought", result.text.strip())
        messages.append(result.message)
        for call in result.tool_calls:
            spec = by_name.get(call.name)
            if spec is None:
                observation = f"Error: there is no tool {call.name!r}; tools: {', '.join(by_name)}"
            elif not call.arguments_ok:
                observation = f"Error: the arguments are not a JSON object: {call.raw_arguments[:200]}"
            else:
                observation = await call_tool(spec, call.arguments)
            if spec is None or not call.arguments_ok:
                step("observation", {"tool": call.name, "result": observation})
            messages.append(tool_result_message(call, observation))
