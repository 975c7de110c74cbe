"""Text splitters: documents in, chunks out, each chunk keeping where it came from.

Every chunk's metadata is the document's metadata (source, page, ...) plus `chunk` (its number
within the source, counted over all documents of that source), `start` (character offset in
the document's text) and, for the Markdown splitter, `heading` (the heading path, "A > B").
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

Document = dict[str, Any]
# Paragraphs, lines, then sentence ends (Chinese and Western), clauses, words, characters.
DEFAULT_SEPARATORS: tuple[str, ...] = (
    "\n\n",
    "\n",
    "。",
    "！",
    "？",
    ". ",
    "! ",
    "? ",
    "；",
    "; ",
    "，",
    ", ",
    " ",
    "",
)


class SplitterError(ValueError):
    """Bad splitter settings; the message names the setting."""


def _check_sizes(size: int, overlap: int) -> None:
    if size < 1:
        raise SplitterError(f"chunk_size must be at least 1, not {size}")
    if overlap < 0 or overlap >= size:
        raise SplitterError(f"chunk_overlap must be between 0 and chunk_size - 1, not {overlap}")


def _pieces(text: str, start: int, end: int, separator: str) -> list[tuple[int, int]]:
    """Spans of text[start:end] cut after each separator (the separator stays with its piece)."""
    if separator == "":
        return [(i, i + 1) for i in range(start, end)]
    spans = []
    position = start
    while position < end:
        found = text.find(separator, position, end)
        if found == -1:
            spans.append((position, end))
            break
        cut = found + len(separator)
        spans.append((position, cut))
        position = cut
    return spans


def split_spans(
    text: str,
    chunk_size: int = 1000,
    chunk_overlap: int = 200,
    separators: Sequence[str] = DEFAULT_SEPARATORS,
    length: Callable[[str], int] = len,
) -> list[tuple[int, int]]:
    """(start, end) spans of chunks of at most `chunk_size` (by `length`), overlapping by about
    `chunk_overlap`, cut at the first separator in the list that makes pieces small enough."""
    _check_sizes(chunk_size, chunk_overlap)
    separators = list(separators) or [""]

    def span(a: int, b: int) -> int:
        # Plain character counts need no slicing (this loop runs once per piece).
        return b - a if length is len else length(text[a:b])

    def atoms(start: int, end: int, level: int) -> Iterator[tuple[int, int]]:
        # Pieces no longer than chunk_size, using the coarsest separator that works.
        if span(start, end) <= chunk_size:
            yield start, end
            return
        for index in range(level, len(separators)):
            separator = separators[index]
            if separator and text.find(separator, start, end) == -1:
                continue
            for a, b in _pieces(text, start, end, separator):
                if span(a, b) <= chunk_size:
                    yield a, b
                else:
                    yield from atoms(a, b, index + 1)
            return
        yield start, end  # not reachable: "" always splits

    chunks: list[tuple[int, int]] = []
    window: deque[tuple[int, int]] = deque()
    for atom in atoms(0, len(text), 0):
        if window and span(window[0][0], atom[1]) > chunk_size:
            chunks.append((window[0][0], window[-1][1]))
            # Keep trailing pieces as overlap while they fit under both limits.
            while window and (
                span(window[0][0], window[-1][1]) > chunk_overlap or span(window[0][0], atom[1]) > chunk_size
            ):
                window.popleft()
        window.append(atom)
    if window:
        chunks.append((window[0][0], window[-1][1]))
    # Drop chunks that are only whitespace, and trim whitespace at the edges.
    out = []
    for a, b in chunks:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def split_text(
    text: str,
    chunk_size: int = 1000,
    chunk_overlap: int = 200,
    separators: Sequence[str] = DEFAULT_SEPARATORS,
) -> list[str]:
    """The chunks of one text (recursive character splitting)."""
    return [text[a:b] for a, b in split_spans(text, chunk_size, chunk_overlap, separators)]


class _Numbering:
    """Chunk numbers per source, continuing over the documents (pages) of that source."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, source: str) -> int:
        number = self.next.get(source, 0)
        self.next[source] = number + 1
        return number


def _check_document(document: Any, index: int) -> tuple[str, dict[str, Any]]:
    if not isinstance(document, Mapping) or not isinstance(document.get("text"), str):
        raise SplitterError(f"document #{index} is not an object with a 'text' string")
    metadata = dict(document.get("metadata") or {})
    metadata.setdefault("source", f"document-{index}")
    return document["text"], metadata


