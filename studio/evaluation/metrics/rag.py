"""RAG metrics without a chat model, after the Ragas definitions, on word and figure support.

- faithfulness: the share of the answer's claims that the retrieved contexts support.
- context_recall: the share of the reference's claims that the retrieved contexts support
  (or, with only `reference_contexts`, the share of those the retrieval found).
- context_precision: mean precision@k over the ranks k where the context is relevant to the
  reference (relevant contexts ranked first score higher).
- answer_correctness: 0.75 x claim F1 between answer and reference (true positives: answer
  claims the reference supports; false positives: the others; false negatives: reference claims the
  answer misses) + 0.25 x embedding similarity of the two.

"Supported" here means most of a claim's content words occur in one source and every figure it
states occurs in the sources (see `lexical.supported`): crude beside an LLM judge, but it works
offline, costs nothing, and catches the invented figure a small model writes.
"""

from __future__ import annotations

from typing import ClassVar

from studio.evaluation.metrics.base import Metric, MetricEnv, Need, Sample, Score, SyncMetric, register
from studio.evaluation.metrics.lexical import (
    SUPPORT_THRESHOLD,
    claims,
    recall,
    strip_citations,
    support,
    supported,
    tokens,
)

RELEVANT_OVERLAP = 0.4


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register
class Faithfulness(SyncMetric):
    name = "faithfulness"
    description = "Share of the answer's claims supported by the retrieved contexts (words and figures)."
    needs: ClassVar[frozenset[Need]] = frozenset({"contexts"})

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        statements = claims(sample.answer)
        if not statements:
            return Score.skip("the answer states nothing to check")
        contexts = list(sample.contexts or [])
        problems: list[str] = []
        good = 0
        for statement in statements:
            overlap, invented = support(statement, contexts)
            if invented:
                problems.append(
                    f"figure {', '.join(sorted(invented))} not in the contexts: {_short(statement)!r}"
                )
            elif overlap < SUPPORT_THRESHOLD:
                problems.append(f"not supported: {_short(statement)!r}")
            else:
                good += 1
        return Score(good / len(statements), "; ".join(problems[:3]))


@register
class ContextRecall(SyncMetric):
    name = "context_recall"
    description = (
        "Share of the reference's claims the retrieved contexts support (or reference contexts found)."
    )
    needs: ClassVar[frozenset[Need]] = frozenset({"contexts"})

    def missing(self, sample: Sample) -> str | None:
        if not (sample.reference or "").strip() and not sample.reference_contexts:
            return "context_recall needs a 'reference' or 'reference_contexts' column; this row has neither"
        return super().missing(sample)

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        contexts = list(sample.contexts or [])
        if (sample.reference or "").strip():
            statements = claims(sample.reference or "") or [sample.reference or ""]
            missed = [s for s in statements if not supported(s, contexts)]
            reason = "; ".join(f"not retrieved: {_short(s)!r}" for s in missed[:3])
            return Score(1 - len(missed) / len(statements), reason)
        wanted = list(sample.reference_contexts or [])
        found = [w for w in wanted if _best_overlap(w, contexts) >= 0.5]
        return Score(len(found) / len(wanted), f"{len(found)} of {len(wanted)} reference contexts retrieved")


def _best_overlap(text: str, sources: list[str]) -> float:
    wanted = tokens(text)
    return max((recall(wanted, tokens(source)) for source in sources), default=0.0)


def relevant(context: str, sample: Sample) -> bool:
    """Whether a retrieved context is relevant to the row's reference (or reference contexts)."""
    if sample.reference_contexts and _best_overlap(context, list(sample.reference_contexts)) >= 0.5:
        return True
    if sample.reference_contexts and _best_overlap_reverse(context, list(sample.reference_contexts)) >= 0.5:
        return True
    reference = sample.reference or ""
    return bool(reference.strip()) and recall(tokens(reference), tokens(context)) >= RELEVANT_OVERLAP


def _best_overlap_reverse(context: str, wanted: list[str]) -> float:
    # A short reference context inside a long retrieved chunk: how much of the reference it holds.
    have = tokens(context)
    return max((recall(tokens(w), have) for w in wanted), default=0.0)


def average_precision(verdicts: list[bool]) -> float:
    """Ragas context precision: mean of precision@k over the relevant ranks k (0 if none is)."""
    hits, total = 0, 0.0
    for rank, verdict in enumerate(verdicts, start=1):
        if verdict:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


@register
class ContextPrecision(SyncMetric):
    name = "context_precision"
    description = "Whether the contexts relevant to the reference are ranked first (mean precision@k)."
    needs: ClassVar[frozenset[Need]] = frozenset({"contexts"})

    def missing(self, sample: Sample) -> str | None:
        if not (sample.reference or "").strip() and not sample.reference_contexts:
            return (
                "context_precision needs a 'reference' or 'reference_contexts' column; this row has neither"
            )
        return super().missing(sample)

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        verdicts = [relevant(context, sample) for context in sample.contexts or []]
        marks = "".join("+" if v else "-" for v in verdicts)
        return Score(average_precision(verdicts), f"relevant by rank: {marks}")


def claim_f1(answer: str, reference: str) -> tuple[float, list[str]]:
    """Ragas' factual F1 between answer and reference claims, with the claims that went wrong."""
    answer_claims = claims(answer)
    reference_claims = claims(reference) or [reference]
    true_pos = [c for c in answer_claims if supported(c, [reference])]
    false_pos = [c for c in answer_claims if c not in true_pos]
    false_neg = [c for c in reference_claims if not supported(c, [answer])]
    denominator = len(true_pos) + 0.5 * (len(false_pos) + len(false_neg))
    notes = [f"not in the reference: {_short(c)!r}" for c in false_pos[:2]]
    notes += [f"missing: {_short(c)!r}" for c in false_neg[:2]]
    return (len(true_pos) / denominator if denominator else 0.0), notes


@register
class AnswerCorrectness(Metric):
    name = "answer_correctness"
    description = "0.75 x claim F1 against the reference + 0.25 x embedding similarity (Ragas weights)."
    needs: ClassVar[frozenset[Need]] = frozenset({"reference"})
    kind = "embedding"

    async def compute(self, sample: Sample, env: MetricEnv) -> Score:
        from studio.evaluation.metrics.embedding import similarity

        answer = strip_citations(sample.answer).strip()
        if not answer:
            return Score(0.0, "empty answer")
        factual, notes = claim_f1(answer, sample.reference or "")
        (semantic,) = await similarity(env, answer, [sample.reference or ""])
        return Score(0.75 * factual + 0.25 * semantic, "; ".join(notes))
