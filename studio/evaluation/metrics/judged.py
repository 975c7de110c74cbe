"""Metrics scored by a judge model: RAG metrics (Ragas / DeepEval definitions), G-Eval, pairwise.

The judge is a model chosen for the evaluation (`--judge`), separate from the flow's own model.
Every verdict is asked for as JSON constrained by a schema, so a reply is either a usable verdict
or a clear "the judge's reply did not fit" note on that cell; it is never guessed from free text.
"""

from __future__ import annotations

from typing import Any, ClassVar

from studio.evaluation.metrics.base import Metric, MetricEnv, MetricError, Need, Sample, Score, register
from studio.evaluation.metrics.lexical import claims, strip_citations
from studio.evaluation.metrics.rag import average_precision


class JudgeUnavailable(ValueError):
    """The judge model cannot be used (no such local file, no API key); raised before any cell runs."""


def check_judge(model: str) -> None:
    """Raise JudgeUnavailable naming the judge model when it cannot be called from here."""
    from studio.runtime.llm.facade import LLMError, is_local_model, resolve_local_model

    if not model or not model.strip():
        raise JudgeUnavailable("--judge: no judge model given")
    try:
        if is_local_model(model):
            resolve_local_model(model)
        else:
            from studio.runtime.llm.facade import ChatRequest
            from studio.runtime.llm.remote import api_key_for, provider_of

            api_key_for(ChatRequest(model=model, messages=[]), provider_of(model))
    except LLMError as error:
        raise JudgeUnavailable(f"judge model {model!r} is not available: {error}") from None


async def ask_judge(env: MetricEnv, instructions: str, content: str, schema: dict[str, Any]) -> Any:
    """One judge call with a schema-constrained JSON reply; LLMError when it fails or does not fit."""
    # Looked up at call time so that tests can script `facade.chat`.
    from studio.runtime.llm import facade

    request = facade.ChatRequest(
        model=env.judge or "",
        messages=[{"role": "system", "content": instructions}, {"role": "user", "content": content}],
        temperature=0.0,
        seed=0,
        max_tokens=env.judge_max_tokens,
        response_format="json_schema",
        json_schema=schema,
    )
    result = await facade.chat(request)
    return result.parsed


def _numbered(texts: list[str]) -> str:
    return "\n".join(f"[{i}] {text}" for i, text in enumerate(texts, start=1))


_BOOLEAN = {"type": "boolean"}
_STRING = {"type": "string"}


def _object(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties)}


class JudgeMetric(Metric):
    """A metric that asks the judge; its failures become skipped scores with the judge's error."""

    kind = "judge"

    async def score(self, sample: Sample, env: MetricEnv) -> Score:
        if not env.judge:
            return Score.skip(f"{self.name} needs a judge model (--judge MODEL)")
        from studio.runtime.llm.facade import LLMError

        try:
            return await super().score(sample, env)
        except LLMError as error:
            return Score.skip(f"the judge failed: {error}")
        except (KeyError, TypeError, ValueError) as error:
            return Score.skip(f"the judge's verdict did not fit ({type(error).__name__}: {error})")


@register
class FaithfulnessJudge(JudgeMetric):
    name = "faithfulness_judge"
    description = "Share of the answer's claims the judge finds supported by the contexts (Ragas)."
    needs: ClassVar[frozenset[Need]] = frozenset({"contexts", "judge"})

    async def compute(self, sample: Sample, env: MetricEnv) -> Score:
        schema = _object(claims={"type": "array", "items": _object(claim=_STRING, supported=_BOOLEAN)})
        verdict = await ask_judge(
            env,
            "You check answers against sources. Split the answer into short standalone claims. For "
            "each claim, set supported to true only if the sources state it (figures must match).",
            f"Sources:\n{_numbered(list(sample.contexts or []))}\n\n"
            f"Answer:\n{strip_citations(sample.answer)}",
            schema,
        )
        items = verdict["claims"]
        if not items:
            return Score.skip("the judge found no claims in the answer")
        bad = [str(item["claim"]) for item in items if not item["supported"]]
        return Score(1 - len(bad) / len(items), "; ".join(f"unsupported: {c!r}" for c in bad[:3]))


@register
class ContextPrecisionJudge(JudgeMetric):
    name = "context_precision_judge"
    description = "Mean precision@k of the contexts the judge finds useful for the reference (Ragas)."
    needs: ClassVar[frozenset[Need]] = frozenset({"contexts", "reference", "judge"})

    async def compute(self, sample: Sample, env: MetricEnv) -> Score:
        verdicts: list[bool] = []
        for context in sample.contexts or []:
            verdict = await ask_judge(
                env,
                "Decide whether the context was useful in arriving at the given answer to the question.",
                f"Question: {sample.question}\nAnswer: {sample.reference}\nContext: {context}",
                _object(reason=_STRING, useful=_BOOLEAN),
            )
            verdicts.append(bool(verdict["useful"]))
        marks = "".join("+" if v else "-" for v in verdicts)
        return Score(average_precision(verdicts), f"useful by rank: {marks}")


@register
class ContextRecallJudge(JudgeMetric):
    name = "context_recall_judge"
    description = "Share of the reference's sentences the judge can attribute to the contexts (Ragas)."
    needs: ClassVar[frozenset[Need]] = frozenset({"contexts", "reference", "judge"})

    async def compute(self, sample: Sample, env: MetricEnv) -> Score:
        sentences = (claims(sample.reference or "") or [sample.reference or ""])[:10]
        missed: list[str] = []
        for sentence in sentences:
            verdict = await ask_judge(
                env,
                "Decide whether the sentence can be attributed to (is stated by) the context.",
                f"Context:\n{_numbered(list(sample.contexts or []))}\n\nSentence: {sentence}",
                _object(reason=_STRING, attributed=_BOOLEAN),
            )
            if not verdict["attributed"]:
                missed.append(sentence)
        return Score(1 - len(missed) / len(sentences), "; ".join(f"not retrieved: {s!r}" for s in missed[:3]))


