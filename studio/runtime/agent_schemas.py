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


def bounded(schema: dict[str, Any], cap: int = ARGUMENT_CAP) -> dict[str, Any]:
    """A copy of a tool's parameter schema with every unbounded string given a maxLength, so a
    constrained small model cannot loop inside a string until it runs out of tokens."""
    result = copy.deepcopy(schema) if isinstance(schema, dict) else {"type": "object"}

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "string" and "maxLength" not in node and "enum" not in node:
                node["maxLength"] = cap
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result)
    if result.get("type") is None:
        result["type"] = "object"
    return result


def _call_schema(spec: dict[str, Any], tool_key: str = "tool") -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            tool_key: {"type": "string", "enum": [spec["name"]]},
            "arguments": bounded(spec.get("parameters") or {"type": "object", "properties": {}}),
        },
        "required": [tool_key, "arguments"],
    }


def answer_or_tool_schema(specs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Either {"tool": <a tool's name>, "arguments": <that tool's arguments>} or {"answer": text}."""
    answer = {
        "type": "object",
        "properties": {"answer": {"type": "string", "maxLength": TEXT_CAP}},
        "required": ["answer"],
    }
    if not specs:
        return answer
    return {"anyOf": [*(_call_schema(spec) for spec in specs), answer]}


def plan_schema(specs: Sequence[dict[str, Any]], max_steps: int) -> dict[str, Any]:
    """{"steps": [1..max_steps of {"tool": name, "arguments": {...}}]} over the given tools.

    A string argument may also be a reference such as "{{step1}}" (any text fits a string).
    """
    items: dict[str, Any]
    calls = [_call_schema(spec) for spec in specs]
    items = calls[0] if len(calls) == 1 else {"anyOf": calls}
    return {
        "type": "object",
        "properties": {
            "steps": {"type": "array", "items": items, "minItems": 1, "maxItems": max(1, max_steps)}
        },
        "required": ["steps"],
    }


def supervisor_schema(workers: Sequence[str]) -> dict[str, Any]:
    """{"next": a worker or FINISH, "task": what to do, "answer": the final answer when finishing}."""
    return {
        "type": "object",
        "properties": {
            "next": {"type": "string", "enum": [*workers, FINISH]},
            "task": {"type": "string", "maxLength": TEXT_CAP},
            "answer": {"type": "string", "maxLength": TEXT_CAP},
        },
        "required": ["next", "task"],
    }
