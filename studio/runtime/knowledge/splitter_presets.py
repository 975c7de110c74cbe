"""Splitter presets a user picks by name (New knowledge base, `studio kb create --splitter`).

Kept apart from `manage.py` so the command-line parser can list them without importing the
knowledge base code.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_SPLITTER", "SPLITTER_NAMES", "SPLITTER_PRESETS"]

SPLITTER_PRESETS: dict[str, dict[str, Any]] = {
    # Markdown headings first (heading path kept for citations), then ~600 characters.
    "markdown": {"kind": "markdown", "chunk_size": 600, "chunk_overlap": 80, "max_level": 3},
    "paragraphs": {"kind": "recursive", "chunk_size": 1000, "chunk_overlap": 200},
    "small": {"kind": "recursive", "chunk_size": 400, "chunk_overlap": 50},
    # Windows of the built-in embedding model's tokens (it reads at most 256).
    "tokens": {"kind": "tokens", "chunk_tokens": 200, "overlap_tokens": 20},
}
SPLITTER_NAMES = tuple(SPLITTER_PRESETS)
DEFAULT_SPLITTER = "markdown"