@register
class AnswerCorrectnessJudge(JudgeMetric):
    name = "answer_correctness_judge"
    description = (
        "0.75 x F1 of the judge's TP/FP/FN claims against the reference + 0.25 x similarity (Ragas)."
    )
    needs: ClassVar[frozenset[Need]] = frozenset({"reference", "judge"})

    async def compute(self, sample: Sample, env: MetricEnv) -> Score:
        from studio.evaluation.metrics.embedding import similarity

        strings = {"type": "array", "items": _STRING}
        verdict = await ask_judge(
            env,
            "Compare the answer with the ground truth. List the answer's statements the ground truth "
            "supports (tp), the answer's statements it does not support (fp), and the ground "
            "truth's statements missing from the answer (fn).",
            f"Question: {sample.question}\nGround truth: {sample.reference}\n"
            f"Answer: {strip_citations(sample.answer)}",
            _object(tp=strings, fp=strings, fn=strings),
        )
        tp, fp, fn = (len(verdict[key]) for key in ("tp", "fp", "fn"))
        if tp + fp + fn == 0:
            return Score.skip("the judge listed no statements")
        factual = tp / (tp + 0.5 * (fp + fn))
        (semantic,) = await similarity(env, strip_citations(sample.answer), [sample.reference or ""])
        return Score(0.75 * factual + 0.25 * semantic, f"tp={tp} fp={fp} fn={fn}")


@register
class GEval(JudgeMetric):
    name = "geval"
    description = "A 1-5 score with a reason for a rubric you write (geval:@rubric.txt), G-Eval style."
    low = 1.0
    high = 5.0
    needs: ClassVar[frozenset[Need]] = frozenset({"judge"})
    option = "the rubric (inline or @file)"

    def __init__(self, argument: str | None = None):
        super().__init__(argument)
        if not (argument or "").strip():
            raise MetricError("metric 'geval' needs a rubric: geval:@rubric.txt or geval:TEXT")

    @property
    def label(self) -> str:
        return self.name

    async def compute(self, sample: Sample, env: MetricEnv) -> Score:
        schema = _object(reason=_STRING, score={"type": "integer", "enum": [1, 2, 3, 4, 5]})
        reference = f"\nReference answer: {sample.reference}" if sample.reference else ""
        verdict = await ask_judge(
            env,
            "You grade an answer with a rubric. Think through the rubric's criteria step by step "
            "in the reason, then give a score from 1 (worst) to 5 (best).\n\nRubric:\n"
            + (self.argument or ""),
            f"Question: {sample.question}{reference}\nAnswer: {strip_citations(sample.answer)}",
            schema,
        )
        value = int(verdict["score"])
        if not 1 <= value <= 5:
            raise ValueError(f"score {value} is outside 1-5")
        return Score(float(value), str(verdict["reason"]))


@register
class Pairwise(JudgeMetric):
    """A preference between the first two variants, asked twice with the answers swapped.

    Scored per row once both cells are done (by the runner, not `score`): each variant gets 1 for a
    win, 0.5 for a tie and 0 for a loss, averaged over both orders, which cancels a judge's
    preference for the first (or second) position.
    """

    name = "pairwise"
    description = "Judge's preference between the first two variants (order swapped; 1 win, 0.5 tie, 0 loss)."
    needs: ClassVar[frozenset[Need]] = frozenset({"judge", "variants"})
    option = "what to prefer (inline or @file)"

    @property
    def label(self) -> str:
        return self.name

    async def score(self, sample: Sample, env: MetricEnv) -> Score:
        return Score.skip("pairwise is scored across two variants")

    async def compare(self, first: Sample, second: Sample, env: MetricEnv) -> tuple[Score, Score]:
        """Scores of the two cells of one row."""
        if not env.judge:
            note = "pairwise needs a judge model (--judge MODEL)"
            return Score.skip(note), Score.skip(note)
        from studio.runtime.llm.facade import LLMError

        criterion = (
            self.argument or "Which answer answers the question better: correct, complete and concise?"
        )
        schema = _object(reason=_STRING, winner={"type": "string", "enum": ["A", "B", "tie"]})
        points = [0.0, 0.0]
        reasons: list[str] = []
        try:
            for order in ((0, 1), (1, 0)):
                samples = (first, second)
                a, b = samples[order[0]], samples[order[1]]
                verdict = await ask_judge(
                    env,
                    f"You compare two answers to the same question. {criterion} Reply with the winner "
                    "(A, B or tie) and a short reason.",
                    f"Question: {first.question}\n\nAnswer A:\n{strip_citations(a.answer)}\n\n"
                    f"Answer B:\n{strip_citations(b.answer)}",
                    schema,
                )
                winner = str(verdict["winner"])
                if winner == "tie":
                    points[0] += 0.5
                    points[1] += 0.5
                elif winner in ("A", "B"):
                    points[order[0] if winner == "A" else order[1]] += 1.0
                else:
                    raise ValueError(f"winner {winner!r} is not A, B or tie")
                reasons.append(str(verdict.get("reason", "")))
        except LLMError as error:
            note = f"the judge failed: {error}"
            return Score.skip(note), Score.skip(note)
        except (KeyError, TypeError, ValueError) as error:
            note = f"the judge's verdict did not fit ({error})"
            return Score.skip(note), Score.skip(note)
        reason = " | ".join(r for r in reasons if r)
        return Score(points[0] / 2, reason), Score(points[1] / 2, reason)
