"""Refuse to save what looks like a pasted API key: flow files are shared, secrets are not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from studio.flow.errors import Problem
from studio.flow.schema import Flow

# Well-known key shapes. A false positive costs a rename; a false negative leaks a key.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("an Anthropic API key", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    ("an OpenAI-style API key", re.compile(r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("a Hugging Face token", re.compile(r"\bhf_[A-Za-z0-9]{30,}\b")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a Groq API key", re.compile(r"\bgsk_[A-Za-z0-9]{40,}\b")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
]


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def find_secrets(flow: Flow) -> list[Problem]:
    """Every place in the flow that holds something shaped like a secret."""
    places: list[tuple[str, Any]] = [("$.description", flow.description)]
    places += [(f"$.nodes[{i}].config", node.config) for i, node in enumerate(flow.nodes)]
    places += [(f"$.nodes[{i}].ui", node.ui) for i, node in enumerate(flow.nodes)]
    places += [(f"$.variables[{i}].default", v.default) for i, v in enumerate(flow.variables)]
    places += [(f"$.inputs[{i}].default", p.default) for i, p in enumerate(flow.inputs)]
    problems = []
    for base, value in places:
        for path, text in _strings(value, base):
            for what, pattern in _PATTERNS:
                if pattern.search(text):
                    problems.append(
                        Problem(
                            path,
                            (
                                f"this looks like {what}; flow files are shared, so keys never go in "
                                "them: store it in Settings > API keys (the OS keyring) or an environment "
                                'variable, and refer to it by name, e.g. {"secret": "OPENAI_API_KEY"}'
                            ),
                        )
                    )
                    break
    return problems
