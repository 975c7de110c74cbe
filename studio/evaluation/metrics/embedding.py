"""Metrics on sentence embeddings (the offline all-MiniLM-L6-v2 model by default): no chat model needed.

Cosine similarities are clamped to [0, 1]: a negative cosine between two sentences means
"unrelated" as much as zero does, and a range that starts at 0 reads the same as the other metrics.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from typing import ClassVar

from studio.evaluation.metrics.base import Metric, MetricEnv, Need, Sample, Score, register
from studio.evaluation.metrics.lexical import strip_citations


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity clamped to [0, 1] (0 for a zero vector)."""
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return max(0.0, min(1.0, dot / norm)) if norm else 0.0


async def similarity(env: MetricEnv, first: str, others: list[str]) -> list[float]:
    """Cosine of `first` to each of `others`, embedding in a worker thread (it is CPU work)."""
    vectors = await asyncio.to_thread(env.embed, [first, *others])
    return [cosine(vectors[0], vector) for vector in vectors[1:]]


class _EmbeddingMetric(Metric):
    kind = "embedding"


@register
class AnswerSimilarity(_EmbeddingMetric):
    name = "answer_similarity"
    description = "Semantic similarity of the answer to the reference (Ragas answer similarity)."
    needs: ClassVar[frozenset[Need]] = frozenset({"reference"})

    async def compute(self, sample: Sample, env: MetricEnv) -> Score:
        answer = strip_citations(sample.answer).strip()
        if not answer:
            return Score(0.0, "empty answer")
        (value,) = await similarity(env, answer, [sample.reference or ""])
        return Score(value)


@register
class AnswerRelevance(_EmbeddingMetric):
    name = "answer_relevance"
    description = "How closely the answer addresses the question: embedding similarity of the two."

    def missing(self, sample: Sample) -> str | None:
        return None if sample.question.strip() else "answer_relevance needs the question (a text input)"

    async def compute(self, sample: Sample, env: MetricEnv) -> Score:
        answer = strip_citations(sample.answer).strip()
        if not answer:
            return Score(0.0, "empty answer")
        (value,) = await similarity(env, sample.question, [answer])
        return Score(value)


@register
class ContextRelevance(_EmbeddingMetric):
    name = "context_relevance"
    description = "Mean embedding similarity of the retrieved contexts to the question."
    needs: ClassVar[frozenset[Need]] = frozenset({"contexts"})

    def missing(self, sample: Sample) -> str | None:
        if not sample.question.strip():
            return "context_relevance needs the question (a text input)"
        return super().missing(sample)

    async def compute(self, sample: Sample, env: MetricEnv) -> Score:
        values = await similarity(env, sample.question, list(sample.contexts or []))
        best = max(range(len(values)), key=values.__getitem__)
        return Score(sum(values) / len(values), f"best context: #{best + 1} ({values[best]:.2f})")
