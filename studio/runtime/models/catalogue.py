"""The model catalogue: chat models (GGUF files on the Hugging Face hub) and embedding models
(fastembed) that Chain Studio knows how to download, read from `assets/models/catalogue.json`.

Imports only the standard library, so the knowledge runtime may read it (which embedder is good in
Chinese) without pulling in the LLM runtime.
"""

from __future__ import annotations

import difflib
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CATALOGUE_FILE = Path(__file__).resolve().parents[3] / "assets" / "models" / "catalogue.json"


@dataclass(frozen=True)
class ChatEntry:
    """One chat model of the catalogue: a GGUF file in a Hugging Face repository."""

    name: str
    title: str
    hf_repo: str
    file: str
    size_bytes: int
    quantisation: str
    context_length: int
    languages: list[str]
    good_in_chinese: bool
    ram_gb: float
    licence: str
    licence_url: str
    size_approximate: bool = False
    builtin: bool = False
    notes: str = ""
    # The model string flows use; a download is saved as `<name>.gguf`, so "local/<name>".
    model: str = ""

    @property
    def model_string(self) -> str:
        """The string an LLM node's `model` field takes for this model."""
        return self.model or f"local/{self.name}"


@dataclass(frozen=True)
class EmbedderEntry:
    """One embedding model of the catalogue; `name` is fastembed's model name."""

    name: str
    short_name: str
    title: str
    dim: int
    languages: list[str]
    good_in_chinese: bool
    size_bytes: int
    licence: str
    licence_url: str
    hf_repo: str = ""
    # Whether fastembed can load it (those it cannot are listed but not pullable).
    fastembed: bool = True
    size_approximate: bool = False
    builtin: bool = False
    notes: str = ""


@dataclass(frozen=True)
class Catalogue:
    """All catalogue entries, in the file's order."""

    chat: list[ChatEntry] = field(default_factory=list)
    embedders: list[EmbedderEntry] = field(default_factory=list)

    def chat_entry(self, name: str) -> ChatEntry | None:
        """The chat entry named `name` (case-insensitive; its model string or file also match)."""
        wanted = name.strip().lower()
        for entry in self.chat:
            keys = {
                entry.name.lower(),
                entry.model_string.lower(),
                entry.file.lower(),
                Path(entry.file).stem.lower(),
            }
            if wanted in keys:
                return entry
        return None

    def embedder_entry(self, name: str) -> EmbedderEntry | None:
        """The embedder named `name`: fastembed's name, the short name, case-insensitive."""
        wanted = name.strip().lower()
        for entry in self.embedders:
            if wanted in {entry.name.lower(), entry.short_name.lower(), entry.name.lower().split("/")[-1]}:
                return entry
        return None

    def close_matches(self, name: str, *, kind: str = "chat") -> list[str]:
        """Catalogue names that look like `name` (for "did you mean ...?"), best first."""
        names = [e.name for e in self.chat] if kind == "chat" else [e.short_name for e in self.embedders]
        lowered = {n.lower(): n for n in names}
        wanted = name.strip().lower()

        def score(candidate: str) -> float:
            # Against the whole name and its start: "lama3" is close to "llama-3.2-1b-instruct".
            head = candidate[: len(wanted) + 2]
            return max(difflib.SequenceMatcher(None, wanted, c).ratio() for c in (candidate, head))

        scored = sorted(((score(c), c) for c in lowered), reverse=True)
        matches = [c for s, c in scored if s >= 0.6][:3]
        # Also a plain substring ("qwen" -> every Qwen model), which the ratio misses.
        for candidate in lowered:
            if wanted and wanted in candidate and candidate not in matches:
                matches.append(candidate)
        return [lowered[m] for m in matches[:5]]


def _fields(cls: type, raw: dict[str, Any]) -> dict[str, Any]:
    """The keys of a raw entry that the dataclass knows (the file may carry more)."""
    known = set(cls.__dataclass_fields__)  # type: ignore[attr-defined]
    return {key: value for key, value in raw.items() if key in known}


def _chat(raw: dict[str, Any]) -> ChatEntry:
    raw = {**raw, "hf_repo": raw.get("hf_repo", "")}
    return ChatEntry(**_fields(ChatEntry, raw))


def _embedder(raw: dict[str, Any]) -> EmbedderEntry:
    raw = {**raw, "short_name": raw.get("short_name") or str(raw["name"]).split("/")[-1].lower()}
    return EmbedderEntry(**_fields(EmbedderEntry, raw))


@functools.lru_cache(maxsize=4)
def _load(path: str) -> Catalogue:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return Catalogue(
        chat=[_chat(item) for item in data.get("chat", [])],
        embedders=[_embedder(item) for item in data.get("embedders", [])],
    )


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The catalogue (read once per process)."""
    return _load(str(path or CATALOGUE_FILE))


def chat_entry(name: str) -> ChatEntry | None:
    """The catalogue's chat model named `name`, or None."""
    return load_catalogue().chat_entry(name)


def embedder_entry(name: str) -> EmbedderEntry | None:
    """The catalogue's embedding model named `name` (fastembed name or short name), or None.

    The built-in `local/all-minilm-l6-v2` is an entry too (English only)."""
    return load_catalogue().embedder_entry(name)


def close_matches(name: str, *, kind: str = "chat") -> list[str]:
    """Catalogue names close to `name`; `kind` is "chat" or "embedders"."""
    return load_catalogue().close_matches(name, kind=kind)


def format_size(size_bytes: int) -> str:
    """A size in words a user reads: "1.1 GB", "98 MB"."""
    if size_bytes >= 1_000_000_000:
        return f"{size_bytes / 1e9:.1f} GB"
    if size_bytes >= 1_000_000:
        return f"{size_bytes / 1e6:.0f} MB"
    return f"{max(size_bytes, 0) / 1e3:.0f} kB"
