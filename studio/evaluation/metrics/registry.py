"""The metric registry: every metric class by name, and metric specs ("regex:^x") parsed into metrics."""

from __future__ import annotations

from collections.abc import Callable

from studio.evaluation.metrics import embedding, human, judged, rag, text
from studio.evaluation.metrics.base import _REGISTRY, Metric, MetricError

# The modules above register their classes when imported.
_MODULES = (embedding, human, judged, rag, text)


def metric_classes() -> dict[str, type[Metric]]:
    """Every registered metric by name."""
    return dict(_REGISTRY)


def parse_metrics(spec: str | list[str], *, read_file: Callable[[str], str] | None = None) -> list[Metric]:
    """Metrics from "a,b,regex:^x" (or a list of such names); MetricError names an unknown one.

    An option starting with "@" is read from that file (a JSON schema, a G-Eval rubric).
    """
    items = spec if isinstance(spec, list) else split_specs(spec)
    classes = metric_classes()
    metrics: list[Metric] = []
    for item in items:
        name, sep, argument = item.strip().partition(":")
        name = name.strip()
        if not name:
            continue
        if name not in classes:
            import difflib

            close = difflib.get_close_matches(name, classes, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise MetricError(f"unknown metric {name!r}{hint}; known metrics: {', '.join(sorted(classes))}")
        metric_class = classes[name]
        if sep and metric_class.option is None:
            raise MetricError(f"metric {name!r} takes no option (got {argument!r})")
        if sep and argument.startswith("@"):
            if read_file is None:
                raise MetricError(f"metric {name!r}: options from files are not allowed here")
            argument = read_file(argument[1:])
        metrics.append(metric_class(argument if sep else None))
    if not metrics:
        raise MetricError("no metrics chosen")
    labels = [m.label for m in metrics]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise MetricError(f"metric {', '.join(duplicates)} is listed twice")
    return metrics


def split_specs(spec: str) -> list[str]:
    """ "a,regex:x,y,b" -> ["a", "regex:x,y", "b"]: a comma starts a new metric only before a known
    metric name, so an option (a pattern, a rubric) may contain commas."""
    names = set(metric_classes())
    parts: list[str] = []
    for piece in spec.split(","):
        head = piece.split(":", 1)[0].strip()
        if parts and ":" in parts[-1] and head not in names:
            parts[-1] += "," + piece
        else:
            parts.append(piece)
    return [p for p in parts if p.strip()]
