"""Advanced retrievers (Multi-Query, HyDE, RAG-Fusion, Iterative, Adaptive), Rerank, Format
Context with numbered citations, and the Few-shot Example Selector.

The LLM steps (rewriting, drafting, deciding) use studio.runtime.llm.facade.chat with temperature 0, so
they run offline on the built-in model. Retrieval inside them reads a knowledge base, which may
change between runs, so none of these nodes is cached except Format Context and Rerank.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from nodes.knowledge import open_kb
from nodes.rag_common import ask_llm, kb_name, to_documents
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.runtime.knowledge.embeddings import DEFAULT_MODEL as EMBED_MODEL
from studio.runtime.knowledge.embeddings import EmbeddingError, get_embedder
from studio.runtime.knowledge.query import reciprocal_rank_fusion
from studio.runtime.knowledge.vectorstore import KnowledgeBase, KnowledgeBaseError, SearchResult
from studio.runtime.llm.types import DEFAULT_MODEL as LLM_MODEL

__all__ = [
    "AdaptiveRetrieverNode",
    "FewShotSelectorNode",
    "FormatContextNode",
    "HyDERetrieverNode",
    "IterativeRetrieverNode",
    "MultiQueryRetrieverNode",
    "RAGFusionRetrieverNode",
    "RerankNode",
]

SearchMode = Literal["hybrid", "vector", "text"]
_IN = (
    Port("query", PortType.TEXT, "The user's question."),
    Port("kb", PortType.TEXT, "Knowledge base name (overrides the setting).", required=False),
)


class _LLMRetrieverConfig(NodeConfig):
    kb: str = setting("", widget="knowledge_base", description="Knowledge base name.")
    k: int = setting(4, ge=1, le=100, description="How many chunks to return.")
    search: SearchMode = setting(
        "hybrid", choices=["hybrid", "vector", "text"], description="How each query searches."
    )
    model: str = setting(LLM_MODEL, widget="model", min_length=1, description="The LLM for the helper step.")


def _search(kb: KnowledgeBase, query: str, mode: str, k: int) -> SearchResult:
    if mode == "text":
        return kb.search_text(query, k)
    vector = kb.embedder().embed_query(query)
    if mode == "vector":
        return kb.search_vector(vector, k)
    return kb.search_hybrid(query, vector, k)


async def _search_async(kb: KnowledgeBase, query: str, mode: str, k: int) -> SearchResult:
    """Search off the event loop (embedding and LanceDB calls block)."""
    try:
        return await asyncio.to_thread(_search, kb, query, mode, k)
    except (KnowledgeBaseError, EmbeddingError) as exc:
        raise NodeError(f"knowledge base '{kb.name}': {exc}") from exc


def _question(inputs: Mapping[str, Any]) -> str:
    query = inputs.get("query")
    if not isinstance(query, str) or not query.strip():
        raise NodeError("input 'query': empty question")
    return query.strip()


def parse_lines(text: str, limit: int) -> list[str]:
    """Lines of an LLM reply with numbering, bullets and quotes stripped, deduplicated."""
    out: list[str] = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)、:]|[A-Za-z][.)])\s*", "", line).strip().strip('"“”')
        if len(line) >= 3 and line.lower() not in {o.lower() for o in out}:
            out.append(line)
    return out[:limit]


async def _rewrite(ctx: RunContext, model: str, question: str, n: int) -> list[str]:
    reply = await ask_llm(
        ctx,
        model,
        f"Write {n} different search queries that would find the answer to the question below "
        "in a product manual. Use other words than the question. One query per line, no "
        f"numbering, no explanations, same language as the question.\n\nQuestion: {question}",
        max_tokens=40 * n + 20,
    )
    queries = [q for q in parse_lines(reply, n) if q.lower() != question.lower()]
    ctx.trace("rewritten queries", queries)
    return queries


class MultiQueryRetrieverNode(Node):
    """The LLM rewrites the question several ways; the results of all queries are merged."""

    type = "retrievers.multi_query"
    version = 1
    title = "Multi-Query Retriever"
    category = "Retrieval"
    description = (
        "Asks the LLM for N rewordings of the question, searches with each (and the original) "
        "and merges the results, keeping each chunk's best score."
    )
    deterministic = False
    inputs = _IN
    outputs = (
        Port("documents", PortType.DOCUMENTS, "Merged results."),
        Port("queries", PortType.JSON, "The queries searched."),
    )

    class Config(_LLMRetrieverConfig):
        n: int = setting(3, ge=1, le=10, description="How many rewordings to ask for.")

    fuse: bool = False

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: MultiQueryRetrieverNode.Config = self.config  # type: ignore[assignment]
        question = _question(inputs)
        kb = open_kb(kb_name(inputs.get("kb"), config.kb))
        queries = [question, *await _rewrite(ctx, config.model, question, config.n)]
        results = [await _search_async(kb, q, config.search, max(config.k, 10)) for q in queries]
        if self.fuse:
            documents = reciprocal_rank_fusion([r.documents for r in results])
        else:  # unique union, ordered by the best rank a chunk reached in any list
            best: dict[str, tuple[int, int, dict[str, Any]]] = {}
            for list_no, result in enumerate(results):
                for rank, doc in enumerate(result.documents):
                    key = str(doc.get("id") or doc["text"])
                    if key not in best or (rank, list_no) < best[key][:2]:
                        best[key] = (rank, list_no, doc)
            documents = [d for _, _, d in sorted(best.values(), key=lambda t: t[:2])]
        return {"documents": documents[: config.k], "queries": queries}


class RAGFusionRetrieverNode(MultiQueryRetrieverNode):
    """Multi-query with reciprocal rank fusion: chunks found by several queries rise."""

    type = "retrievers.rag_fusion"
    title = "RAG-Fusion Retriever"
    description = (
        "Rewrites the question N ways, searches with each, and fuses the ranked lists with "
        "reciprocal rank fusion. Follow it with Rerank for a final ordering."
    )
    fuse = True


class HyDERetrieverNode(Node):
    """Hypothetical Document Embeddings: search with an LLM-written answer, not the question."""

    type = "retrievers.hyde"
    version = 1
    title = "HyDE Retriever"
    category = "Retrieval"
    description = (
        "The LLM writes a short hypothetical answer; its embedding (closer to real answers than "
        "the question's) finds the chunks. The question's own results are fused in."
    )
    deterministic = False
    inputs = _IN
    outputs = (
        Port("documents", PortType.DOCUMENTS, "Chunks found."),
        Port("hypothetical", PortType.TEXT, "The LLM's hypothetical answer."),
    )

    class Config(_LLMRetrieverConfig):
        search: SearchMode = setting(
            "vector",
            choices=["hybrid", "vector", "text"],
            description="How the hypothetical answer searches.",
        )
        include_question: bool = setting(True, description="Also search with the question itself.")

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: HyDERetrieverNode.Config = self.config  # type: ignore[assignment]
        question = _question(inputs)
        kb = open_kb(kb_name(inputs.get("kb"), config.kb))
        answer = await ask_llm(
            ctx,
            config.model,
            "Write a short passage from a product manual that answers the question. "
            f"Same language as the question.\n\nQuestion: {question}",
            max_tokens=160,
        )
        ctx.trace("hypothetical answer", answer)
        lists = [(await _search_async(kb, answer or question, config.search, 10)).documents]
        if config.include_question:
            lists.append((await _search_async(kb, question, config.search, 10)).documents)
        documents = reciprocal_rank_fusion(lists) if len(lists) > 1 else lists[0]
        return {"documents": documents[: config.k], "hypothetical": answer}


class IterativeRetrieverNode(Node):
    """Retrieve, draft an answer, retrieve again with the draft, for N rounds."""

    type = "retrievers.iterative"
    version = 1
    title = "Iterative Retriever"
    category = "Retrieval"
    description = (
        "Each round drafts an answer from what was found so far and searches again with the "
        "question plus the draft, so later rounds find what the first search missed."
    )
    deterministic = False
    inputs = _IN
    outputs = (
        Port("documents", PortType.DOCUMENTS, "Chunks from all rounds, fused."),
        Port("draft", PortType.TEXT, "The last draft answer."),
    )

    class Config(_LLMRetrieverConfig):
        rounds: int = setting(2, ge=1, le=5, description="Search rounds (1 = plain retrieval).")

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: IterativeRetrieverNode.Config = self.config  # type: ignore[assignment]
        question = _question(inputs)
        kb = open_kb(kb_name(inputs.get("kb"), config.kb))
        lists = [(await _search_async(kb, question, config.search, config.k)).documents]
        draft = ""
        for round_no in range(1, config.rounds):
            ctx.raise_if_cancelled()
            context = "\n\n".join(d["text"] for d in reciprocal_rank_fusion(lists)[: config.k])
            draft = await ask_llm(
                ctx,
                config.model,
                f"Context:\n{context}\n\nUsing the context, draft a short answer to: {question}",
                max_tokens=160,
            )
            ctx.trace(f"round {round_no + 1} draft", draft)
            lists.append((await _search_async(kb, f"{question}\n{draft}", config.search, config.k)).documents)
        return {"documents": reciprocal_rank_fusion(lists)[: config.k], "draft": draft}


class AdaptiveRetrieverNode(Node):
    """The LLM decides whether the question needs the knowledge base at all."""

    type = "retrievers.adaptive"
    version = 1
    title = "Adaptive Retriever"
    category = "Retrieval"
    description = (
        "Asks the LLM whether answering needs the documents (small talk and general knowledge "
        "do not). Retrieves only when it says yes; 'retrieved' says what happened."
    )
    deterministic = False
    inputs = _IN
    outputs = (
        Port("documents", PortType.DOCUMENTS, "Chunks found (empty when retrieval was skipped)."),
        Port("retrieved", PortType.BOOLEAN, "Whether the knowledge base was searched."),
    )

    class Config(_LLMRetrieverConfig):
        topic: str = setting("our product's documentation", description="What the knowledge base covers.")
        default: Literal["retrieve", "skip"] = setting(
            "retrieve", choices=["retrieve", "skip"], description="What to do when the reply is unclear."
        )

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: AdaptiveRetrieverNode.Config = self.config  # type: ignore[assignment]
        question = _question(inputs)
        kb = open_kb(kb_name(inputs.get("kb"), config.kb))
        reply = await ask_llm(
            ctx,
            config.model,
            f"Do you need to look up {config.topic} to answer the message below? "
            f"Answer only YES or NO.\n\nMessage: {question}",
            max_tokens=4,
        )
        word = reply.strip().lower()
        if word.startswith(("yes", "是", "需要")):
            decide = True
        elif word.startswith(("no", "否", "不")):
            decide = False
        else:
            decide = config.default == "retrieve"
        ctx.trace("decision", {"reply": reply, "retrieve": decide})
        if not decide:
            return {"documents": [], "retrieved": False}
        result = await _search_async(kb, question, config.search, config.k)
        return {"documents": result.documents, "retrieved": True}


_WORD = re.compile(r"[\w']+", re.UNICODE)
_STOP = {
    "the",
    "a",
    "an",
    "of",
    "to",
    "in",
    "on",
    "for",
    "is",
    "are",
    "how",
    "do",
    "i",
    "my",
    "what",
    "does",
    "can",
    "and",
    "or",
    "it",
    "with",
    "when",
    "why",
    "which",
    "be",
    "you",
}


def _terms(text: str) -> set[str]:
    from studio.runtime.knowledge.fts_tokens import segment_query

    return {w.lower() for w in _WORD.findall(segment_query(text)) if w.lower() not in _STOP}


def keyword_overlap(query: str, text: str) -> float:
    """Share of the query's content words that occur in the text (Chinese cut with jieba)."""
    wanted = _terms(query)
    return len(wanted & _terms(text)) / len(wanted) if wanted else 0.0


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


