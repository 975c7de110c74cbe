"""JSON schemas that pin an agent's replies to a valid shape: a tool call, a plan, a hand-off.

Sent as `response_format="json_schema"`, they are grammar-constrained on local models (llama.cpp
turns the schema into a grammar), so even the 135M built-in model can only name tools that exist
and give arguments of the right shape; API models get them as structured-output schemas. Tool
specs are the JSON tool descriptions of nodes/tools.py: {"name", "description", "parameters"}.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

__all__ = [
    "FINISH",
    "answer_or_tool_schema",
    "bounded",
    "plan_schema",
    "supervisor_schema",
]

FINISH = "FINISH"
TEXT_CAP = 400  # characters of free text in a constrained reply (small models ramble)
ARGUMENT_CAP = 200  # characters of one string argument
# With `plain=True` string arguments may not hold braces (except {{stepN}} references), quotes,
# backslashes or new lines: under a grammar a small model otherwise "closes the JSON" inside a
# string ('2 * 3 }, '). The length is in the pattern because llama.cpp ignores maxLength there.
PLAIN_CAP = 60
PLAIN_TEXT = r'^([^{}"\\\n]|\{\{step[0-9]\}\}){0,' + str(PLAIN_CAP) + "}$"


def bounded(schema: dict[str, Any], cap: int = ARGUMENT_CAP, *, plain: bool = False) -> dict[str, Any]:
    """A copy of a tool's parameter schema with every unbounded string given a maxLength, so a
    constrained small model cannot loop inside a string until it runs out of tokens; with
    `plain`, free strings also get the PLAIN_TEXT pattern (meant for local models)."""
    result = copy.deepcopy(schema) if isinstance(schema, dict) else {"type": "object"}

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "string" and "enum" not in node:
                node.setdefault("maxLength", cap)
                if plain:
                    node.setdefault("pattern", PLAIN_TEXT)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result)
    if result.get("type") is None:
        result["type"] = "object"
    return result


def _call_schema(spec: dict[str, Any], plain: bool) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "tool": {"type": "string", "enum": [spec["name"]]},
            "arguments": bounded(spec.get("parameters") or {"type": "object", "properties": {}}, plain=plain),
        },
        "required": ["tool", "arguments"],
    }


def answer_or_tool_schema(specs: Sequence[dict[str, Any]], *, plain: bool = False) -> dict[str, Any]:
    """Either {"tool": <a tool's name>, "arguments": <that tool's arguments>} or {"answer": text}."""
    answer = {
        "type": "object",
        "properties": {"answer": {"type": "string", "maxLength": TEXT_CAP}},
        "required": ["answer"],
    }
    if not specs:
        return answer
    return {"anyOf": [*(_call_schema(spec, plain) for spec in specs), answer]}


def plan_schema(specs: Sequence[dict[str, Any]], max_steps: int, *, plain: bool = False) -> dict[str, Any]:
    """{"steps": [1..max_steps of {"tool": name, "arguments": {...}}]} over the given tools.

    A string argument may also be a reference such as "{{step1}}" (any text fits a string).
    """
    items: dict[str, Any]
    calls = [_call_schema(spec, plain) for spec in specs]
    items = calls[0] if len(calls) == 1 else {"anyOf": calls}
    return {
        "type": "object",
        "properties": {
            "steps": {"type": "array", "items": items, "minItems": 1, "maxItems": max(1, max_steps)}
        },
        "required": ["steps"],
    }


def supervisor_schema(workers: Sequence[str], *, may_finish: bool = True) -> dict[str, Any]:
    """{"next": a worker or FINISH, "task": what to do, "answer": the final answer when finishing}.

    `may_finish=False` (before any worker has replied) leaves FINISH out, so a supervisor always
    hands the request to someone first instead of answering it alone.
    """
    return {
        "type": "object",
        "properties": {
            "next": {"type": "string", "enum": [*workers, FINISH] if may_finish else list(workers)},
            "task": {"type": "string", "maxLength": TEXT_CAP},
            "answer": {"type": "string", "maxLength": TEXT_CAP},
        },
        "required": ["next", "task"],
    }
