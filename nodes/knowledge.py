"""Embeddings and knowledge bases: Embed, Ingest, and the vector / full-text / hybrid / MMR
retrievers. Retrievers are not cached (a knowledge base changes under the same settings); the
table version they read is recorded in each document's `metadata.kb_version` and in a trace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from nodes.rag_common import kb_name, to_documents
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.runtime.knowledge.embeddings import DEFAULT_MODEL, EmbeddingError, get_embedder
from studio.runtime.knowledge.lock import KBLockTimeout
from studio.runtime.knowledge.manage import check_model, default_embedding_model
from studio.runtime.knowledge.query import mmr
from studio.runtime.knowledge.vectorstore import KnowledgeBase, KnowledgeBaseError, SearchResult

__all__ = [
    "EmbedNode",
    "HybridRetrieverNode",
    "IngestNode",
    "MMRRetrieverNode",
    "TextRetrieverNode",
    "VectorRetrieverNode",
    "open_kb",
]

_MODEL_HELP = (
    "'local/all-minilm-l6-v2' (built in, offline, English), any fastembed model name when "
    "online (e.g. 'BAAI/bge-small-zh-v1.5' for Chinese), or 'litellm/<provider model>'."
)


def open_kb(name: str) -> KnowledgeBase:
    """Open a knowledge base, as a NodeError naming it when that fails."""
    try:
        return KnowledgeBase.open(name)
    except KnowledgeBaseError as exc:
        raise NodeError(f"setting 'kb': {exc}") from exc


class EmbedNode(Node):
    """Turn text (or each document) into a vector."""

    type = "knowledge.embed"
    version = 1
    title = "Embed"
    category = "Knowledge"
    description = "Embeds a text (one vector) or documents (one vector each) with an embedding model."
    inputs = (Port("input", PortType.ANY, "Text, a list of texts, or documents."),)
    outputs = (Port("embedding", PortType.EMBEDDING, "A vector, or a list of vectors."),)

    class Config(NodeConfig):
        model: str = setting(DEFAULT_MODEL, widget="model", description=_MODEL_HELP, min_length=1)

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: EmbedNode.Config = self.config  # type: ignore[assignment]
        value = inputs.get("input")
        try:
            embedder = get_embedder(config.model)
            if isinstance(value, str):
                return {"embedding": embedder.embed_query(value)}
            texts = [d["text"] for d in to_documents(value, "input")]
            return {"embedding": embedder.embed(texts)}
        except EmbeddingError as exc:
            raise NodeError(f"setting 'model': {exc}") from exc


class IngestNode(Node):
    """Embed chunks and upsert them into a knowledge base (created on first use)."""

    type = "knowledge.ingest"
    version = 1
    title = "Ingest into Knowledge Base"
    category = "Knowledge"
    description = (
        "Adds chunks to a knowledge base: unchanged sources are skipped, changed ones replaced, "
        "and (optionally) sources no longer present removed. One writer at a time per base."
    )
    deterministic = False  # it writes
    inputs = (
        Port("chunks", PortType.DOCUMENTS, "Chunks with metadata.source."),
        Port("kb", PortType.TEXT, "Knowledge base name (overrides the setting).", required=False),
    )
    outputs = (
        Port("report", PortType.JSON, "Chunks added and removed, sources changed, table version."),
        Port("kb", PortType.TEXT, "The knowledge base name, to wire into a retriever."),
    )

    class Config(NodeConfig):
        kb: str = setting(
            "",
            widget="knowledge_base",
            description="Knowledge base name (letters, digits, '_', '-', '.').",
        )
        embedding_model: str = setting(
            "",
            widget="model",
            description=(
                "Model for a new knowledge base (empty: the default embedding model); an existing "
                "one keeps the model it was built with, and naming another is an error. " + _MODEL_HELP
            ),
        )
        metric: Literal["cosine", "l2", "dot"] = setting(
            "cosine", choices=["cosine", "l2", "dot"], description="Distance for a new knowledge base."
        )
        remove_missing: bool = setting(
            False, description="Delete sources in the knowledge base that this ingest did not include."
        )
        lock_timeout_s: float = setting(
            120.0, gt=0, advanced=True, description="How long to wait for another writer."
        )

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: IngestNode.Config = self.config  # type: ignore[assignment]
        name = kb_name(inputs.get("kb"), config.kb)
        chunks = to_documents(inputs.get("chunks"), "chunks")
        try:
            model = config.embedding_model.strip() or default_embedding_model()
            kb = KnowledgeBase.create(name, embedding_model=model, metric=config.metric, exist_ok=True)
            check_model(kb, config.embedding_model.strip() or None)

            def progress(done: int, total: int) -> None:
                ctx.raise_if_cancelled()
                ctx.trace("embedding", {"done": done, "total": total})

            report = kb.upsert_documents(
                chunks,
                lock_timeout=config.lock_timeout_s,
                on_progress=progress,
                check_cancel=ctx.raise_if_cancelled,
            )
            removed_sources: list[str] = []
            if config.remove_missing:
                present = {str(c["metadata"].get("source")) for c in chunks}
                removed_sources = sorted(set(kb.sources()) - present)
                report.removed_chunks += kb.remove_sources(
                    removed_sources, lock_timeout=config.lock_timeout_s
                )
                report.version = kb.version
        except (KnowledgeBaseError, KBLockTimeout, EmbeddingError) as exc:
            raise NodeError(f"knowledge base '{name}': {exc}") from exc
        result = {
            **report.as_dict(),
            "kb": name,
            "removed_sources": removed_sources,
            "chunks_in_kb": kb.count(),
        }
        ctx.trace("ingested", result)
        return {"report": result, "kb": name}


class _Retriever(Node):
    """Common settings and ports of the knowledge base retrievers."""

    category = "Knowledge"
    deterministic = False  # the knowledge base may change between runs
    inputs = (
        Port("query", PortType.TEXT, "What to look for."),
        Port("kb", PortType.TEXT, "Knowledge base name (overrides the setting).", required=False),
    )
    outputs = (Port("documents", PortType.DOCUMENTS, "Chunks found, best first, with a score."),)
    mode: ClassVar[str] = "vector"

    class Config(NodeConfig):
        kb: str = setting("", widget="knowledge_base", description="Knowledge base name.")
        k: int = setting(4, ge=1, le=200, description="How many chunks to return.")
        filter: dict[str, Any] | None = setting(
            None,
            widget="json",
            description='Metadata that must match, e.g. {"source": "manual.md"} or {"page": [1, 2]}.',
        )

    def search(self, kb: KnowledgeBase, query: str, ctx: RunContext) -> SearchResult:
        raise NotImplementedError

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        query = inputs.get("query")
        if not isinstance(query, str) or not query.strip():
            raise NodeError("input 'query': empty query")
        kb = open_kb(kb_name(inputs.get("kb"), self.config.kb))  # type: ignore[attr-defined]
        try:
            result = self.search(kb, query, ctx)
        except (KnowledgeBaseError, EmbeddingError) as exc:
            raise NodeError(f"knowledge base '{kb.name}': {exc}") from exc
        ctx.trace(
            "retrieved",
            {"kb": kb.name, "kb_version": result.version, "mode": self.mode, "found": len(result.documents)},
        )
        return {"documents": result.documents}


class VectorRetrieverNode(_Retriever):
    """Nearest chunks by embedding similarity."""

    type = "knowledge.vector_retriever"
    version = 1
    title = "Vector Retriever"
    description = "Top-k chunks by embedding similarity, with a score threshold and metadata filter."

    class Config(_Retriever.Config):
        threshold: float | None = setting(
            None, description="Drop chunks scoring below this (cosine similarity: 0.3 is loose, 0.6 strict)."
        )

    def search(self, kb: KnowledgeBase, query: str, ctx: RunContext) -> SearchResult:
        config: VectorRetrieverNode.Config = self.config  # type: ignore[assignment]
        vector = kb.embedder().embed_query(query)
        return kb.search_vector(vector, config.k, filter=config.filter, threshold=config.threshold)


class TextRetrieverNode(_Retriever):
    """Keyword (BM25) search; Chinese is segmented into words with jieba."""

    type = "knowledge.text_retriever"
    version = 1
    title = "Full-text Retriever"
    description = "Top-k chunks by BM25 keyword match (Chinese queries are cut into words)."
    mode = "text"

    def search(self, kb: KnowledgeBase, query: str, ctx: RunContext) -> SearchResult:
        config: TextRetrieverNode.Config = self.config  # type: ignore[assignment]
        return kb.search_text(query, config.k, filter=config.filter)


class HybridRetrieverNode(_Retriever):
    """Vector and full-text results fused by reciprocal rank fusion."""

    type = "knowledge.hybrid_retriever"
    version = 1
    title = "Hybrid Retriever"
    description = "Vector + full-text search fused with reciprocal rank fusion (each list's rank counts)."
    mode = "hybrid"

    class Config(_Retriever.Config):
        rrf_k: int = setting(60, ge=1, advanced=True, description="RRF constant: score = Σ 1/(rrf_k + rank).")
        vector_weight: float | None = setting(
            None,
            ge=0.0,
            advanced=True,
            description=(
                "Weight of the vector ranking against the full-text ranking (1 = equal). Empty: 1, "
                "but 0 for Chinese queries when the embedding model does not know Chinese (the "
                "built-in English-only one; the model catalogue says for the others)."
            ),
        )
        candidates: int = setting(20, ge=1, advanced=True, description="Results taken from each search.")

    def search(self, kb: KnowledgeBase, query: str, ctx: RunContext) -> SearchResult:
        config: HybridRetrieverNode.Config = self.config  # type: ignore[assignment]
        vector = kb.embedder().embed_query(query)
        return kb.search_hybrid(
            query,
            vector,
            config.k,
            filter=config.filter,
            rrf_k=config.rrf_k,
            vector_weight=config.vector_weight,
            candidates=max(config.candidates, config.k),
        )


class MMRRetrieverNode(_Retriever):
    """Relevant and diverse: maximal marginal relevance over the nearest candidates."""

    type = "knowledge.mmr_retriever"
    version = 1
    title = "MMR Retriever"
    description = "Picks k chunks that are relevant yet different from each other (less repetition)."
    mode = "mmr"

    class Config(_Retriever.Config):
        fetch_k: int = setting(20, ge=1, description="Candidates considered.")
        diversity: float = setting(
            0.5, ge=0.0, le=1.0, description="0 = most relevant only, 1 = most diverse."
        )

    def search(self, kb: KnowledgeBase, query: str, ctx: RunContext) -> SearchResult:
        config: MMRRetrieverNode.Config = self.config  # type: ignore[assignment]
        vector = kb.embedder().embed_query(query)
        found = kb.search_vector(
            vector, max(config.fetch_k, config.k), filter=config.filter, with_vectors=True
        )
        chosen = mmr(vector, found.documents, config.k, lambda_mult=1.0 - config.diversity)
        return SearchResult(chosen, found.version, found.kb)
