"""Statistics of a stored run: means with bootstrap confidence intervals, failures, worst rows, deltas.

Everything is computed from the database, one metric and variant at a time, so a report on a
million-row run holds one column of floats, not the run.
"""

from __future__ import annotations

import math
from typing import Any

from studio.evaluation.metrics.registry import metric_classes
from studio.evaluation.store import EvalRunInfo, EvalStore

BOOTSTRAP_RESAMPLES = 1000
# Above this many values the bootstrap's answer is the normal approximation's, at far more cost.
BOOTSTRAP_MAX_N = 50_000
WORST_ROWS = 3


def bootstrap_ci(values: list[float], *, level: float = 0.95, seed: int = 0) -> tuple[float, float] | None:
    """A percentile bootstrap confidence interval for the mean (None for fewer than 2 values)."""
    n = len(values)
    if n < 2:
        return None
    import numpy as np

    data = np.asarray(values, dtype=float)
    alpha = (1 - level) / 2
    if n > BOOTSTRAP_MAX_N:
        half = 1.959963984540054 * float(data.std(ddof=1)) / math.sqrt(n)
        mean = float(data.mean())
        return mean - half, mean + half
    rng = np.random.default_rng(seed)
    means = np.empty(BOOTSTRAP_RESAMPLES)
    # In blocks, so that the resample matrix stays a few MB whatever n is.
    block = max(1, 2_000_000 // n)
    for start in range(0, BOOTSTRAP_RESAMPLES, block):
        stop = min(BOOTSTRAP_RESAMPLES, start + block)
        picks = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = data[picks].mean(axis=1)
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return float(low), float(high)


def metric_info(label: str) -> dict[str, Any]:
    """Range and direction of a stored metric label ("regex:^x" -> the regex metric)."""
    metric_class = metric_classes().get(label.split(":", 1)[0])
    if metric_class is None:
        return {"range": [None, None], "higher_is_better": True, "directional": False, "kind": "?"}
    return {
        "range": [metric_class.low, metric_class.high],
        "higher_is_better": metric_class.higher_is_better,
        "directional": metric_class.directional,
        "kind": metric_class.kind,
        "description": metric_class.description,
    }


def metric_labels(info: EvalRunInfo, store: EvalStore) -> list[str]:
    """The run's metric labels in the order chosen (plus any saved later, like human ratings)."""
    labels = [
        m if m.split(":", 1)[0] not in ("json_schema", "geval", "pairwise") else m.split(":", 1)[0]
        for m in info.config.get("metrics", [])
    ]
    for (name,) in store.query("SELECT DISTINCT metric FROM eval_scores WHERE run_id = ?", (info.run_id,)):
        if name not in labels:
            labels.append(name)
    return labels


def summarise(store: EvalStore, info: EvalRunInfo, *, worst: int = WORST_ROWS) -> dict[str, Any]:
    """The JSON report of a run: per variant and metric the mean, CI, counts; failures; worst rows."""
    run_id = info.run_id
    variants = [v["name"] for v in info.config.get("variants", [])]
    labels = metric_labels(info, store)
    summary: dict[str, Any] = {}
    for variant in variants:
        (cells, failed, cached, duration, cost, tokens) = store.query(
            "SELECT COUNT(*), COALESCE(SUM(status != 'succeeded'), 0), COALESCE(SUM(cached), 0), "
            "COALESCE(AVG(duration_s), 0), COALESCE(SUM(cost_usd), 0), "
            "COALESCE(SUM(prompt_tokens + completion_tokens), 0) FROM eval_cells "
            "WHERE run_id = ? AND variant = ?",
            (run_id, variant),
        )[0]
        per_metric: dict[str, Any] = {}
        for label in labels:
            values = [
                float(v)
                for (v,) in store.iter_query(
                    "SELECT value FROM eval_scores WHERE run_id = ? AND variant = ? AND metric = ? "
                    "AND value IS NOT NULL",
                    (run_id, variant, label),
                )
            ]
            skipped_rows = store.query(
                "SELECT COUNT(*), MIN(note) FROM eval_scores WHERE run_id = ? AND variant = ? AND metric = ? "
                "AND value IS NULL",
                (run_id, variant, label),
            )[0]
            ci = bootstrap_ci(values)
            per_metric[label] = {
                "mean": sum(values) / len(values) if values else None,
                "ci": list(ci) if ci else None,
                "n": len(values),
                "skipped": int(skipped_rows[0]),
                "note": skipped_rows[1] or "",
            }
            del values
        summary[variant] = {
            "cells": int(cells),
            "failed": int(failed),
            "cached": int(cached),
            "mean_latency_s": float(duration),
            "cost_usd": float(cost),
            "tokens": int(tokens),
            "metrics": per_metric,
        }
    return {
        "run": {**info.as_dict(), "metrics": labels},
        "metrics": {label: metric_info(label) for label in labels},
        "summary": summary,
        "worst": {label: worst_rows(store, run_id, label, worst) for label in labels},
        "failures": failures(store, run_id),
    }


def worst_rows(store: EvalStore, run_id: str, label: str, count: int = WORST_ROWS) -> list[dict[str, Any]]:
    """The lowest-scoring cells of a metric (highest where lower is better), with their answers."""
    info = metric_info(label)
    if not info["directional"]:
        return []
    order = "ASC" if info["higher_is_better"] else "DESC"
    rows = store.query(
        "SELECT s.row, s.variant, s.value, s.reason, c.sample FROM eval_scores s JOIN eval_cells c "
        "ON c.run_id = s.run_id AND c.row = s.row AND c.variant = s.variant "
        "WHERE s.run_id = ? AND s.metric = ? AND s.value IS NOT NULL "
        f"ORDER BY s.value {order}, s.row LIMIT ?",
        (run_id, label, count),
    )
    import json

    out = []
    for row, variant, value, reason, sample in rows:
        data = json.loads(sample)
        out.append(
            {
                "row": row,
                "variant": variant,
                "value": value,
                "reason": reason or "",
                "question": data.get("question", ""),
                "answer": data.get("answer", ""),
                "reference": data.get("reference"),
            }
        )
    return out


def failures(store: EvalStore, run_id: str, count: int = 20) -> list[dict[str, Any]]:
    """The first failed cells with their errors."""
    rows = store.query(
        "SELECT row, variant, error FROM eval_cells WHERE run_id = ? AND status != 'succeeded' "
        "ORDER BY row, variant LIMIT ?",
        (run_id, count),
    )
    return [{"row": r, "variant": v, "error": e or ""} for r, v, e in rows]


def compare(store: EvalStore, first: EvalRunInfo, second: EvalRunInfo, *, rows: int = 10) -> dict[str, Any]:
    """Per-metric deltas (second minus first) for variants both runs have, and the rows that got worse."""
    a, b = summarise(store, first, worst=0), summarise(store, second, worst=0)
    deltas: dict[str, dict[str, Any]] = {}
    worse: list[dict[str, Any]] = []
    for variant, later in b["summary"].items():
        earlier = a["summary"].get(variant)
        if earlier is None:
            continue
        for label, stats in later["metrics"].items():
            before = earlier["metrics"].get(label)
            if before is None or before["mean"] is None or stats["mean"] is None:
                continue
            deltas.setdefault(variant, {})[label] = {
                "before": before["mean"],
                "after": stats["mean"],
                "delta": stats["mean"] - before["mean"],
            }
            info = metric_info(label)
            if not info["directional"]:
                continue
            sign = 1 if info["higher_is_better"] else -1
            for row, old, new in store.query(
                "SELECT x.row, x.value, y.value FROM eval_scores x JOIN eval_scores y ON x.row = y.row "
                "AND x.variant = y.variant AND x.metric = y.metric WHERE x.run_id = ? AND y.run_id = ? "
                "AND x.variant = ? AND x.metric = ? AND x.value IS NOT NULL AND y.value IS NOT NULL "
                "AND (y.value - x.value) * ? < -1e-9",
                (first.run_id, second.run_id, variant, label, sign),
            ):
                worse.append({"row": row, "variant": variant, "metric": label, "before": old, "after": new})
    worse.sort(key=lambda w: -abs(w["after"] - w["before"]))
    return {
        "first": first.run_id,
        "second": second.run_id,
        "deltas": deltas,
        "worse": worse[:rows],
        "worse_count": len(worse),
    }