class RerankNode(Node):
    """Reorder documents by relevance to the query: a cross-encoder, or the offline fallback."""

    type = "retrievers.rerank"
    version = 1
    title = "Rerank"
    category = "Retrieval"
    description = (
        "Scores each document against the query and keeps the best. 'cross-encoder' uses a "
        "fastembed cross-encoder (downloaded on first use, needs network). The offline fallback "
        "scores 0.8 x cosine similarity of the query and document embeddings (the built-in "
        "embedding model) + 0.2 x the share of query words found in the document. 'auto' uses "
        "the cross-encoder when its files are already downloaded, else the fallback."
    )
    inputs = (
        Port("query", PortType.TEXT, "The question."),
        Port("documents", PortType.DOCUMENTS, "Candidates to reorder."),
    )
    outputs = (Port("documents", PortType.DOCUMENTS, "The best documents, best first."),)

    class Config(NodeConfig):
        method: Literal["auto", "cross-encoder", "embedding"] = setting(
            "auto", choices=["auto", "cross-encoder", "embedding"], description="How to score."
        )
        cross_encoder: str = setting(
            "Xenova/ms-marco-MiniLM-L-6-v2", advanced=True, description="fastembed cross-encoder model name."
        )
        embedding_model: str = setting(EMBED_MODEL, advanced=True, description="Model of the fallback.")
        top_n: int = setting(4, ge=1, le=100, description="How many documents to keep.")

    def _cross_encoder(self, query: str, texts: list[str], strict: bool) -> list[float] | None:
        config: RerankNode.Config = self.config  # type: ignore[assignment]
        from studio.runtime import paths

        folder = paths.sub_dir("models") / "fastembed"
        short = config.cross_encoder.split("/")[-1]
        folder.mkdir(parents=True, exist_ok=True)
        if not strict and not any(short in p.name for p in folder.iterdir()):
            return None  # not downloaded: 'auto' does not try the network (it may be offline)
        try:
            from fastembed.rerank.cross_encoder import TextCrossEncoder

            cache = str(folder)
            model = TextCrossEncoder(config.cross_encoder, cache_dir=cache, local_files_only=not strict)
            return [float(s) for s in model.rerank(query, texts)]
        except Exception as exc:
            if strict:
                raise NodeError(
                    f"setting 'cross_encoder': cannot load {config.cross_encoder!r}: {exc}"
                ) from exc
            return None

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: RerankNode.Config = self.config  # type: ignore[assignment]
        query = _question(inputs)
        documents = to_documents(inputs.get("documents"))
        if not documents:
            return {"documents": []}
        texts = [d["text"] for d in documents]
        scores = None
        if config.method != "embedding":
            scores = self._cross_encoder(query, texts, strict=config.method == "cross-encoder")
        method = "cross-encoder"
        if scores is None:
            method = "embedding+keywords"
            try:
                embedder = get_embedder(config.embedding_model)
                vectors = embedder.embed([query, *texts])
            except EmbeddingError as exc:
                raise NodeError(f"setting 'embedding_model': {exc}") from exc
            scores = [
                0.8 * _cosine(vectors[0], v) + 0.2 * keyword_overlap(query, t)
                for v, t in zip(vectors[1:], texts, strict=True)
            ]
        ctx.trace("rerank", {"method": method, "candidates": len(documents)})
        order = sorted(range(len(documents)), key=lambda i: -scores[i])
        out = []
        for i in order[: config.top_n]:
            doc = dict(documents[i])
            doc["metadata"] = {**doc["metadata"], "retrieval_score": doc.get("score")}
            doc["score"] = round(scores[i], 6)
            out.append(doc)
        return {"documents": out}


