"""JSON schemas that pin an agent's replies to a valid shape: a tool call, a plan, a hand-off.

Sent as `response_format="json_schema"`, they are grammar-constrained on local models (llama.cpp
turns the schema into a grammar), so even the 135M built-in model can only name tools that exist
and give arguments of the right shape; API models get them as structured-output schemas. Tool
specs are the JSON tool descriptions of nodes/tools.py: {"name", "description", "parameters"}.

With `plain=True` (local models) the schemas are tighter than the tools' own: free strings are
plain one-line text, and arguments whose syntax is known get a pattern of that syntax (the
calculator's `expression` only admits arithmetic that parses), because a grammar-bound small model
writes whatever the grammar allows ("17% of 2,340 = 38", "4.2f, ") and a tool error is a wasted step.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

__all__ = [
    "EXPRESSION",
    "FINISH",
    "answer_or_tool_schema",
    "bounded",
    "plan_schema",
    "react_step_schema",
    "supervisor_schema",
    "tool_arguments",
]

FINISH = "FINISH"
TEXT_CAP = 400  # characters of free text in a constrained reply (small models ramble)
THOUGHT_CAP = 160  # characters of a ReAct thought: the action after it must fit max_reply_tokens
ARGUMENT_CAP = 200  # characters of one string argument
# With `plain=True` string arguments may not hold braces (except {{stepN}} references), quotes,
# backslashes or new lines: under a grammar a small model otherwise "closes the JSON" inside a
# string ('2 * 3 }, '). The length is in the pattern because llama.cpp ignores maxLength there.
PLAIN_CAP = 60
PLAIN_TEXT = r'^([^{}"\\\n]|[{][{]step[0-9][}][}]){0,' + str(PLAIN_CAP) + "}$"


def _expression(references: bool) -> str:
    """Arithmetic that always parses: numbers (a trailing % is a percentage), + - * /, one level
    of parentheses, a leading minus; a planner's expressions may also use {{stepN}} results.

    Regular on purpose (a JSON schema pattern becomes a grammar): operands and operators alternate,
    parentheses balance, and numbers have no leading zeros (Python rejects `007`). No `**`: a
    power tower is the one cheap way to make a calculation huge.
    """
    # Character classes, not escapes: llama.cpp's converter copies `\.` and `\{` into the grammar,
    # whose parser rejects them (and the grammar is then dropped).
    number = r"(0|[1-9][0-9]{0,8})([.][0-9]{1,6})?%?"
    atom = f"({number}|[{{][{{]step[1-9][}}][}}])" if references else f"({number})"
    operator = r" ?[-+*/] ?"
    group = rf"[(] ?{atom}({operator}{atom}){{0,3}} ?[)]"
    term = f"-?({atom}|{group})"
    return f"^{term}({operator}{term}){{0,4}}$"


EXPRESSION = _expression(references=False)
PLAN_EXPRESSION = _expression(references=True)
# Arguments whose syntax a local model is held to: (tool node type, argument) -> patterns
# (without and with step references). The calculator's own schema stays as it is (nodes/tools.py).
_SYNTAX = {("tool.calculator", "expression"): (EXPRESSION, PLAN_EXPRESSION)}


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


def tool_arguments(spec: dict[str, Any], *, plain: bool = False, references: bool = False) -> dict[str, Any]:
    """The schema a model's arguments for this tool must fit: the tool's own, bounded, and (with
    `plain`) known argument syntaxes as patterns; `references` admits {{stepN}} in them."""
    schema = bounded(spec.get("parameters") or {"type": "object", "properties": {}}, plain=plain)
    if plain:
        properties = schema.get("properties") or {}
        for (node_type, argument), patterns in _SYNTAX.items():
            prop = properties.get(argument)
            if spec.get("node_type") == node_type and isinstance(prop, dict) and prop.get("type") == "string":
                prop["pattern"] = patterns[1] if references else patterns[0]
    return schema


def _call_schema(spec: dict[str, Any], plain: bool, references: bool = False) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "tool": {"type": "string", "enum": [spec["name"]]},
            "arguments": tool_arguments(spec, plain=plain, references=references),
        },
        "required": ["tool", "arguments"],
    }


def _answer_text() -> dict[str, Any]:
    # minLength: an empty answer is no answer (the engine would pass "" on as the result).
    return {"type": "string", "minLength": 1, "maxLength": TEXT_CAP}


def answer_or_tool_schema(
    specs: Sequence[dict[str, Any]], *, plain: bool = False, may_answer: bool = True, may_call: bool = True
) -> dict[str, Any]:
    """Either {"tool": <a tool's name>, "arguments": <that tool's arguments>} or {"answer": text}.

    `may_answer=False` allows only a tool call (a first step that must use a tool); `may_call=False`
    only the answer (the last step an agent's limits leave it). Without tools it is the answer.
    """
    answer = {"type": "object", "properties": {"answer": _answer_text()}, "required": ["answer"]}
    calls = [_call_schema(spec, plain) for spec in specs] if may_call else []
    options = [*calls, answer] if may_answer or not calls else calls
    return options[0] if len(options) == 1 else {"anyOf": options}


def _plain_line(cap: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": cap, "pattern": r'^[^{}"\\\n]{0,' + str(cap) + "}$"}


def react_step_schema(
    specs: Sequence[dict[str, Any]], *, plain: bool = False, may_answer: bool = True, may_call: bool = True
) -> dict[str, Any]:
    """One ReAct step as JSON, thought first: {"thought", "action": tool, "action_input": args}
    or {"thought", "final_answer"}. `may_answer` / `may_call` as in `answer_or_tool_schema`."""
    thought = _plain_line(THOUGHT_CAP) if plain else {"type": "string", "maxLength": THOUGHT_CAP}
    final = {
        "type": "object",
        "properties": {"thought": thought, "final_answer": _answer_text()},
        "required": ["thought", "final_answer"],
    }
    calls = [
        {
            "type": "object",
            "properties": {
                "thought": thought,
                "action": {"type": "string", "enum": [spec["name"]]},
                "action_input": tool_arguments(spec, plain=plain),
            },
            "required": ["thought", "action", "action_input"],
        }
        for spec in (specs if may_call else [])
    ]
    options = [*calls, final] if may_answer or not calls else calls
    return options[0] if len(options) == 1 else {"anyOf": options}


def plan_schema(specs: Sequence[dict[str, Any]], max_steps: int, *, plain: bool = False) -> dict[str, Any]:
    """{"steps": [1..max_steps of {"tool": name, "arguments": {...}}]} over the given tools.

    A string argument may also hold a reference such as "{{step1}}" (the result of step 1).
    """
    items: dict[str, Any]
    calls = [_call_schema(spec, plain, references=True) for spec in specs]
    items = calls[0] if len(calls) == 1 else {"anyOf": calls}
    return {
        "type": "object",
        "properties": {
            "steps": {"type": "array", "items": items, "minItems": 1, "maxItems": max(1, max_steps)}
        },
        "required": ["steps"],
    }


def supervisor_schema(
    workers: Sequence[str], *, may_finish: bool = True, must_finish: bool = False, plain: bool = False
) -> dict[str, Any]:
    """{"next": a worker or FINISH, "task": what to do, "answer": the final answer when finishing}.

    `may_finish=False` (before any worker has replied) leaves FINISH out, so a supervisor always
    hands the request to someone first instead of answering it alone; `must_finish` (its last
    reply within its limits) leaves only FINISH, with the answer required. `plain` makes the task
    one line of plain text (as for tool arguments).
    """
    if must_finish:
        return {
            "type": "object",
            "properties": {"next": {"type": "string", "enum": [FINISH]}, "answer": _answer_text()},
            "required": ["next", "answer"],
        }
    return {
        "type": "object",
        "properties": {
            "next": {"type": "string", "enum": [*workers, FINISH] if may_finish else list(workers)},
            "task": _plain_line(TEXT_CAP // 2) if plain else {"type": "string", "maxLength": TEXT_CAP},
            "answer": {"type": "string", "maxLength": TEXT_CAP},
        },
        "required": ["next", "task"],
    }
