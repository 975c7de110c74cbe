"""Token nodes: count tokens for a model, and cut text and chat history to fit its context."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from nodes.llm import model_for_run, to_messages
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.runtime.llm import tokenizer as tok
from studio.runtime.llm.facade import DEFAULT_MODEL, LLMError

__all__ = ["FitToContextNode", "TokenCountNode", "fit_history"]

_MODEL_HELP = "The model whose tokenizer counts (the same model string as the LLM node's)."


def _is_messages(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(m, dict) and "role" in m and "content" in m for m in value)
    )


class TokenCountNode(Node):
    """How many tokens a text or a message list takes for a model."""

    type = "tokens.count"
    version = 1
    title = "Token Count"
    category = "Models"
    description = "Counts the tokens a text or a conversation takes for a model."
    inputs = (Port("text", PortType.ANY, "Text, a message list, documents or any JSON value."),)
    outputs = (Port("tokens", PortType.NUMBER, "The number of tokens."),)

    class Config(NodeConfig):
        model: str = setting(DEFAULT_MODEL, widget="model", description=_MODEL_HELP, min_length=1)

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: TokenCountNode.Config = self.config  # type: ignore[assignment]
        model = model_for_run(config.model, ctx)
        value = inputs.get("text")
        try:
            if value is None:
                count = 0
            elif isinstance(value, str):
                count = tok.count_tokens(model, value)
            elif _is_messages(value):
                count = tok.count_message_tokens(model, value)
            elif isinstance(value, list) and all(isinstance(d, dict) and "text" in d for d in value):
                count = sum(tok.count_tokens(model, str(d["text"])) for d in value)
            else:
                count = tok.count_tokens(model, json.dumps(value, ensure_ascii=False))
        except LLMError as error:
            raise NodeError(f"model: {error}") from error
        return {"tokens": count}


def fit_history(model: str, history: list[dict[str, Any]], budget: int) -> tuple[list[dict[str, Any]], int]:
    """Drop the oldest turns (a user message and the replies after it) until the history fits.

    System messages always stay, and so does the latest turn; NodeError when even those do not fit.
    Returns (history, its token count).
    """
    kept = list(history)
    tokens = tok.count_message_tokens(model, kept)
    while tokens > budget:
        others = [i for i, m in enumerate(kept) if m.get("role") != "system"]
        turn_starts = [i for i in others if kept[i].get("role") == "user"]
        # The oldest turn runs from the first non-system message to the next user message.
        first = others[0] if others else None
        later_starts = [i for i in turn_starts if first is not None and i > first]
        if first is None or not later_starts:
            raise NodeError(
                f"history: the system messages and the latest turn alone take {tokens} tokens, "
                f"more than the {budget} available; raise max_tokens or shorten them"
            )
        end = later_starts[0]
        kept = [m for i, m in enumerate(kept) if not (first <= i < end and m.get("role") != "system")]
        tokens = tok.count_message_tokens(model, kept)
    return kept, tokens


class FitToContextNode(Node):
    """Cut a text and a chat history so that they fit a model's context window."""

    type = "tokens.fit"
    version = 1
    title = "Fit to Context"
    category = "Models"
    description = (
        "Shortens a text and drops the oldest turns of a chat history so both fit the model's "
        "context window, leaving room for the reply."
    )
    inputs = (
        Port("text", PortType.TEXT, "A text to shorten (e.g. retrieved context).", required=False),
        Port("history", PortType.MESSAGES, "A conversation to shorten.", required=False),
    )
    outputs = (
        Port("text", PortType.TEXT, "The text, cut to fit."),
        Port("history", PortType.MESSAGES, "The conversation without its oldest turns."),
        Port("tokens", PortType.NUMBER, "Tokens the text and the history take now."),
    )

    class Config(NodeConfig):
        model: str = setting(DEFAULT_MODEL, widget="model", description=_MODEL_HELP, min_length=1)
        max_tokens: int | None = setting(
            None,
            ge=1,
            description="Token budget for text and history together (empty: the model's context "
            "window minus the reserve).",
        )
        reserve_tokens: int = setting(
            256, ge=0, description="Tokens left free for the instructions and the reply."
        )
        keep: Literal["start", "end", "middle"] = setting(
            "start",
            choices=["start", "end", "middle"],
            description="Which part of the text to keep: its start, its end, or start and end "
            "with the middle cut out.",
        )

    def budget(self, model: str) -> int:
        """The token budget for text and history together."""
        config: FitToContextNode.Config = self.config  # type: ignore[assignment]
        if config.max_tokens is not None:
            return config.max_tokens
        window = tok.context_window(model)
        budget = window - config.reserve_tokens
        if budget <= 0:
            raise NodeError(
                f"reserve_tokens: {config.reserve_tokens} leaves nothing of the model's "
                f"{window}-token context window"
            )
        return budget

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: FitToContextNode.Config = self.config  # type: ignore[assignment]
        model = model_for_run(config.model, ctx)
        text = inputs.get("text") or ""
        if not isinstance(text, str):
            raise NodeError(f"input 'text': expected text, got {type(text).__name__}")
        history = to_messages(inputs.get("history"), "history")
        try:
            budget = self.budget(model)
            text_tokens = tok.count_tokens(model, text)
            history_tokens = tok.count_message_tokens(model, history)
            if text_tokens + history_tokens > budget:
                # Fair shares: what one side does not need, the other may use.
                half = budget // 2
                if not history:
                    text_budget = budget
                elif text_tokens <= half:
                    text_budget = text_tokens
                elif history_tokens <= half:
                    text_budget = budget - history_tokens
                else:
                    text_budget = budget - half
                if text_tokens > text_budget:
                    text = tok.trim_text_to_tokens(model, text, text_budget, config.keep)
                    text_tokens = tok.count_tokens(model, text)
                if history:
                    history, history_tokens = fit_history(model, history, budget - text_tokens)
                ctx.trace(
                    "trimmed",
                    {"budget": budget, "text_tokens": text_tokens, "history_messages": len(history)},
                )
        except LLMError as error:
            raise NodeError(f"model: {error}") from error
        return {"text": text, "history": history, "tokens": text_tokens + history_tokens}