def citation_label(metadata: Mapping[str, Any]) -> str:
    """ "manual.md, Account > Password" or "guide.pdf, page 3" for a chunk's metadata."""
    parts = [str(metadata.get("source", "unknown"))]
    if metadata.get("heading"):
        parts.append(str(metadata["heading"]))
    if metadata.get("page") is not None:
        parts.append(f"page {metadata['page']}")
    return ", ".join(parts)


class FormatContextNode(Node):
    """Documents into a prompt block with numbered citations, within a token budget."""

    type = "retrievers.format_context"
    version = 1
    title = "Format Context"
    category = "Retrieval"
    description = (
        "Numbers the documents [1], [2]... with their source (file, heading, page), stops (or "
        "shortens the last one) at the token budget, and lists the citations."
    )
    inputs = (Port("documents", PortType.DOCUMENTS, "Documents, best first."),)
    outputs = (
        Port("context", PortType.TEXT, "The numbered context block."),
        Port("citations", PortType.JSON, "[{n, source, heading?, page?, label}] in order."),
        Port("sources", PortType.TEXT, "The citations as lines '[n] file, heading, page'."),
    )

    class Config(NodeConfig):
        max_tokens: int = setting(1200, ge=10, description="Token budget of the whole block.")
        model: str = setting(
            "estimate",
            widget="model",
            description=(
                "Model whose tokenizer counts ('estimate': ~4 characters, or 1 CJK character, per token)."
            ),
        )
        template: str = setting(
            "[{n}] ({label})\n{text}",
            multiline=True,
            description="One entry; fields: n, label, text, source.",
        )

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        from studio.runtime.llm import tokenizer

        config: FormatContextNode.Config = self.config  # type: ignore[assignment]

        def count(text: str) -> int:
            if config.model == "estimate":
                return tokenizer.estimate_tokens(text)
            return tokenizer.count_tokens(config.model, text)

        entries: list[str] = []
        citations: list[dict[str, Any]] = []
        used = 0
        seen: set[str] = set()
        for doc in to_documents(inputs.get("documents")):
            key = str(doc.get("id") or doc["text"])
            if key in seen:
                continue
            seen.add(key)
            meta = doc["metadata"]
            n = len(entries) + 1
            fields = {
                "n": n,
                "label": citation_label(meta),
                "source": meta.get("source", ""),
                "text": doc["text"],
            }
            try:
                entry = config.template.format(**fields)
            except (KeyError, IndexError, ValueError) as exc:
                raise NodeError(f"setting 'template': {exc!r} (fields: n, label, text, source)") from exc
            cost = count(entry) + (2 if entries else 0)
            if used + cost > config.max_tokens:
                room = config.max_tokens - used - count(config.template.format(**{**fields, "text": ""})) - 2
                if room < 30:  # not worth a stub
                    break
                fields["text"] = (
                    tokenizer.trim_text_to_tokens(config.model, doc["text"], room)
                    if config.model != "estimate"
                    else doc["text"][: room * 3]
                )
                entry = config.template.format(**fields)
                cost = count(entry) + 2
                if used + cost > config.max_tokens:
                    break
            entries.append(entry)
            used += cost
            cite = {"n": n, "source": meta.get("source"), "label": fields["label"]}
            for key_name in ("heading", "page"):
                if meta.get(key_name) is not None:
                    cite[key_name] = meta[key_name]
            citations.append(cite)
        sources = "\n".join(f"[{c['n']}] {c['label']}" for c in citations)
        return {"context": "\n\n".join(entries), "citations": citations, "sources": sources}


