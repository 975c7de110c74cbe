"""What a metric is: a class with a name, a range, a direction and what it needs, and a registry.

A metric scores one *sample* (a dataset row run through one variant of the flow) and returns a
`Score`: a value in its range, or no value with a note saying why it was skipped (a missing
reference, no contexts, an unparsable judge reply). Metrics never raise for a bad sample: one row
must not stop an evaluation of thousands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

Need = Literal["reference", "contexts", "judge", "reference_contexts", "variants"]


class MetricError(ValueError):
    """A metric name or option that cannot be used; the message names it."""


@dataclass
class Sample:
    """One cell: the row's question and reference, and what the flow produced under one variant."""

    question: str = ""
    answer: str = ""
    reference: str | None = None
    contexts: list[str] | None = None
    reference_contexts: list[str] | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    row: dict[str, Any] = field(default_factory=dict)
    status: str = "succeeded"
    latency_s: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


@dataclass
class Score:
    """A metric's verdict on one sample: `value` None means skipped, and `note` says why."""

    value: float | None
    reason: str = ""
    note: str = ""

    @classmethod
    def skip(cls, note: str) -> Score:
        """No score, with the reason shown in reports."""
        return cls(None, note=note)


@dataclass
class MetricEnv:
    """What metrics may call on: the judge model (None when none was chosen) and the embedder."""

    judge: str | None = None
    embedding_model: str = "local/all-minilm-l6-v2"
    judge_max_tokens: int = 512
    _embedder: Any = None

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Vectors of texts with the offline embedding model (loaded on first use)."""
        if self._embedder is None:
            from studio.runtime.knowledge.embeddings import get_embedder

            self._embedder = get_embedder(self.embedding_model)
        vectors: list[list[float]] = self._embedder.embed(texts)
        return vectors


class Metric:
    """Base of every metric. Subclasses set the class attributes and implement `score`."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    low: ClassVar[float] = 0.0
    high: ClassVar[float | None] = 1.0  # None: unbounded (seconds, tokens, money)
    higher_is_better: ClassVar[bool] = True
    # False for measurements with no better direction (length): no pass/fail colouring for them.
    directional: ClassVar[bool] = True
    needs: ClassVar[frozenset[Need]] = frozenset()
    # "model-free", "embedding", "judge" or "human": reports and the GUI group metrics by it.
    kind: ClassVar[str] = "model-free"
    # Options the metric takes after a colon in a spec ("regex:^\\d+$"), or None for none.
    option: ClassVar[str | None] = None

    def __init__(self, argument: str | None = None):
        self.argument = argument

    @property
    def label(self) -> str:
        """The name shown in reports (with its option, if any)."""
        return self.name if self.argument is None else f"{self.name}:{self.argument}"

    def missing(self, sample: Sample) -> str | None:
        """Why this sample cannot be scored (a needed input is absent), or None."""
        if "reference" in self.needs and not (sample.reference or "").strip():
            return f"{self.name} needs a 'reference' column; this row has none"
        if "contexts" in self.needs and not sample.contexts:
            return f"{self.name} needs contexts: the flow retrieved no documents and has no 'contexts' output"
        if "reference_contexts" in self.needs and not sample.reference_contexts:
            return f"{self.name} needs a 'reference_contexts' column; this row has none"
        return None

    async def score(self, sample: Sample, env: MetricEnv) -> Score:
        """The score of one sample (skips with a note rather than raising)."""
        problem = self.missing(sample)
        if problem:
            return Score.skip(problem)
        return await self.compute(sample, env)

    async def compute(self, sample: Sample, env: MetricEnv) -> Score:
        """Score a sample that has everything `needs` names."""
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """What a metric picker shows."""
        return {
            "name": self.name,
            "description": self.description,
            "range": [self.low, self.high],
            "higher_is_better": self.higher_is_better,
            "directional": self.directional,
            "needs": sorted(self.needs),
            "kind": self.kind,
            "option": self.option,
        }


class SyncMetric(Metric):
    """A metric whose work is plain CPU code (no awaits)."""

    async def compute(self, sample: Sample, env: MetricEnv) -> Score:
        return self.compute_sync(sample, env)

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        """Score a sample synchronously."""
        raise NotImplementedError


_REGISTRY: dict[str, type[Metric]] = {}


def register(metric_class: type[Metric]) -> type[Metric]:
    """Class decorator: add a metric to the registry under its name."""
    if not metric_class.name or metric_class.name in _REGISTRY:
        raise ValueError(f"metric name {metric_class.name!r} is empty or taken")
    _REGISTRY[metric_class.name] = metric_class
    return metric_class
