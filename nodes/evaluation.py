"""Evaluation nodes: score an answer inline with any metric of the evaluation registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting

__all__ = ["MetricNode"]


def _texts(value: Any) -> list[str] | None:
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    return [str(i.get("text", "")) if isinstance(i, dict) else str(i) for i in items]


class MetricNode(Node):
    """Score an answer with an evaluation metric (faithfulness, exact_match, answer_similarity...)."""

    type = "eval.metric"
    version = 1
    title = "Evaluation Metric"
    category = "Evaluation"
    description = (
        "Scores the answer with a metric from `studio eval` (model-free and embedding metrics; "
        "judge metrics take the judge model setting), so a flow can score itself inline."
    )

    class Config(NodeConfig):
        metric: str = setting("faithfulness", description="Metric name, e.g. faithfulness or regex:^\\d+$.")
        judge: str = setting("", description="Judge model for *_judge and geval metrics.", widget="model")

    inputs = (
        Port("answer", PortType.TEXT, "The answer to score"),
        Port("question", PortType.TEXT, "The question", required=False),
        Port("reference", PortType.TEXT, "The expected answer", required=False),
        Port("contexts", PortType.DOCUMENTS, "Retrieved documents", required=False),
    )
    outputs = (
        Port("score", PortType.NUMBER, "The score (empty when the metric was skipped)"),
        Port("reason", PortType.TEXT, "Why (or why it was skipped)"),
    )

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        from studio.evaluation.metrics import MetricError, parse_metrics

        try:
            parse_metrics([str(getattr(config, "metric", ""))])
        except MetricError as error:
            return [f"metric: {error}"]
        return []

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        from studio.evaluation.metrics import MetricEnv, MetricError, Sample, parse_metrics

        config: MetricNode.Config = self.config  # type: ignore[assignment]
        try:
            (metric,) = parse_metrics([config.metric])
        except MetricError as error:
            raise NodeError(f"metric: {error}") from None
        sample = Sample(
            question=str(inputs.get("question") or ""),
            answer=str(inputs.get("answer") or ""),
            reference=inputs.get("reference"),
            contexts=_texts(inputs.get("contexts")),
        )
        score = await metric.score(sample, MetricEnv(judge=config.judge or None))
        return {"score": score.value, "reason": score.reason or score.note}
