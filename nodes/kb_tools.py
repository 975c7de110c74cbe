"""Knowledge-base search offered to agents as a tool (the retriever as a tool)."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from nodes.tools import TOOL_NAME, ToolConfig, ToolNode
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import NodeConfig, setting

__all__ = ["RetrieverTool", "search_knowledge_base"]


def search_knowledge_base(name: str, query: str, mode: str, k: int) -> list[dict[str, Any]]:
    """Search a knowledge base (blocking: embedding and LanceDB); documents best first."""
    from studio.runtime.knowledge.embeddings import EmbeddingError
    from studio.runtime.knowledge.vectorstore import KnowledgeBase, KnowledgeBaseError

    try:
        kb = KnowledgeBase.open(name)
        if mode == "text":
            return kb.search_text(query, k).documents
        vector = kb.embedder().embed_query(query)
        if mode == "vector":
            return kb.search_vector(vector, k).documents
        return kb.search_hybrid(query, vector, k).documents
    except (KnowledgeBaseError, EmbeddingError) as exc:
        raise NodeError(f"knowledge base {name!r}: {exc}") from None


class RetrieverTool(ToolNode):
    """Let an agent search a knowledge base: it gets the best passages with their sources."""

    type = "tool.retriever"
    title = "Knowledge Base Search (tool)"
    description = "Offers a knowledge base to agents: a query in, the best passages with their sources out."
    default_description = "Search the knowledge base for passages that answer a question."
    deterministic = False  # the knowledge base can change between runs

    class Config(ToolConfig):
        name: str = setting("search_docs", pattern=TOOL_NAME, description="The tool's name as agents see it.")
        kb: str = setting(..., min_length=1, widget="knowledge_base", description="Knowledge base name.")
        k: int = setting(4, ge=1, le=50, description="Passages returned.")
        search: Literal["hybrid", "vector", "text"] = setting(
            "hybrid", choices=["hybrid", "vector", "text"], description="How the query searches."
        )
        max_chars: int = setting(
            800, ge=50, le=20_000, description="Longest passage text given to the agent."
        )

    @classmethod
    def parameters(cls, config: NodeConfig) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"query": {"type": "string", "description": "What to look for."}},
            "required": ["query"],
        }

    async def call(self, arguments: dict[str, Any], ctx: RunContext) -> Any:
        config: RetrieverTool.Config = self.config  # type: ignore[assignment]
        query = str(arguments["query"]).strip()
        if not query:
            raise NodeError("query: empty")
        documents = await asyncio.to_thread(search_knowledge_base, config.kb, query, config.search, config.k)
        passages = []
        for document in documents:
            text = str(document.get("text", ""))
            if len(text) > config.max_chars:
                text = text[: config.max_chars] + " ..."
            source = (document.get("metadata") or {}).get("source", "")
            passages.append({"text": text, "source": source, "score": document.get("score")})
        ctx.trace("retrieved", {"query": query, "sources": [p["source"] for p in passages]})
        return passages
