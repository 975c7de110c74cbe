"""Helpers shared by the loader, splitter, knowledge and retriever nodes (no node types here)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from studio.engine.context import RunContext
from studio.engine.errors import NodeError

__all__ = [
    "allowed_roots",
    "ask_llm",
    "input_path",
    "kb_name",
    "to_documents",
]


def allowed_roots(ctx: RunContext, configured: Sequence[str]) -> list[Path]:
    """Folders files may be loaded from: the node's own list (relative to the flow file), the
    host's list (`ctx.extras["allowed_folders"]`, e.g. the CLI's working folder and the flow's
    folder), else the flow's folder (the working folder only for a flow without a file); always
    also the folders the user allowed in Settings (preference "allowed_folders")."""
    from studio.runtime.preferences import get_preference

    roots = [ctx.resolve_path(p) for p in configured]
    roots += [Path(p) for p in ctx.extras.get("allowed_folders", ())]
    if not roots:
        roots = [ctx.base_dir if ctx.base_dir is not None else Path.cwd()]
    chosen = get_preference("allowed_folders", [])
    if isinstance(chosen, list):
        roots += [Path(p).expanduser() for p in chosen if isinstance(p, str) and p]
    return roots


def input_path(value: Any, configured: str, ctx: RunContext, port: str, field: str) -> Path:
    """The path to load: the input port's value (relative to the working folder, as typed on a
    command line) or else the setting (relative to the flow file's folder)."""
    if value not in (None, ""):
        if not isinstance(value, str | os.PathLike):
            raise NodeError(f"input {port!r}: expected a path, got {type(value).__name__}")
        path = Path(value).expanduser()
        if not path.is_absolute():
            at_cwd = Path.cwd() / path
            path = at_cwd if at_cwd.exists() or ctx.base_dir is None else ctx.base_dir / path
        return path
    if not configured:
        raise NodeError(f"setting {field!r}: no path given (set it or connect the {port!r} input)")
    return ctx.resolve_path(configured)


def to_documents(value: Any, port: str = "documents") -> list[dict[str, Any]]:
    """Documents from a documents input; text becomes one document; NodeError naming the port."""
    if value is None:
        return []
    if isinstance(value, str):
        return [{"text": value, "metadata": {"source": "input"}}]
    if not isinstance(value, list):
        raise NodeError(f"input {port!r}: expected a list of documents, got {type(value).__name__}")
    out = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            out.append({"text": item, "metadata": {"source": f"{port}[{index}]"}})
        elif isinstance(item, Mapping) and isinstance(item.get("text"), str):
            doc = dict(item)
            doc["metadata"] = dict(item.get("metadata") or {})
            out.append(doc)
        else:
            raise NodeError(f"input {port!r}[{index}]: expected {{'text': ..., 'metadata': {{...}}}}")
    return out


def kb_name(value: Any, configured: str) -> str:
    """The knowledge base to use: the `kb` input when connected, else the setting."""
    name = value if isinstance(value, str) and value.strip() else configured
    if not name or not str(name).strip():
        raise NodeError("setting 'kb': no knowledge base named (set it or connect the 'kb' input)")
    return str(name).strip()


async def ask_llm(
    ctx: RunContext,
    model: str,
    prompt: str,
    *,
    system: str | None = None,
    max_tokens: int = 256,
    temperature: float = 0.0,
) -> str:
    """One chat call for a retriever's helper step (rewrite, draft, decide); usage is counted."""
    from studio.runtime.llm.facade import ChatRequest, chat
    from studio.runtime.llm.types import LLMError

    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": prompt})
    request = ChatRequest(model=model, messages=messages, temperature=temperature, max_tokens=max_tokens)
    try:
        result = await chat(request)
    except LLMError as error:
        from nodes.llm import node_error

        raise node_error(error) from error
    ctx.add_usage(result.prompt_tokens, result.completion_tokens, result.cost_usd)
    return result.text.strip()
