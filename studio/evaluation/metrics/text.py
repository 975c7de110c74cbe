"""Metrics that need no model: matching, format checks, size, latency, tokens, cost, refusals, PII."""

from __future__ import annotations

import json
import re
import sys
from typing import Any, ClassVar

from studio.evaluation.metrics.base import MetricEnv, MetricError, Need, Sample, Score, SyncMetric, register
from studio.evaluation.metrics.lexical import f1, lcs_length, normalise, strip_citations, tokens


@register
class ExactMatch(SyncMetric):
    name = "exact_match"
    description = "1 when the answer equals the reference (ignoring case, spaces and punctuation)."
    needs: ClassVar[frozenset[Need]] = frozenset({"reference"})

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        return Score(float(normalise(strip_citations(sample.answer)) == normalise(sample.reference or "")))


@register
class Contains(SyncMetric):
    name = "contains"
    description = "1 when the answer contains the given text (contains:TEXT), or else the reference."
    option = "text to look for"

    def missing(self, sample: Sample) -> str | None:
        if self.argument is None and not (sample.reference or "").strip():
            return "contains needs a 'reference' column (or a text: contains:TEXT); this row has none"
        return None

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        wanted = self.argument if self.argument is not None else sample.reference or ""
        return Score(float(normalise(wanted) in normalise(sample.answer)))


@register
class Regex(SyncMetric):
    name = "regex"
    description = "1 when the answer matches the regular expression (regex:PATTERN)."
    option = "a regular expression"

    def __init__(self, argument: str | None = None):
        super().__init__(argument)
        if not argument:
            raise MetricError("metric 'regex' needs a pattern: regex:PATTERN")
        try:
            self._pattern = re.compile(argument)
        except re.error as error:
            raise MetricError(f"metric 'regex': {argument!r} is not a valid pattern ({error})") from None

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        return Score(float(self._pattern.search(sample.answer or "") is not None))


def _json_value(text: str) -> tuple[bool, Any]:
    text = (text or "").strip()
    fenced = re.match(r"^```(?:json)?\s*(.*?)\s*```$", text, re.DOTALL)
    if fenced:
        text = fenced.group(1)
    try:
        return True, json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return False, None


def _answer_value(sample: Sample) -> tuple[bool, Any]:
    # A flow whose answer output is already structured (a dict or list) is valid JSON as it is.
    value = sample.outputs.get("answer") if isinstance(sample.outputs, dict) else None
    if isinstance(value, dict | list):
        return True, value
    return _json_value(sample.answer)


@register
class JSONValid(SyncMetric):
    name = "json_valid"
    description = "1 when the answer is valid JSON (a ```json fence around it is allowed)."

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        ok, _ = _answer_value(sample)
        return Score(float(ok), "" if ok else "not valid JSON")


@register
class JSONSchemaValid(SyncMetric):
    name = "json_schema"
    description = "1 when the answer is JSON matching the schema (json_schema:@schema.json)."
    option = "a JSON schema (inline or @file)"

    def __init__(self, argument: str | None = None):
        super().__init__(argument)
        from studio.runtime.json_schema import schema_problem

        try:
            self._schema = json.loads(argument or "")
        except json.JSONDecodeError as error:
            raise MetricError(f"metric 'json_schema': the schema is not valid JSON ({error.msg})") from None
        problem = schema_problem(self._schema)
        if problem:
            raise MetricError(f"metric 'json_schema': {problem}")

    @property
    def label(self) -> str:
        return self.name

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        from studio.runtime.json_schema import schema_errors

        ok, value = _answer_value(sample)
        if not ok:
            return Score(0.0, "not valid JSON")
        errors = schema_errors(value, self._schema)
        return Score(float(not errors), "; ".join(errors[:3]))


class _Measure(SyncMetric):
    high = None
    higher_is_better = False


@register
class Length(_Measure):
    name = "length"
    description = "Characters in the answer."
    directional = False

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        return Score(float(len(sample.answer or "")))


@register
class Latency(_Measure):
    name = "latency"
    description = "Seconds the flow took for this row (0 when served from the cache)."

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        return Score(float(sample.latency_s))


@register
class Tokens(_Measure):
    name = "tokens"
    description = "Prompt plus completion tokens of every model call in the run."

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        return Score(float(sample.prompt_tokens + sample.completion_tokens))


@register
class Cost(_Measure):
    name = "cost"
    description = "US dollars the model calls of the run cost (0 for local models)."

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        return Score(float(sample.cost_usd))


_REFUSAL = re.compile(
    r"\b(i\s*(?:am|'m)\s*(?:sorry|unable|not able)|i\s*(?:cannot|can't|can not|won't)\s*"
    r"(?:help|answer|assist|provide|do that)|as an ai\b|i do not have (?:access|information)|"
    r"i don't (?:know|have (?:that|this|enough) information))"
    r"|抱歉|对不起|无法回答|我不能|不知道",
    re.IGNORECASE,
)


@register
class Refusal(SyncMetric):
    name = "refusal"
    description = "1 when the answer refuses or says it cannot answer."
    higher_is_better = False

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        found = _REFUSAL.search(sample.answer or "")
        return Score(float(found is not None), found.group(0) if found else "")


def _find_pii(text: str) -> list[dict[str, Any]]:
    # The PII guardrail node's detector, found through the node registry: evaluation must not
    # import the node packages (they are plug-ins), but it must judge PII exactly as the node does.
    from studio.engine.registry import default_registry

    node_class = default_registry().get("guard.pii_redact")
    finder = getattr(sys.modules[node_class.__module__], "find_pii")  # noqa: B009
    found: list[dict[str, Any]] = finder(text)
    return found


@register
class PIIInOutput(SyncMetric):
    name = "pii"
    description = (
        "Personal data in the answer (e-mail, phone, card, ID numbers), as the PII guardrail finds it."
    )
    high = None
    higher_is_better = False

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        spans = _find_pii(sample.answer or "")
        return Score(float(len(spans)), ", ".join(sorted({str(s.get("type")) for s in spans})))


_MARKER = re.compile(r"\[(\d+)\]")


@register
class SourcesCited(SyncMetric):
    name = "sources_cited"
    description = "1 when the answer cites at least one source it was given ([n] markers or a Sources list)."

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        answer = sample.answer or ""
        numbers = {int(n) for n in _MARKER.findall(answer)}
        count = len(sample.contexts or [])
        if numbers and (count == 0 or any(1 <= n <= count for n in numbers)):
            return Score(1.0, f"cites {', '.join(f'[{n}]' for n in sorted(numbers))}")
        if re.search(r"(?im)^\s*(sources|references|来源|参考)\s*[:：]\s*\S", answer):
            return Score(1.0, "has a sources list")
        return Score(0.0, "no citation found")


@register
class TokenF1(SyncMetric):
    name = "token_f1"
    description = "Word overlap F1 between answer and reference (SQuAD style; CJK by character pairs)."
    needs: ClassVar[frozenset[Need]] = frozenset({"reference"})

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        return Score(f1(tokens(strip_citations(sample.answer)), tokens(sample.reference or "")))


@register
class RougeL(SyncMetric):
    name = "rouge_l"
    description = "ROUGE-L F-measure (longest common subsequence) between answer and reference."
    needs: ClassVar[frozenset[Need]] = frozenset({"reference"})

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        answer, reference = tokens(strip_citations(sample.answer)), tokens(sample.reference or "")
        common = lcs_length(answer, reference)
        if not common:
            return Score(0.0)
        precision, recall = common / len(answer), common / len(reference)
        return Score(2 * precision * recall / (precision + recall))
