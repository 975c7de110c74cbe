"""The metric registry: `metric_classes()`, `parse_metrics("faithfulness,latency")`, `Sample`, `Score`."""

from studio.evaluation.metrics.base import (
    Metric,
    MetricEnv,
    MetricError,
    Sample,
    Score,
    register,
)
from studio.evaluation.metrics.registry import metric_classes, parse_metrics, split_specs

__all__ = [
    "Metric",
    "MetricEnv",
    "MetricError",
    "Sample",
    "Score",
    "metric_classes",
    "parse_metrics",
    "register",
    "split_specs",
]
