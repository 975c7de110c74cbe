"""Conversation memory nodes: recall a session's history before the LLM, save the turn after it.

The session comes from the host (`studio chat --session alice`, the GUI's chat panel) through
`ctx.extras["session_id"]`, else from the node's `session_id` setting, else "default". Sessions
are kept per flow: under the node's `memory_key` setting when set, else `ctx.extras["flow_id"]`,
else `ctx.flow_id` (the flow file's id). Everything lives in `studio.runtime.memory` (SQLite).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.runtime.memory import MemoryStore, MemoryStoreError, default_store, vector_kb_name

__all__ = ["BufferMemory", "SaveMemory", "SummaryMemory", "VectorMemory", "session_of", "vector_kb_name"]

DEFAULT_SUMMARY_PROMPT = (
    "Update the running summary of a conversation. Keep every fact about the user (name, "
    "preferences, requests) and every decision. Answer with the new summary only, at most 120 words."
)


class _MemoryConfig(NodeConfig):
    session_id: str = setting(
        "",
        description="Session to use when the host does not give one (studio chat --session).",
        advanced=True,
    )
    memory_key: str = setting(
        "", description="Which conversations to share; empty = this flow's own.", advanced=True
    )


def session_of(config: NodeConfig, ctx: RunContext) -> tuple[str, str]:
    """(flow key, session id) for this run."""
    flow_key = (
        getattr(config, "memory_key", "")
        # A host (the chat panel, `studio chat`) may name the conversation's flow itself.
        or ctx.extras.get("flow_id")
        or ctx.flow_id
        or "default"
    )
    session = ctx.extras.get("session_id") or getattr(config, "session_id", "") or "default"
    return str(flow_key), str(session)


def store_of(ctx: RunContext) -> MemoryStore:
    """The host's store (ctx.extras["memory_store"]) or the one in the user data folder."""
    store = ctx.extras.get("memory_store")
    if isinstance(store, MemoryStore):
        return store
    try:
        return default_store()
    except MemoryStoreError as exc:
        raise NodeError(str(exc)) from None


def _trim_to_tokens(messages: list[dict[str, Any]], budget: int) -> list[dict[str, Any]]:
    """The newest messages whose estimated tokens fit the budget (always at least the last one)."""
    from studio.runtime.llm.tokenizer import estimate_tokens

    kept: list[dict[str, Any]] = []
    used = 0
    for message in reversed(messages):
        cost = estimate_tokens(str(message.get("content", ""))) + 4
        if kept and used + cost > budget:
            break
        kept.append(message)
        used += cost
    return list(reversed(kept))


def _message_port(inputs: Mapping[str, Any]) -> list[dict[str, Any]]:
    message = inputs.get("message")
    if message is None or message == "":
        return []
    if not isinstance(message, str):
        raise NodeError(f"input 'message': expected text, got {type(message).__name__}")
    return [{"role": "user", "content": message}]


class BufferMemory(Node):
    """The last turns of the session (by count and token budget), ready to send to an LLM."""

    type = "memory.buffer"
    title = "Conversation Memory"
    category = "Memory"
    description = (
        "Recalls the session's last turns (up to a number of turns and a token budget). "
        "Pair it with Save to Memory after the LLM."
    )
    deterministic = False
    inputs = (Port("message", PortType.TEXT, "The user's new message.", required=False),)
    outputs = (
        Port("history", PortType.MESSAGES, "Earlier turns, oldest first."),
        Port("messages", PortType.MESSAGES, "Earlier turns followed by the new message."),
    )

    class Config(_MemoryConfig):
        max_turns: int = setting(20, ge=0, le=10_000, description="Most turns recalled (0 = none).")
        max_tokens: int = setting(0, ge=0, description="Token budget for the history (0 = no budget).")

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: BufferMemory.Config = self.config  # type: ignore[assignment]
        flow_key, session = session_of(config, ctx)
        try:
            history = (
                store_of(ctx).messages(flow_key, session, last=config.max_turns) if config.max_turns else []
            )
        except MemoryStoreError as exc:
            raise NodeError(str(exc)) from None
        if config.max_tokens:
            history = _trim_to_tokens(history, config.max_tokens)
        ctx.trace("memory", {"session": session, "turns": len(history)})
        return {"history": history, "messages": [*history, *_message_port(inputs)]}