class FewShotSelectorNode(Node):
    """Pick the k examples most similar to the input, for a few-shot prompt."""

    type = "retrievers.few_shot"
    version = 1
    title = "Few-shot Example Selector"
    category = "Retrieval"
    description = (
        "Embeds the query and the examples (a list, or a knowledge base's chunks) and keeps the "
        "k most similar, formatted for a prompt."
    )
    inputs = (
        Port("query", PortType.TEXT, "The new input."),
        Port("examples", PortType.JSON, "A list of example objects, e.g. {input, output}.", required=False),
        Port("kb", PortType.TEXT, "Take examples from this knowledge base instead.", required=False),
    )
    outputs = (
        Port("examples", PortType.JSON, "The chosen examples, most similar first."),
        Port("text", PortType.TEXT, "The chosen examples formatted with the template."),
    )

    class Config(NodeConfig):
        k: int = setting(3, ge=1, le=50, description="How many examples.")
        match_field: str = setting("input", description="Field of each example compared with the query.")
        template: str = setting(
            "Input: {input}\nOutput: {output}",
            multiline=True,
            description="One example; fields are the example's keys.",
        )
        model: str = setting(EMBED_MODEL, widget="model", advanced=True, description="Embedding model.")

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: FewShotSelectorNode.Config = self.config  # type: ignore[assignment]
        query = _question(inputs)
        if isinstance(inputs.get("kb"), str) and inputs["kb"].strip():
            kb = open_kb(inputs["kb"].strip())
            found = kb.search_vector(kb.embedder().embed_query(query), config.k).documents
            chosen = [
                {"input": d["text"], "output": d["metadata"].get("output", ""), **d["metadata"]}
                for d in found
            ]
        else:
            examples = inputs.get("examples")
            if not isinstance(examples, list) or not examples:
                raise NodeError("input 'examples': connect a list of examples (or the 'kb' input)")
            for index, example in enumerate(examples):
                if not isinstance(example, Mapping) or config.match_field not in example:
                    raise NodeError(
                        f"input 'examples'[{index}]: expected an object with a "
                        f"{config.match_field!r} field (setting 'match_field')"
                    )
            try:
                embedder = get_embedder(config.model)
                vectors = embedder.embed([query, *[str(e[config.match_field]) for e in examples]])
            except EmbeddingError as exc:
                raise NodeError(f"setting 'model': {exc}") from exc
            scored = sorted(range(len(examples)), key=lambda i: -_cosine(vectors[0], vectors[i + 1]))
            chosen = [dict(examples[i]) for i in scored[: config.k]]
        texts = []
        for example in chosen:
            try:
                texts.append(config.template.format(**example))
            except KeyError as exc:
                raise NodeError(f"setting 'template': the example has no field {exc}") from exc
        return {"examples": chosen, "text": "\n\n".join(texts)}
