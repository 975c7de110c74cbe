"""Splitters keep chunks under size, overlap them, and keep source/position/heading metadata."""

from __future__ import annotations

import pytest

from studio.runtime.knowledge.splitters import (
    SplitterError,
    count_tokens,
    markdown_split,
    recursive_split,
    split_text,
    token_split,
)

ENGLISH = " ".join(f"Sentence number {i} explains one feature of the kettle." for i in range(60))


def test_recursive_chunks_fit_overlap_and_point_back_into_the_text() -> None:
    doc = {"text": ENGLISH, "metadata": {"source": "a.txt", "page": 2}}
    chunks = recursive_split([doc], chunk_size=200, chunk_overlap=60)
    assert len(chunks) > 5
    for number, chunk in enumerate(chunks):
        meta = chunk["metadata"]
        assert len(chunk["text"]) <= 200
        assert meta["source"] == "a.txt" and meta["page"] == 2 and meta["chunk"] == number
        assert ENGLISH[meta["start"] : meta["start"] + len(chunk["text"])] == chunk["text"]
    # Consecutive chunks share text (the overlap) and cut at sentence ends.
    first, second = chunks[0], chunks[1]
    assert second["metadata"]["start"] < first["metadata"]["start"] + len(first["text"])
    assert first["text"].endswith(".")


def test_chinese_is_cut_at_chinese_punctuation() -> None:
    text = "如何重置密码？打开设置。选择账户！然后点击重置密码。" * 8
    chunks = split_text(text, chunk_size=40, chunk_overlap=0)
    assert all(len(c) <= 40 for c in chunks)
    assert all(c[-1] in "。！？" for c in chunks)
    assert "".join(chunks) == text


def test_text_without_separators_is_still_cut() -> None:
    chunks = split_text("字" * 1000, chunk_size=100, chunk_overlap=10)
    assert all(len(c) <= 100 for c in chunks) and len(chunks) >= 10


def test_chunk_numbers_continue_over_the_pages_of_one_source() -> None:
    pages = [{"text": ENGLISH[:500], "metadata": {"source": "m.pdf", "page": p}} for p in (1, 2)]
    chunks = recursive_split(pages, chunk_size=200, chunk_overlap=0)
    numbers = [c["metadata"]["chunk"] for c in chunks]
    assert numbers == list(range(len(chunks)))
    assert {c["metadata"]["page"] for c in chunks} == {1, 2}


def test_markdown_heading_paths() -> None:
    text = (
        "# Aurora K2\nIntro.\n\n## Setup\nFill the tank.\n\n```\n# not a heading\n```\n\n"
        "### Pairing\nHold the button.\n\n## Cleaning\nDescale monthly.\n"
    )
    chunks = markdown_split([{"text": text, "metadata": {"source": "m.md"}}], chunk_size=500)
    headings = [c["metadata"]["heading"] for c in chunks]
    assert headings == [
        "Aurora K2",
        "Aurora K2 > Setup",
        "Aurora K2 > Setup > Pairing",
        "Aurora K2 > Cleaning",
    ]
    assert "# not a heading" in chunks[1]["text"]
    for chunk in chunks:
        start = chunk["metadata"]["start"]
        assert text[start : start + len(chunk["text"])] == chunk["text"]


def test_token_splitter_counts_with_the_embedding_tokenizer() -> None:
    assert count_tokens("hello world") == 2
    chunks = token_split([{"text": ENGLISH, "metadata": {"source": "a"}}], chunk_tokens=50, overlap_tokens=10)
    assert len(chunks) > 3
    assert all(count_tokens(c["text"]) <= 50 for c in chunks)
    assert all(c["metadata"]["tokens"] <= 50 for c in chunks)


def test_bad_settings_and_documents() -> None:
    with pytest.raises(SplitterError, match="chunk_overlap"):
        split_text("x", chunk_size=10, chunk_overlap=10)
    with pytest.raises(SplitterError, match="chunk_size"):
        split_text("x", chunk_size=0, chunk_overlap=0)
    with pytest.raises(SplitterError, match=r"document #1 is not an object"):
        recursive_split([{"text": "ok"}, "bare string"])  # type: ignore[list-item]