class SaveMemory(Node):
    """Append the user's message and the assistant's reply to the session."""

    type = "memory.save"
    title = "Save to Memory"
    category = "Memory"
    description = "Stores the user's message and the reply as two turns of the session."
    deterministic = False
    inputs = (
        Port("message", PortType.TEXT, "The user's message.", required=False),
        Port("reply", PortType.TEXT, "The assistant's reply."),
    )
    outputs = (Port("reply", PortType.TEXT, "The reply, passed on once it is saved."),)

    class Config(_MemoryConfig):
        pass

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        flow_key, session = session_of(self.config, ctx)
        reply = inputs.get("reply")
        if not isinstance(reply, str):
            raise NodeError(f"input 'reply': expected text, got {type(reply).__name__}")
        turns = [*_message_port(inputs), {"role": "assistant", "content": reply}]
        try:
            store_of(ctx).add_turns(flow_key, session, ctx.scrub(turns))
        except MemoryStoreError as exc:
            raise NodeError(str(exc)) from None
        return {"reply": reply}


class SummaryMemory(Node):
    """Recent turns verbatim plus an LLM-written running summary of everything older."""

    type = "memory.summary"
    title = "Summary Memory"
    category = "Memory"
    description = (
        "Keeps the last turns word for word and folds older ones into a running summary written "
        "by an LLM, so long conversations fit the context window."
    )
    deterministic = False
    inputs = (Port("message", PortType.TEXT, "The user's new message.", required=False),)
    outputs = (
        Port("history", PortType.MESSAGES, "A system message with the summary, then the recent turns."),
        Port("messages", PortType.MESSAGES, "History followed by the new message."),
        Port("summary", PortType.TEXT, "The running summary (empty until there is one)."),
    )

    class Config(_MemoryConfig):
        model: str = setting(
            "local/smollm2-135m-instruct", widget="model", description="Model that writes the summary."
        )
        keep_recent: int = setting(6, ge=0, le=1000, description="Turns kept word for word.")
        fold_every: int = setting(4, ge=1, le=1000, description="Fold once this many older turns wait.")
        max_tokens: int = setting(200, ge=16, le=4096, description="Longest summary, in tokens.")
        prompt: str = setting(
            DEFAULT_SUMMARY_PROMPT, multiline=True, description="Instructions for the summary."
        )

    async def _fold(self, summary: str, turns: list[dict[str, Any]], ctx: RunContext) -> str:
        from studio.runtime.llm.facade import ChatRequest, LLMError, chat

        config: SummaryMemory.Config = self.config  # type: ignore[assignment]
        transcript = "\n".join(f"{t['role']}: {t['content']}" for t in turns)
        request = ChatRequest(
            model=config.model,
            temperature=0.0,
            max_tokens=config.max_tokens,
            messages=[
                {"role": "system", "content": config.prompt},
                {
                    "role": "user",
                    "content": (
                        f"Summary so far:\n{summary or '(none)'}\n\nNew turns:\n{transcript}\n\nNew summary:"
                    ),
                },
            ],
        )
        try:
            result = await chat(request)
        except LLMError as exc:
            raise NodeError(f"summarising the conversation failed: {exc}") from None
        ctx.add_usage(result.prompt_tokens, result.completion_tokens, result.cost_usd)
        return result.text.strip()

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: SummaryMemory.Config = self.config  # type: ignore[assignment]
        flow_key, session = session_of(config, ctx)
        store = store_of(ctx)
        try:
            current = store.summary(flow_key, session)
            covered = current["covered_up_to"] if current else 0
            pending = store.turns(flow_key, session, after_id=covered)
            older, recent = (
                pending[: len(pending) - config.keep_recent],
                pending[len(pending) - config.keep_recent :],
            )
            if config.keep_recent == 0:
                older, recent = pending, []
            summary = current["text"] if current else ""
            if len(older) >= config.fold_every:
                summary = await self._fold(summary, older, ctx)
                store.set_summary(flow_key, session, ctx.scrub(summary), covered_up_to=older[-1]["id"])
                ctx.trace("memory summary", {"folded_turns": len(older), "summary": summary})
            else:
                recent = pending  # not enough to fold yet: keep them all verbatim
        except MemoryStoreError as exc:
            raise NodeError(str(exc)) from None
        history = [{"role": t["role"], "content": t["content"]} for t in recent]
        if summary:
            history.insert(0, {"role": "system", "content": f"Summary of the conversation so far: {summary}"})
        return {"history": history, "messages": [*history, *_message_port(inputs)], "summary": summary}


