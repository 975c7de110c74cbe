"""The offline embedder: real fastembed with the int8 all-MiniLM-L6-v2 model, and its cache."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from studio.runtime.knowledge import embeddings
from studio.runtime.knowledge.embeddings import EmbeddingError, get_embedder


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / (
        math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    )


def test_offline_model_embeds_with_meaningful_similarity(studio_home: Path) -> None:
    embedder = get_embedder()
    vectors = embedder.embed(
        ["How do I reset my password?", "Steps to reset a forgotten password", "Bananas are yellow"]
    )
    assert embedder.dimension == 384
    assert [len(v) for v in vectors] == [384, 384, 384]
    assert _cos(vectors[0], vectors[1]) > _cos(vectors[0], vectors[2]) + 0.3
    # The model folder was assembled in the data folder from the wheel and the shipped assets.
    folder = embeddings.local_model_dir()
    assert folder == studio_home / "models" / "all-MiniLM-L6-v2-int8"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [
            "model.onnx",
            "config.json",
            "special_tokens_map.json",
            "tokenizer.json",
            "tokenizer_config.json",
        ]
    )


def test_cache_serves_texts_already_embedded(studio_home: Path) -> None:
    embedder = get_embedder()
    texts = [f"chunk number {i} about the product" for i in range(10)]
    first = embedder.embed(texts)
    before = embedder.embedded_count
    second = embedder.embed([*texts, texts[0]])
    assert embedder.embedded_count == before  # nothing re-embedded
    assert second[:10] == first
    assert embedder.cache is not None and embedder.cache.count("local/all-minilm-l6-v2") >= 10
    assert (studio_home / "embedding_cache.sqlite").is_file()


def test_batches_and_order_are_preserved(studio_home: Path) -> None:
    embedder = get_embedder()
    texts = [f"sentence {i}" for i in range(150)]  # more than one batch of 64
    together = embedder.embed(texts)
    alone = [get_embedder(use_cache=False).embed([t])[0] for t in (texts[0], texts[149])]
    assert _cos(together[0], alone[0]) > 0.999
    assert _cos(together[149], alone[1]) > 0.999


def test_empty_input_and_bad_items(studio_home: Path) -> None:
    embedder = get_embedder()
    assert embedder.embed([]) == []
    with pytest.raises(EmbeddingError, match="text #1"):
        embedder.embed(["fine", 42])  # type: ignore[list-item]
    with pytest.raises(EmbeddingError, match="empty"):
        get_embedder("  ")


def test_unknown_model_offline_is_a_clear_error(studio_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = embeddings.Embedder("no-such-org/no-such-model")
    with pytest.raises(EmbeddingError, match="no-such-org/no-such-model"):
        embedder.embed(["hello"])
