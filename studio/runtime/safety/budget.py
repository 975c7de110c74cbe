"""Work budgets for templates and expressions: a deadline, a Stop signal and size estimates.

Templates and expressions come from shared flow files, so they are hostile input. Two things keep
them from hanging a run or eating the machine's memory:

- sizes are bounded *before* the work is done (`logical_size` estimates what `str()` of a value,
  comparing it or hashing it would cost, counting shared parts as often as they are reached: the
  100,000 references in `[big] * 100000` each cost `len(big)`);
- a `Budget` is checked at every loop step, call and operator, so whatever is left (nested loops
  over allowed sizes, a macro that calls itself twice) stops at the time limit or on Stop.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "Budget",
    "OverBudget",
    "Stopped",
    "TimeLimitExceeded",
    "logical_size",
]

# A template or expression whose node has no time limit of its own gets this one: far more than
# any real prompt needs (they render in microseconds), short enough that a mistake is noticed.
DEFAULT_TIMEOUT_S = 10.0


class OverBudget(Exception):
    """Base of the budget's own errors (never a user's mistake in the data)."""


class TimeLimitExceeded(OverBudget):
    """The work went past its deadline."""


class Stopped(OverBudget):
    """The user pressed Stop (the run's cancel signal was set)."""


class Budget:
    """A deadline plus a Stop check, cheap enough to call on every loop step."""

    __slots__ = ("_stop", "deadline", "timeout_s")

    def __init__(
        self, timeout_s: float | None = DEFAULT_TIMEOUT_S, should_stop: Callable[[], bool] | None = None
    ):
        self.timeout_s = DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s
        self.deadline = time.monotonic() + self.timeout_s
        self._stop = should_stop

    def check(self) -> None:
        """Raise Stopped or TimeLimitExceeded when the work must end now."""
        if self._stop is not None and self._stop():
            raise Stopped("the run was stopped")
        if time.monotonic() > self.deadline:
            raise TimeLimitExceeded(f"took longer than its {self.timeout_s:g} s time limit")


def logical_size(value: Any, limit: int) -> int:
    """About how many characters/items `str(value)` (or comparing, hashing it) would touch.

    Stops counting as soon as the total passes `limit`, and each distinct container is walked
    once (a repeated reference adds its remembered size), so the estimate itself costs at most
    about `limit` steps even for `[[0] * 100000] * 100000`.
    """
    known: dict[int, int] = {}
    return _size(value, limit, known, 0)


_FLAT = (str, bytes, int, float, bool, type(None))


def _size(value: Any, limit: int, known: dict[int, int], depth: int) -> int:
    if isinstance(value, str | bytes | bytearray):
        return len(value) + 2
    if isinstance(value, int | float | bool) or value is None:
        # ints are already capped in bits wherever they are made; 24 covers a float's repr.
        return value.bit_length() // 3 + 2 if isinstance(value, int) else 24
    if isinstance(value, range):
        return 20
    if not isinstance(value, list | tuple | dict | set | frozenset):
        return 32  # an object shown by its repr; its own repr cost is not ours to bound
    remembered = known.get(id(value))
    if remembered is not None:
        return remembered
    if depth > 200:
        return limit + 1  # nested deeper than str() itself would survive
    total = 2
    items: Any = (x for pair in value.items() for x in pair) if isinstance(value, Mapping) else value
    for item in items:
        # Flat items inline: this loop is the whole cost of the estimate.
        kind = type(item)
        if kind is str:
            total += len(item) + 4
        elif kind in _FLAT:
            total += 26 if kind is float else 8 if kind is not int else item.bit_length() // 3 + 4
        else:
            total += _size(item, limit, known, depth + 1) + 2
        if total > limit:
            break
    known[id(value)] = total
    return total
