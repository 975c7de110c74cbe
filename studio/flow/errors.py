"""Errors raised while reading or checking a flow; each problem carries the place it points at."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# Longest quoted value a message repeats: a hostile file can hold megabytes in one string, and a
# message must stay one readable line.
BRIEF_LIMIT = 80

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Control characters, and lone surrogates (which no terminal encoding can print).
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def printable(text: str) -> str:
    """Text safe for one line of a terminal: control characters and lone surrogates escaped."""
    if text.isprintable() and text.isascii():
        return text
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def brief(value: Any, limit: int = BRIEF_LIMIT) -> str:
    """A value quoted for a message (like repr), cut to `limit` characters, on one line."""
    if isinstance(value, str):
        text = repr(value[: limit + 1])
    elif isinstance(value, bool | float | type(None)):
        text = repr(value)
    elif isinstance(value, int):
        # repr of a 4,000-digit int is slow to read; its size is what matters.
        digits = int(abs(value).bit_length() * 0.30103) + 1  # str() of a huge int is refused
        text = repr(value) if digits < limit else f"a number of about {digits} digits"
    else:
        text = f"a JSON {type(value).__name__}" if isinstance(value, dict | list) else type(value).__name__
    text = printable(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a flow: where (a JSON path such as `$.nodes[2].config.model`) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        return printable(text)


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

    def __str__(self) -> str:
        # Computed when shown, so that a `source` set after raising is part of the message.
        return self.describe()

    def describe(self) -> str:
        """All problems, one per line, each prefixed with the file when known."""
        prefix = f"{printable(self.source)}: " if self.source else ""
        return "\n".join(prefix + str(problem) for problem in self.problems)

    def lines(self) -> Iterable[str]:
        """One printable line per problem."""
        return self.describe().splitlines()


def json_path(location: Iterable[str | int]) -> str:
    """Turn a pydantic error location into a JSON path: ('nodes', 2, 'type') -> $.nodes[2].type.

    Keys that are not plain names (a hostile file's keys can hold anything) are quoted as JSON.
    """
    path = "$"
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _IDENTIFIER.match(part):
            path += f".{part}"
        else:
            path += "[" + json.dumps(part[: BRIEF_LIMIT + 1]) + "]"
    return path
