"""LLM-judge metrics with scripted judge replies, and once on the built-in model (protocol only)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import studio.runtime.llm.facade
from studio.evaluation.metrics import MetricEnv, Sample, parse_metrics
from studio.runtime.llm.types import BUILTIN_MODEL, ChatResult

SAMPLE = Sample(
    question="How long does boiling take?",
    answer="About 9 minutes.",
    reference="About 4 minutes at 2200 watts.",
    contexts=["Boiling a full kettle takes about 4 minutes at 2200 watts.", "The cord is 75 cm."],
)


@pytest.fixture
def judge(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Replies to hand out in order; every request is recorded."""
    script: list[Any] = []
    requests: list[Any] = []

    async def fake_chat(request: Any, on_token: Any = None, **_: Any) -> ChatResult:
        requests.append(request)
        reply = script.pop(0)
        return ChatResult(
            text=str(reply),
            model=request.model,
            prompt_tokens=1,
            completion_tokens=1,
            cost_usd=0.0,
            finish_reason="stop",
            parsed=reply,
        )

    monkeypatch.setattr(studio.runtime.llm.facade, "chat", fake_chat)
    script.append(requests)  # the last item is the request log
    return script


def _run(name: str, replies: list[Any], script: list[Any], sample: Sample = SAMPLE) -> Any:
    requests = script.pop()
    script.extend(replies)
    (metric,) = parse_metrics([name])
    score = asyncio.run(metric.score(sample, MetricEnv(judge="openai/gpt-judge")))
    return score, requests


@pytest.mark.parametrize(
    ("name", "replies", "expected"),
    [
        ("faithfulness_judge", [{"claims": [{"claim": "9 minutes", "supported": False}]}], 0.0),
        (
            "faithfulness_judge",
            [{"claims": [{"claim": "a", "supported": True}, {"claim": "b", "supported": False}]}],
            0.5,
        ),
        ("context_precision_judge", [{"reason": "", "useful": True}, {"reason": "", "useful": False}], 1.0),
        ("context_precision_judge", [{"reason": "", "useful": False}, {"reason": "", "useful": True}], 0.5),
        ("context_recall_judge", [{"reason": "", "attributed": True}], 1.0),
        ("geval:Is it correct?", [{"reason": "wrong figure", "score": 2}], 2.0),
    ],
)
def test_scripted_verdicts_give_the_defined_score(
    name: str, replies: list[Any], expected: float, judge: list[Any]
) -> None:
    score, requests = _run(name, replies, judge)
    assert score.value == pytest.approx(expected)
    assert all(r.response_format == "json_schema" and r.json_schema for r in requests)
    assert all(r.model == "openai/gpt-judge" for r in requests)


def test_a_verdict_that_does_not_fit_skips_the_cell(judge: list[Any]) -> None:
    score, _ = _run("geval:rubric", [{"reason": "x", "score": 9}], judge)
    assert score.value is None and "did not fit" in score.note


def test_pairwise_swaps_positions(judge: list[Any]) -> None:
    requests = judge.pop()
    # The judge always prefers position A: swapped, that is one win each, i.e. a tie.
    judge.extend([{"reason": "", "winner": "A"}, {"reason": "", "winner": "A"}])
    (metric,) = parse_metrics(["pairwise"])
    first, second = asyncio.run(
        metric.compare(
            SAMPLE, Sample(question=SAMPLE.question, answer="About 4 minutes."), MetricEnv(judge="j")
        )  # type: ignore[attr-defined]
    )
    assert (first.value, second.value) == (0.5, 0.5)
    assert "About 9" in requests[0].messages[-1]["content"].split("Answer B")[0]
    assert "About 9" in requests[1].messages[-1]["content"].split("Answer B")[1]


@pytest.mark.real_llm
def test_judge_on_the_built_in_model_returns_a_verdict_in_range() -> None:
    (metric,) = parse_metrics(["geval:Score 5 if the answer states the boiling time in the sources."])
    score = asyncio.run(metric.score(SAMPLE, MetricEnv(judge=BUILTIN_MODEL, judge_max_tokens=120)))
    assert score.value is not None, score.note
    assert 1 <= score.value <= 5