class VectorMemory(Node):
    """Recall the past turns most relevant to the new message (embeddings in LanceDB), plus recent ones."""

    type = "memory.vector"
    title = "Vector Memory"
    category = "Memory"
    description = (
        "Finds the earlier turns of the session that are most relevant to the new message (by "
        "meaning, through a knowledge base of the session's turns) and adds the latest turns."
    )
    deterministic = False
    inputs = (Port("message", PortType.TEXT, "The user's new message."),)
    outputs = (
        Port("recalled", PortType.MESSAGES, "The relevant older turns, oldest first."),
        Port("history", PortType.MESSAGES, "A system note with the recalled turns, then the recent turns."),
        Port("messages", PortType.MESSAGES, "History followed by the new message."),
    )

    class Config(_MemoryConfig):
        k: int = setting(4, ge=1, le=50, description="Older turns recalled at most.")
        recent_turns: int = setting(4, ge=0, le=100, description="Latest turns always included.")
        min_score: float = setting(0.0, ge=-1, le=1, advanced=True, description="Drop recalls scoring lower.")
        embedding_model: str = setting(
            "local/all-minilm-l6-v2", widget="model", advanced=True, description="Embedding model."
        )

    def _recall(self, message: str, ctx: RunContext) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        from studio.runtime.knowledge.embeddings import EmbeddingError
        from studio.runtime.knowledge.vectorstore import KnowledgeBaseError, open_or_create

        config: VectorMemory.Config = self.config  # type: ignore[assignment]
        flow_key, session = session_of(config, ctx)
        try:
            turns = store_of(ctx).turns(flow_key, session)
        except MemoryStoreError as exc:
            raise NodeError(str(exc)) from None
        split = len(turns) - config.recent_turns if config.recent_turns else len(turns)
        older, recent = turns[: max(split, 0)], turns[max(split, 0) :]
        if not older or not message.strip():
            return [], recent
        try:
            kb = open_or_create(vector_kb_name(flow_key, session), embedding_model=config.embedding_model)
            indexed = set(kb.sources())
            new = [t for t in older if f"turn-{t['id']}" not in indexed]
            if new:  # index turns once, as they age out of the recent window
                kb.upsert_documents(
                    [
                        {
                            "text": f"{t['role']}: {t['content']}",
                            "metadata": {"source": f"turn-{t['id']}", "turn_id": t["id"], "role": t["role"]},
                        }
                        for t in new
                    ]
                )
            found = kb.search_vector(
                kb.embedder().embed_query(message), config.k, threshold=config.min_score or None
            ).documents
        except (KnowledgeBaseError, EmbeddingError) as exc:
            raise NodeError(f"vector memory: {exc}") from None
        by_id = {t["id"]: t for t in older}
        ids = sorted({int(d["metadata"].get("turn_id", -1)) for d in found} & set(by_id))
        return [by_id[i] for i in ids], recent

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        import asyncio

        new_message = _message_port(inputs)
        text = new_message[0]["content"] if new_message else ""
        recalled_turns, recent = await asyncio.to_thread(self._recall, text, ctx)
        recalled = [{"role": t["role"], "content": t["content"]} for t in recalled_turns]
        history = [{"role": t["role"], "content": t["content"]} for t in recent]
        if recalled:
            note = "\n".join(f"{m['role']}: {m['content']}" for m in recalled)
            history.insert(0, {"role": "system", "content": f"Relevant earlier conversation:\n{note}"})
        ctx.trace("memory recall", {"recalled": len(recalled), "recent": len(recent)})
        return {"recalled": recalled, "history": history, "messages": [*history, *new_message]}
