"""LLM-assisted retrievers (with a scripted chat model), Rerank, Format Context, Few-shot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nodes.retrievers import (
    AdaptiveRetrieverNode,
    FewShotSelectorNode,
    FormatContextNode,
    HyDERetrieverNode,
    IterativeRetrieverNode,
    MultiQueryRetrieverNode,
    RAGFusionRetrieverNode,
    RerankNode,
    parse_lines,
)
from studio.engine.errors import NodeError
from studio.runtime.knowledge.vectorstore import KnowledgeBase
from studio.runtime.llm import facade as llm
from studio.runtime.llm.types import ChatResult
from tests.nodes.rag_helpers import run_node

CHUNKS = [
    ("manual.md", "Account > Password", "To reset your password open Settings, Account, Reset password."),
    ("manual.md", "Battery", "The base battery lasts ten hours and charges in two hours."),
    ("manual.md", "Cleaning", "Descale the kettle every month with citric acid."),
    ("guide.pdf", None, "Error E42 means the water tank is empty: refill it."),
    ("manual_zh.md", "密码", "重置密码：打开设置，选择账户，点击重置密码。"),
]


@pytest.fixture
def kb() -> KnowledgeBase:
    base = KnowledgeBase.create("faq")
    docs = []
    for i, (source, heading, text) in enumerate(CHUNKS):
        meta: dict[str, Any] = {"source": source}
        if heading:
            meta["heading"] = heading
        else:
            meta["page"] = i
        docs.append({"text": text, "metadata": meta})
    base.upsert_documents(docs)
    return base


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[str], str]], list[str]]:
    """Replace the chat model with a function of the last user message; returns the prompts."""

    def install(reply: Callable[[str], str]) -> list[str]:
        prompts: list[str] = []

        async def fake_chat(request: Any, on_token: Any = None, **_: Any) -> ChatResult:
            prompt = request.messages[-1]["content"]
            prompts.append(prompt)
            return ChatResult(
                text=reply(prompt),
                model=request.model,
                prompt_tokens=10,
                completion_tokens=5,
                cost_usd=0.0,
                finish_reason="stop",
            )

        monkeypatch.setattr(llm, "chat", fake_chat)
        return prompts

    return install


def test_parse_lines_strips_numbering_and_duplicates() -> None:
    assert parse_lines("1. reset password\n2) Reset Password\n- change login code\n\nok", 5) == [
        "reset password",
        "change login code",
    ]


def test_multi_query_and_rag_fusion(kb: KnowledgeBase, script: Any) -> None:
    prompts = script(lambda p: "1. change my login password\n2. forgot password steps\n3. reset account")
    out, _ = run_node(MultiQueryRetrieverNode, {"kb": "faq", "n": 3, "k": 2}, {"query": "I can't log in"})
    assert out["queries"][0] == "I can't log in" and len(out["queries"]) == 4
    assert out["documents"][0]["metadata"]["heading"] == "Account > Password"
    assert "3 different search queries" in prompts[0]
    fused, _ = run_node(RAGFusionRetrieverNode, {"kb": "faq", "n": 3, "k": 2}, {"query": "I can't log in"})
    assert fused["documents"][0]["metadata"]["heading"] == "Account > Password"
    assert len(fused["documents"][0]["metadata"]["ranks"]) >= 2  # found by several queries


def test_multi_query_survives_a_useless_llm_reply(kb: KnowledgeBase, script: Any) -> None:
    script(lambda p: "")
    out, _ = run_node(MultiQueryRetrieverNode, {"kb": "faq", "k": 1}, {"query": "battery life"})
    assert out["queries"] == ["battery life"]
    assert out["documents"][0]["metadata"]["heading"] == "Battery"


def test_hyde_searches_with_the_hypothetical_answer(kb: KnowledgeBase, script: Any) -> None:
    script(lambda p: "Descaling: use citric acid once a month to remove limescale.")
    out, _ = run_node(
        HyDERetrieverNode,
        {"kb": "faq", "k": 1, "include_question": False},
        {"query": "white deposits inside"},
    )
    assert out["hypothetical"].startswith("Descaling")
    assert out["documents"][0]["metadata"]["heading"] == "Cleaning"


def test_iterative_uses_the_draft(kb: KnowledgeBase, script: Any) -> None:
    prompts = script(lambda p: "Refill the water tank when the error E42 appears.")
    out, _ = run_node(
        IterativeRetrieverNode, {"kb": "faq", "k": 3, "rounds": 2}, {"query": "kettle shows E42"}
    )
    assert out["draft"].startswith("Refill")
    assert "Context:" in prompts[0]
    assert any(d["metadata"]["source"] == "guide.pdf" for d in out["documents"])


@pytest.mark.parametrize(("reply", "retrieved"), [("YES", True), ("No.", False), ("hmm", True)])
def test_adaptive_follows_the_decision(kb: KnowledgeBase, script: Any, reply: str, retrieved: bool) -> None:
    script(lambda p: reply)
    out, _ = run_node(AdaptiveRetrieverNode, {"kb": "faq"}, {"query": "How long does the battery last?"})
    assert out["retrieved"] is retrieved
    assert bool(out["documents"]) is retrieved


def test_rerank_fallback_orders_by_relevance() -> None:
    docs = [{"text": t, "metadata": {"source": s}, "score": 0.1} for s, _, t in CHUNKS]
    out, events = run_node(
        RerankNode,
        {"method": "auto", "top_n": 2},
        {"query": "How long does the battery last?", "documents": docs},
    )
    assert out["documents"][0]["text"].startswith("The base battery")
    assert len(out["documents"]) == 2
    assert [e.data["method"] for e in events if getattr(e, "label", "") == "rerank"] == ["embedding+keywords"]


def test_format_context_numbers_citations_and_fits_budget() -> None:
    docs = [
        {"id": str(i), "text": t, "metadata": {"source": s, **({"heading": h} if h else {"page": 3})}}
        for i, (s, h, t) in enumerate(CHUNKS)
    ]
    out, _ = run_node(FormatContextNode, {"max_tokens": 1000}, {"documents": [*docs, docs[0]]})
    assert out["context"].startswith("[1] (manual.md, Account > Password)\nTo reset")
    assert "[4] (guide.pdf, page 3)" in out["context"]
    assert [c["n"] for c in out["citations"]] == [1, 2, 3, 4, 5]  # the duplicate is dropped
    assert out["sources"].splitlines()[3] == "[4] guide.pdf, page 3"
    small, _ = run_node(FormatContextNode, {"max_tokens": 40}, {"documents": docs})
    from studio.runtime.llm.tokenizer import estimate_tokens

    assert estimate_tokens(small["context"]) <= 40 and len(small["citations"]) < 5
    with pytest.raises(NodeError, match="setting 'template'"):
        run_node(FormatContextNode, {"template": "{nope}"}, {"documents": docs})


def test_few_shot_picks_similar_examples() -> None:
    examples = [
        {"input": "My kettle beeps three times", "output": "Refill the tank."},
        {"input": "How do I change the password?", "output": "Settings > Account."},
        {"input": "Battery drains quickly", "output": "Charge it fully."},
    ]
    out, _ = run_node(FewShotSelectorNode, {"k": 1}, {"query": "I forgot my password", "examples": examples})
    assert out["examples"] == [examples[1]]
    assert out["text"] == "Input: How do I change the password?\nOutput: Settings > Account."
    with pytest.raises(NodeError, match=r"input 'examples'\[0\]"):
        run_node(FewShotSelectorNode, {}, {"query": "x", "examples": [{"question": "q"}]})