def _chunk(
    text: str, metadata: Mapping[str, Any], start: int, numbering: _Numbering, **extra: Any
) -> Document:
    meta = {**metadata, **extra, "start": metadata.get("offset", 0) + start}
    meta.pop("offset", None)
    meta["chunk"] = numbering.take(str(meta["source"]))
    return {"text": text, "metadata": meta}


def recursive_split(
    documents: Iterable[Mapping[str, Any]],
    chunk_size: int = 1000,
    chunk_overlap: int = 200,
    separators: Sequence[str] = DEFAULT_SEPARATORS,
    length: Callable[[str], int] = len,
) -> list[Document]:
    """Split documents with the recursive character splitter."""
    numbering = _Numbering()
    out = []
    for index, document in enumerate(documents):
        text, metadata = _check_document(document, index)
        for a, b in split_spans(text, chunk_size, chunk_overlap, separators, length):
            out.append(_chunk(text[a:b], metadata, a, numbering))
    return out


_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def markdown_sections(text: str, max_level: int = 3) -> list[tuple[int, str, list[str]]]:
    """(start offset, body, heading path) for each section under headings up to `max_level`.

    Headings inside fenced code blocks are not headings.
    """
    sections: list[tuple[int, str, list[str]]] = []
    path: list[tuple[int, str]] = []
    body_start = 0
    in_fence = False
    offset = 0

    def close(end: int) -> None:
        body = text[body_start:end]
        if body.strip():
            sections.append((body_start, body, [title for _, title in path]))

    for line in text.splitlines(keepends=True):
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line.rstrip("\r\n"))
        if match and len(match.group(1)) <= max_level:
            close(offset)
            level = len(match.group(1))
            path = [(lv, title) for lv, title in path if lv < level] + [(level, match.group(2))]
            body_start = offset  # the heading line stays in its section's text
        offset += len(line)
    close(len(text))
    return sections


def markdown_split(
    documents: Iterable[Mapping[str, Any]],
    chunk_size: int = 1000,
    chunk_overlap: int = 200,
    max_level: int = 3,
    length: Callable[[str], int] = len,
) -> list[Document]:
    """Split Markdown by headings (heading path in `metadata.heading`), then by size."""
    numbering = _Numbering()
    out = []
    for index, document in enumerate(documents):
        text, metadata = _check_document(document, index)
        for start, body, headings in markdown_sections(text, max_level):
            extra = {"heading": " > ".join(headings)} if headings else {}
            for a, b in split_spans(body, chunk_size, chunk_overlap, DEFAULT_SEPARATORS, length):
                out.append(_chunk(body[a:b], metadata, start + a, numbering, **extra))
    return out


@lru_cache(maxsize=4)
def load_tokenizer(path: str | None = None) -> Any:
    """The embedding model's tokenizer (`tokenizers` package), with truncation and padding off."""
    from tokenizers import Tokenizer

    if path is None:
        from studio.runtime.knowledge.embeddings import tokenizer_assets_dir

        path = str(tokenizer_assets_dir() / "tokenizer.json")
    tokenizer = Tokenizer.from_file(path)
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def count_tokens(text: str, tokenizer_path: str | None = None) -> int:
    """Tokens of a text for the embedding model (without the [CLS]/[SEP] markers)."""
    return len(load_tokenizer(tokenizer_path).encode(text, add_special_tokens=False).ids)


def token_split(
    documents: Iterable[Mapping[str, Any]],
    chunk_tokens: int = 200,
    overlap_tokens: int = 20,
    tokenizer_path: str | None = None,
) -> list[Document]:
    """Split into windows of `chunk_tokens` tokens of the embedding model's tokenizer.

    The default model (all-MiniLM-L6-v2) reads at most 256 tokens; longer chunks are truncated
    when embedded, so keep `chunk_tokens` at or under that.
    """
    _check_sizes(chunk_tokens, overlap_tokens)
    tokenizer = load_tokenizer(tokenizer_path)
    numbering = _Numbering()
    out = []
    for index, document in enumerate(documents):
        text, metadata = _check_document(document, index)
        offsets = tokenizer.encode(text, add_special_tokens=False).offsets
        step = chunk_tokens - overlap_tokens
        for first in range(0, len(offsets), step):
            window = offsets[first : first + chunk_tokens]
            a, b = window[0][0], window[-1][1]
            if text[a:b].strip():
                out.append(_chunk(text[a:b], metadata, a, numbering, tokens=len(window)))
            if first + chunk_tokens >= len(offsets):
                break
    return out
