"""Human rating: a 1-5 score from a dataset column, or one saved from the Studio for a cell."""

from __future__ import annotations

from typing import Any

from studio.evaluation.metrics.base import MetricEnv, Sample, Score, SyncMetric, register

COLUMN = "human_rating"
_THUMBS = {"up": 5.0, "down": 1.0, "👍": 5.0, "👎": 1.0, "+1": 5.0, "-1": 1.0, "good": 5.0, "bad": 1.0}


def rating_value(stars: int | None, thumb: int | None) -> float | None:
    """The 1-5 value of a saved rating: the stars, else thumbs up 5 and down 1."""
    if stars is not None:
        return float(stars)
    if thumb is not None:
        return 5.0 if thumb > 0 else 1.0
    return None


def parse_rating(value: Any) -> float | None:
    """A rating cell as 1-5 (numbers, "up"/"down", thumbs), or None when it is empty or not one."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return 5.0 if value else 1.0
    if isinstance(value, int | float):
        return float(value) if 1 <= value <= 5 else None
    text = str(value).strip().lower()
    if text in _THUMBS:
        return _THUMBS[text]
    try:
        number = float(text)
    except ValueError:
        return None
    return number if 1 <= number <= 5 else None


@register
class HumanRating(SyncMetric):
    name = "human_rating"
    description = "A person's 1-5 rating: the dataset's 'human_rating' column, or one saved in the Studio."
    low = 1.0
    high = 5.0
    kind = "human"

    def compute_sync(self, sample: Sample, env: MetricEnv) -> Score:
        value = parse_rating(sample.row.get(COLUMN))
        if value is None:
            if sample.row.get(COLUMN) not in (None, ""):
                return Score.skip(f"{COLUMN} {sample.row.get(COLUMN)!r} is not 1-5, up or down")
            return Score.skip("not rated yet")
        return Score(value)
