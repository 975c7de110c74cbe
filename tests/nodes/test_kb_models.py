"""Knowledge bases and embedding models (issue 12 §5) through the nodes: a new base takes the
default embedding model, an existing one keeps its own, another model is an error naming both,
the Hybrid node's vector weight on Chinese follows the model catalogue, and "does not exist"
errors name the knowledge base."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from nodes.kb_tools import search_knowledge_base
from nodes.knowledge import HybridRetrieverNode, IngestNode, TextRetrieverNode, VectorRetrieverNode
from studio.engine.errors import NodeError
from studio.runtime.knowledge.vectorstore import KnowledgeBase
from studio.runtime.preferences import set_preference
from tests.nodes.rag_helpers import run_node

ALIAS = "sentence-transformers/all-MiniLM-L6-v2"  # the built-in model under its fastembed name
CHUNKS = [
    {"text": "电池充满电后可以使用十个小时，充电需要两个小时。", "metadata": {"source": "zh.md"}},
    {"text": "如何重置密码：打开设置，然后选择重置密码。", "metadata": {"source": "zh.md"}},
    {"text": "The battery lasts ten hours on a full charge.", "metadata": {"source": "en.md"}},
]


def test_a_new_kb_takes_the_default_embedding_model_and_keeps_it() -> None:
    set_preference("default_embedding_model", ALIAS)
    out, _ = run_node(IngestNode, {"kb": "faq"}, {"chunks": CHUNKS})
    assert out["report"]["added_chunks"] == 3
    assert KnowledgeBase.open("faq").embedding_model == ALIAS  # recorded in kb.json
    set_preference("default_embedding_model", "BAAI/bge-small-zh-v1.5")  # changing the default later...
    run_node(IngestNode, {"kb": "faq"}, {"chunks": CHUNKS})
    assert KnowledgeBase.open("faq").embedding_model == ALIAS  # ...leaves the existing base alone
    with pytest.raises(NodeError) as caught:
        run_node(IngestNode, {"kb": "faq", "embedding_model": "BAAI/bge-small-zh-v1.5"}, {"chunks": CHUNKS})
    message = str(caught.value)
    assert f"'{ALIAS}'" in message and "'BAAI/bge-small-zh-v1.5'" in message and "reindex faq" in message


@dataclass
class _Entry:
    name: str
    good_in_chinese: bool
    languages: list[str]


def _ranks(kb: str, query: str) -> list[set[str]]:
    out, _ = run_node(HybridRetrieverNode, {"kb": kb, "k": 3}, {"query": query})
    return [set(d["metadata"]["ranks"]) for d in out["documents"]]


def test_hybrid_weights_the_vector_half_on_chinese_by_the_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the English-only built-in embedder runs offline here, so the Chinese-capable case is
    the same model with its catalogue entry patched to say it is good in Chinese."""
    from studio.runtime.models import catalogue

    run_node(IngestNode, {"kb": "zh", "embedding_model": "local/all-minilm-l6-v2"}, {"chunks": CHUNKS})
    # As shipped the catalogue calls the built-in model English-only: Chinese is full text only.
    assert catalogue.embedder_entry("local/all-minilm-l6-v2").good_in_chinese is False
    assert all(r == {"text"} for r in _ranks("zh", "电池 使用 多久"))
    assert any("vector" in r for r in _ranks("zh", "battery hours"))  # English keeps both halves

    monkeypatch.setattr(
        catalogue, "embedder_entry", lambda name: _Entry(name, good_in_chinese=True, languages=["en", "zh"])
    )
    assert any(r == {"vector", "text"} for r in _ranks("zh", "电池 使用 多久"))


def test_missing_knowledge_base_errors_name_it() -> None:
    KnowledgeBase.create("present")
    for node in (VectorRetrieverNode, TextRetrieverNode, HybridRetrieverNode):
        with pytest.raises(NodeError, match=r"knowledge base 'absent' does not exist.*existing: present"):
            run_node(node, {"kb": "absent"}, {"query": "anything"})
    with pytest.raises(NodeError, match="knowledge base 'absent' does not exist"):
        search_knowledge_base("absent", "anything", "hybrid", 3)
    with pytest.raises(NodeError, match="knowledge base 'absent' does not exist"):
        run_node(VectorRetrieverNode, {"kb": "present"}, {"query": "x", "kb": "absent"})
