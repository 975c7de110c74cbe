"""Metric validity: on rows with a known-good and a known-bad answer, the good one scores higher."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from studio.evaluation.metrics import MetricEnv, Sample, parse_metrics
from tests.conftest import ROOT

ROWS = [
    json.loads(line)
    for line in (ROOT / "tests" / "fixtures" / "eval_validity.jsonl").read_text(encoding="utf-8").splitlines()
]
ENV = MetricEnv()


def _score(name: str, row: dict[str, Any], answer: str, contexts: list[str]) -> float:
    (metric,) = parse_metrics([name])
    sample = Sample(question=row["question"], answer=answer, reference=row["reference"], contexts=contexts)
    return asyncio.run(metric.score(sample, ENV)).value or 0.0


# Answer metrics, with the kinds of bad answer each is defined to catch.
ANSWER_METRICS = {
    "faithfulness": {"wrong_figure", "unsupported", "off_topic"},
    "answer_correctness": {"wrong_figure", "unsupported", "off_topic"},
    "answer_similarity": {"wrong_figure", "unsupported", "off_topic"},
    "token_f1": {"wrong_figure", "unsupported", "off_topic"},
    "rouge_l": {"wrong_figure", "unsupported", "off_topic"},
    # Relevance to the question, not correctness: a wrong figure is still on topic.
    "answer_relevance": {"off_topic"},
}


@pytest.mark.parametrize("name", list(ANSWER_METRICS))
def test_good_answers_score_higher(name: str) -> None:
    rows = [r for r in ROWS if r["bad_kind"] in ANSWER_METRICS[name]]
    wins = sum(
        _score(name, r, r["good"], r["contexts"]) > _score(name, r, r["bad"], r["contexts"]) for r in rows
    )
    print(f"{name}: good > bad on {wins}/{len(rows)} rows")
    assert wins / len(rows) >= 0.9


@pytest.mark.parametrize("name", ["context_precision", "context_recall", "context_relevance"])
def test_right_contexts_score_higher_than_off_topic_ones(name: str) -> None:
    wins = 0
    for index, row in enumerate(ROWS):
        other = ROWS[(index + 7) % len(ROWS)]["contexts"]
        wins += _score(name, row, row["good"], row["contexts"] + other) > _score(
            name, row, row["good"], other
        )
    print(f"{name}: right > off-topic contexts on {wins}/{len(ROWS)} rows")
    assert wins / len(ROWS) >= 0.9


def test_model_free_faithfulness_flags_an_invented_figure() -> None:
    contexts = ["Boiling a full kettle takes about 4 minutes at 2200 watts."]
    (metric,) = parse_metrics(["faithfulness"])
    good = asyncio.run(metric.score(Sample(answer="It takes about 4 minutes.", contexts=contexts), ENV))
    bad = asyncio.run(metric.score(Sample(answer="It takes about 9 minutes. [1]", contexts=contexts), ENV))
    assert good.value == 1.0
    assert bad.value == 0.0 and "figure 9" in bad.reason


# The rule-based metrics, each on the validity rows with a good and a bad answer of the kind the
# rule is there to tell apart (the other rows' answers, references and questions vary the text).
def _refusal(row: dict[str, Any]) -> str:
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in row["question"])
    return "抱歉，我无法回答这个问题。" if chinese else "I'm sorry, but I can't help with that question."


RULE_PAIRS: dict[str, Any] = {
    # (metric spec, good answer, bad answer) from a row
    "exact_match": lambda r: ("exact_match", r["reference"].upper() + " ", r["bad"]),
    "contains": lambda r: ("contains", "As the manual says: " + r["reference"], r["bad"]),
    # A format rule, what regex is for: the reply must start with "Answer:".
    "regex": lambda r: ("regex:^Answer:", "Answer: " + r["good"], r["good"]),
    "json_valid": lambda r: ("json_valid", json.dumps({"answer": r["good"]}), r["good"]),
    "json_schema": lambda r: (
        "json_schema:"
        + json.dumps(
            {"type": "object", "required": ["answer"], "properties": {"answer": {"type": "string"}}}
        ),
        "```json\n" + json.dumps({"answer": r["good"]}, ensure_ascii=False) + "\n```",
        json.dumps({"reply": r["good"]}, ensure_ascii=False),
    ),
    "refusal": lambda r: ("refusal", r["good"], _refusal(r)),
    "pii": lambda r: (
        "pii",
        r["good"],
        r["good"] + " Write to jane.doe@example.com or call +1 415 555 0132.",
    ),
    "sources_cited": lambda r: ("sources_cited", r["good"] + " [1]", r["good"]),
}


def _rule_score(spec: str, row: dict[str, Any], answer: str) -> tuple[float, bool]:
    (metric,) = parse_metrics([spec])
    sample = Sample(
        question=row["question"], answer=answer, reference=row["reference"], contexts=row["contexts"]
    )
    return asyncio.run(metric.score(sample, ENV)).value or 0.0, metric.higher_is_better


@pytest.mark.parametrize("name", list(RULE_PAIRS))
def test_rule_metrics_tell_the_good_answer_from_the_bad(name: str) -> None:
    wins = 0
    for row in ROWS:
        spec, good, bad = RULE_PAIRS[name](row)
        (good_score, higher), (bad_score, _) = _rule_score(spec, row, good), _rule_score(spec, row, bad)
        wins += good_score > bad_score if higher else good_score < bad_score
    print(f"{name}: good better than bad on {wins}/{len(ROWS)} rows")
    assert wins / len(ROWS) >= 0.9
