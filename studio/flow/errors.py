"""Errors raised while reading or checking a flow; each problem carries the place it points at."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a flow: where (a JSON path such as `$.nodes[2].config.model`) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class FlowError(Exception):
    """A flow file that cannot be loaded or run as it is; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[Problem] | Problem | str, *, source: str | None = None):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        self.source = source
        super().__init__(self.describe())

    def describe(self) -> str:
        """All problems, one per line, each prefixed with the file when known."""
        prefix = f"{self.source}: " if self.source else ""
        return "\n".join(prefix + str(problem) for problem in self.problems)

    def lines(self) -> Iterable[str]:
        """One printable line per problem."""
        return self.describe().splitlines()


def json_path(location: Iterable[str | int]) -> str:
    """Turn a pydantic error location into a JSON path: ('nodes', 2, 'type') -> $.nodes[2].type."""
    path = "$"
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path
