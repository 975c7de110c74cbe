"""Evaluation: run a flow over a dataset under named variants, score every cell, store and report.

This package owns evaluation datasets mapped onto flow inputs (`dataset`), variants of node
settings (`variants`), the metric registry and its metrics (`metrics`), the evaluation database in
the user data folder (`store`), running cells through the engine with the shared cache and
resuming stopped runs (`runner`), statistics and comparisons (`stats`), reports for terminals and
browsers (`report_text`, `report_html`) and test-set generation from a knowledge base
(`generate`). It may import the engine, the runtime and the flow packages; never the GUI or nodes.

The functions below are what the CLI and the Studio's Evaluate panel call:

```python
outcome = run_evaluation(EvalSpec(flow, dataset, metrics=[...], variants=[...]),
                         on_progress=callback, cancel=threading.Event())
runs = list_runs(); report = load_run(outcome.run_id); save_rating(run_id, row, variant, stars=4)
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from studio.evaluation.store import CellRecord, EvalRunInfo, EvalStore
from studio.evaluation.variants import Variant, VariantsError, load_variants, parse_variants

__all__ = [
    "CellRecord",
    "EvalError",
    "EvalOutcome",
    "EvalRunInfo",
    "EvalSpec",
    "EvalStore",
    "Progress",
    "Variant",
    "VariantsError",
    "arun_evaluation",
    "compare_runs",
    "list_metrics",
    "list_runs",
    "load_cells",
    "load_run",
    "load_variants",
    "parse_variants",
    "run_evaluation",
    "save_rating",
]


if TYPE_CHECKING:
    from studio.evaluation.runner import (
        EvalError,
        EvalOutcome,
        EvalSpec,
        Progress,
        arun_evaluation,
        run_evaluation,
    )

# The runner (asyncio, the engine) loads on first use: the Studio builds its Evaluate panel at
# start-up, and the panel needs only the metric list until a run starts.
_RUNNER_NAMES = {"EvalError", "EvalOutcome", "EvalSpec", "Progress", "arun_evaluation", "run_evaluation"}


def __getattr__(name: str) -> Any:
    if name in _RUNNER_NAMES:
        from studio.evaluation import runner

        return getattr(runner, name)
    raise AttributeError(f"module 'studio.evaluation' has no attribute {name!r}")


def list_metrics() -> list[dict[str, Any]]:
    """Every metric a picker can offer: name, description, range, direction, needs, kind."""
    from studio.evaluation.metrics.registry import metric_classes

    return [cls().describe() if cls.option is None else _describe(cls) for cls in metric_classes().values()]


def _describe(cls: Any) -> dict[str, Any]:
    # Metrics with a required option cannot be built without it; describe the class itself.
    return {
        "name": cls.name,
        "description": cls.description,
        "range": [cls.low, cls.high],
        "higher_is_better": cls.higher_is_better,
        "directional": cls.directional,
        "needs": sorted(cls.needs),
        "kind": cls.kind,
        "option": cls.option,
    }


def list_runs(limit: int = 50, store: EvalStore | None = None) -> list[EvalRunInfo]:
    """Stored evaluation runs, newest first."""
    return (store or EvalStore()).list_runs(limit)


def _info(run_id: str, store: EvalStore) -> EvalRunInfo:
    from studio.evaluation.runner import EvalError

    info = store.get_run(run_id)
    if info is None:
        raise EvalError(f"no evaluation run {run_id!r} (see `studio eval list`)")
    return info


def load_run(run_id: str, store: EvalStore | None = None) -> dict[str, Any]:
    """The JSON report of a run (summary with CIs, failures, worst rows)."""
    from studio.evaluation.stats import summarise

    store = store or EvalStore()
    return summarise(store, _info(run_id, store))


def load_cells(run_id: str, store: EvalStore | None = None) -> list[dict[str, Any]]:
    """Every cell of a run with its sample, scores, rating and engine run id (the results grid)."""
    store = store or EvalStore()
    info = _info(run_id, store)
    cells = []
    for cell in store.iter_cells(info.run_id):
        scores = store.cell_scores(info.run_id, cell.row, cell.variant)
        cells.append(
            {
                **cell.__dict__,
                "scores": {
                    k: {"value": s.value, "reason": s.reason, "note": s.note} for k, s in scores.items()
                },
                "rating": store.rating(info.run_id, cell.row, cell.variant),
            }
        )
    return cells


def save_rating(
    run_id: str,
    row: int,
    variant: str,
    *,
    thumb: int | None = None,
    stars: int | None = None,
    comment: str = "",
    store: EvalStore | None = None,
) -> None:
    """Save a person's thumbs up/down (1/-1) and/or 1-5 stars for one cell."""
    store = store or EvalStore()
    store.save_rating(_info(run_id, store).run_id, row, variant, thumb=thumb, stars=stars, comment=comment)


def compare_runs(first: str, second: str, store: EvalStore | None = None) -> dict[str, Any]:
    """Per-metric deltas between two runs and the rows that got worse."""
    from studio.evaluation.stats import compare

    store = store or EvalStore()
    return compare(store, _info(first, store), _info(second, store))
