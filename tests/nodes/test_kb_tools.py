"""The retriever as a tool: an agent's query goes to a knowledge base, passages come back."""

from __future__ import annotations

import pytest

from nodes.kb_tools import RetrieverTool
from studio.engine.errors import NodeError
from studio.runtime.knowledge.vectorstore import KnowledgeBase
from tests.nodes.test_tools import call_tool


@pytest.fixture
def manual() -> str:
    kb = KnowledgeBase.create("manual", embedding_model="test-model", dimension=3)
    kb.upsert_documents(
        [
            {
                "text": "To reset the router, hold the reset button for ten seconds.",
                "metadata": {"source": "router.md"},
            },
            {
                "text": "Invoices are sent on the first day of each month.",
                "metadata": {"source": "billing.md"},
            },
        ],
        vectors=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
    )
    return "manual"


def test_retriever_tool_returns_passages_with_sources(manual: str) -> None:
    passages = call_tool(RetrieverTool, {"kb": manual, "search": "text", "k": 1}, {"query": "reset router"})
    assert passages == [
        {
            "text": "To reset the router, hold the reset button for ten seconds.",
            "source": "router.md",
            "score": passages[0]["score"],
        }
    ]
    spec = RetrieverTool.tool_spec(RetrieverTool.Config(kb=manual))
    assert spec["name"] == "search_docs" and spec["parameters"]["required"] == ["query"]


def test_missing_knowledge_base_is_named() -> None:
    with pytest.raises(NodeError, match="knowledge base 'nope'"):
        call_tool(RetrieverTool, {"kb": "nope", "search": "text"}, {"query": "x"})
