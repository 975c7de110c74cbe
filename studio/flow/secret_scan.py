"""Refuse to save a secret: flow files are shared, secrets are not.

Every string of the file is looked at (name, description, node configs and `ui`, the inputs' and
outputs' descriptions and defaults, variables, canvas comments, even object keys): for text shaped
like a well-known API key, and for the value of any secret the flow refers to or the process has
resolved, whatever its shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from studio.flow.errors import Problem
from studio.flow.schema import Flow
from studio.runtime.safety.secrets import Scrubber

_ADVICE = (
    "flow files are shared, so keys never go in them: store it in Settings > API keys (the OS "
    'keyring) or an environment variable, and refer to it by name, e.g. {"secret": "OPENAI_API_KEY"}'
)


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    # A work list, not recursion: a deeply nested config must not crash the scan.
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                stack.append((child, f"{where}.{key}"))
                if isinstance(key, str):
                    stack.append((key, f"{where}.{key} (the name)"))
        elif isinstance(item, list):
            for index in reversed(range(len(item))):
                stack.append((item[index], f"{where}[{index}]"))


def find_secrets(flow: Flow, scrubber: Scrubber | None = None) -> list[Problem]:
    """Every place in the flow that holds a secret's value or something shaped like a key.

    `scrubber` says what counts; by default the flow's own secret references resolved now, every
    secret the process has resolved, and the well-known key shapes.
    """
    data = flow.model_dump(mode="json", exclude_none=True)
    if scrubber is None:
        scrubber = Scrubber.for_data(data, patterns=True)
    problems = []
    for path, text in _strings(data, "$"):
        what = scrubber.find(text)
        if what is not None:
            problems.append(Problem(path, f"this looks like {what}; {_ADVICE}"))
    return problems
