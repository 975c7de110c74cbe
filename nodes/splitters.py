"""Splitters: documents into chunks for embedding, keeping source, position, page and heading."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nodes.rag_common import to_documents
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.runtime.knowledge import splitters

__all__ = ["MarkdownSplitterNode", "RecursiveSplitterNode", "TokenSplitterNode"]

_IN = (Port("documents", PortType.DOCUMENTS, "Documents to split (text works too)."),)
_OUT = (Port("chunks", PortType.DOCUMENTS, "Chunks with source, chunk number, start and page/heading."),)


class RecursiveSplitterNode(Node):
    """Split by paragraphs, lines, sentences (Chinese punctuation too), words, characters."""

    type = "splitters.recursive"
    version = 1
    title = "Recursive Splitter"
    category = "Documents"
    description = "Cuts text into chunks of at most `chunk_size` characters at the best separator."
    inputs = _IN
    outputs = _OUT

    class Config(NodeConfig):
        chunk_size: int = setting(800, ge=1, description="Longest chunk, in characters.")
        chunk_overlap: int = setting(100, ge=0, description="Characters shared by neighbouring chunks.")
        separators: list[str] | None = setting(
            None,
            advanced=True,
            description="Separators tried in order (empty: paragraphs, lines, 。！？, '. ', spaces).",
        )

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: RecursiveSplitterNode.Config = self.config  # type: ignore[assignment]
        try:
            chunks = splitters.recursive_split(
                to_documents(inputs.get("documents")),
                config.chunk_size,
                config.chunk_overlap,
                config.separators or splitters.DEFAULT_SEPARATORS,
            )
        except splitters.SplitterError as exc:
            raise NodeError(str(exc)) from exc
        return {"chunks": chunks}


class MarkdownSplitterNode(Node):
    """Split Markdown (and HTML/DOCX loaded as Markdown) by headings, then by size."""

    type = "splitters.markdown"
    version = 1
    title = "Markdown Splitter"
    category = "Documents"
    description = "One chunk per section (heading path kept as 'heading'), long sections cut by size."
    inputs = _IN
    outputs = _OUT

    class Config(NodeConfig):
        max_level: int = setting(3, ge=1, le=6, description="Deepest heading level that starts a section.")
        chunk_size: int = setting(1200, ge=1, description="Longest chunk, in characters.")
        chunk_overlap: int = setting(100, ge=0, description="Overlap when a section is cut.")

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: MarkdownSplitterNode.Config = self.config  # type: ignore[assignment]
        try:
            chunks = splitters.markdown_split(
                to_documents(inputs.get("documents")),
                config.chunk_size,
                config.chunk_overlap,
                config.max_level,
            )
        except splitters.SplitterError as exc:
            raise NodeError(str(exc)) from exc
        return {"chunks": chunks}


class TokenSplitterNode(Node):
    """Split by tokens of the embedding model's tokenizer."""

    type = "splitters.token"
    version = 1
    title = "Token Splitter"
    category = "Documents"
    description = (
        "Windows of `chunk_tokens` tokens counted with the embedding model's tokenizer "
        "(all-MiniLM-L6-v2 reads at most 256)."
    )
    inputs = _IN
    outputs = _OUT

    class Config(NodeConfig):
        chunk_tokens: int = setting(200, ge=1, description="Tokens per chunk.")
        overlap_tokens: int = setting(20, ge=0, description="Tokens shared by neighbouring chunks.")

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: TokenSplitterNode.Config = self.config  # type: ignore[assignment]
        try:
            chunks = splitters.token_split(
                to_documents(inputs.get("documents")), config.chunk_tokens, config.overlap_tokens
            )
        except splitters.SplitterError as exc:
            raise NodeError(str(exc)) from exc
        return {"chunks": chunks}
