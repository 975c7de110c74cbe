"""Token Count and Fit to Context nodes, with the built-in model's real tokenizer."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from nodes.io import Output, TextInput
from nodes.tokens import FitToContextNode, TokenCountNode
from studio.engine import run_flow
from studio.engine.cache import OutputCache
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node
from studio.engine.registry import Registry
from studio.runtime.llm.facade import BUILTIN_MODEL
from studio.runtime.llm.tokenizer import ELLIPSIS, count_message_tokens, count_tokens
from tests.builders import FlowBuilder

LONG = " ".join(f"Paragraph {i} talks about rivers, mountains and the sea." for i in range(300))


def run_node(node: Node, inputs: dict[str, Any], base_dir: Path | None = None) -> dict[str, Any]:
    """Call a sync node's `run` with a real RunContext, as the engine's worker thread would."""

    async def main() -> dict[str, Any]:
        ctx = RunContext(
            run_id="run-1",
            node_id=node.type,
            node_label=node.title,
            emit=lambda event: None,
            loop=asyncio.get_running_loop(),
            cancelled=threading.Event(),
            flow_inputs={},
            variables={},
            base_dir=base_dir,
        )
        return dict(await asyncio.to_thread(node.run, inputs, ctx))  # type: ignore[arg-type]

    return asyncio.run(main())


def count(value: Any, **config: Any) -> int:
    node = TokenCountNode(TokenCountNode.Config(**config))
    return int(run_node(node, {"text": value})["tokens"])


def fit(inputs: dict[str, Any], **config: Any) -> dict[str, Any]:
    return run_node(FitToContextNode(FitToContextNode.Config(**config)), inputs)


def chat_history(turns: int) -> list[dict[str, Any]]:
    history: list[dict[str, Any]] = [{"role": "system", "content": "You are a helpful guide."}]
    for i in range(turns):
        history.append({"role": "user", "content": f"Question {i}: tell me about place number {i}."})
        history.append({"role": "assistant", "content": f"Answer {i}: " + "It is lovely. " * 10})
    return history


def test_count_text_messages_documents_and_json() -> None:
    assert count("Hello world") == count_tokens(BUILTIN_MODEL, "Hello world")
    messages = [{"role": "user", "content": "Hello world"}]
    assert count(messages) == count_message_tokens(BUILTIN_MODEL, messages)
    documents = [{"text": "Hello world", "metadata": {}}, {"text": "Bye", "metadata": {}}]
    assert count(documents) == count_tokens(BUILTIN_MODEL, "Hello world") + count_tokens(BUILTIN_MODEL, "Bye")
    assert count({"a": 1}) == count_tokens(BUILTIN_MODEL, '{"a": 1}')
    assert count(None) == 0


def test_count_for_an_api_model() -> None:
    assert count("hello world", model="openai/gpt-4o-mini") == 2


def test_count_with_a_missing_model_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(NodeError, match=r"model:.*gone\.gguf"):
        run_node(TokenCountNode(TokenCountNode.Config(model="gone.gguf")), {"text": "x"}, tmp_path)


def test_fit_leaves_small_inputs_alone() -> None:
    history = chat_history(1)
    out = fit({"text": "short", "history": history})
    assert out["text"] == "short" and out["history"] == history
    assert out["tokens"] == count_tokens(BUILTIN_MODEL, "short") + count_message_tokens(
        BUILTIN_MODEL, history
    )


@pytest.mark.parametrize("keep", ["start", "end", "middle"])
def test_fit_cuts_text_to_the_budget(keep: str) -> None:
    out = fit({"text": LONG}, max_tokens=100, keep=keep)
    assert out["tokens"] <= 100 and out["tokens"] > 60
    if keep == "start":
        assert LONG.startswith(out["text"])
    elif keep == "end":
        assert LONG.endswith(out["text"])
    else:
        head, tail = out["text"].split(ELLIPSIS)
        assert LONG.startswith(head) and LONG.endswith(tail)
    assert out["history"] == []


def test_default_budget_is_the_context_window_minus_the_reserve() -> None:
    out = fit({"text": LONG}, reserve_tokens=1048)
    assert 900 < out["tokens"] <= 2048 - 1048


def test_reserve_bigger_than_the_window_is_refused() -> None:
    with pytest.raises(NodeError, match="reserve_tokens"):
        fit({"text": "x"}, reserve_tokens=5000)


def test_history_drops_oldest_turns_and_keeps_system_and_latest() -> None:
    history = chat_history(12)
    out = fit({"history": history}, max_tokens=300)
    kept = out["history"]
    assert out["tokens"] <= 300
    assert kept[0] == history[0]  # the system message stays
    assert kept[-2:] == history[-2:]  # the latest turn stays
    assert len(kept) < len(history)
    assert kept[1]["role"] == "user"  # whole turns are dropped, never half of one
    assert kept == [history[0], *history[len(history) - (len(kept) - 1) :]]


def test_history_that_cannot_fit_says_why() -> None:
    history = [{"role": "user", "content": "word " * 400}]
    with pytest.raises(NodeError, match="latest turn alone"):
        fit({"history": history}, max_tokens=50)


def test_text_and_history_share_the_budget() -> None:
    out = fit({"text": LONG, "history": chat_history(12)}, max_tokens=400)
    assert out["tokens"] <= 400
    text_tokens = count_tokens(BUILTIN_MODEL, out["text"])
    history_tokens = count_message_tokens(BUILTIN_MODEL, out["history"])
    assert text_tokens > 100 and history_tokens > 100  # neither starved the other


def test_short_text_leaves_the_rest_to_history() -> None:
    out = fit({"text": "A short note.", "history": chat_history(12)}, max_tokens=400)
    assert out["text"] == "A short note."
    assert out["tokens"] <= 400


def test_fit_in_a_flow() -> None:
    flow = (
        FlowBuilder()
        .node("doc", "io.text_input", name="doc")
        .node("fit", "tokens.fit", max_tokens=50)
        .node("count", "tokens.count")
        .node("out", "io.output", name="tokens")
        .chain("doc.text", "fit.text", "fit.text", "count.text", "count.tokens", "out.value")
        .build()
    )
    registry = Registry.of([TextInput, Output, FitToContextNode, TokenCountNode])
    result = run_flow(flow, {"doc": LONG}, registry=registry, cache=OutputCache(), record=False)
    assert result.status == "succeeded", result.error
    assert 30 < result.outputs["tokens"] <= 50
