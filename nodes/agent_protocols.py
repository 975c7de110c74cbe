"""Text protocols the agents speak with models, and robust readers for what models write back.

No node classes here (this module is not an entry point): prompts, the ReAct reader that copes
with small local models' sloppy output, and helpers shared by the agent nodes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "REACT_INSTRUCTIONS",
    "REACT_JSON_INSTRUCTIONS",
    "USE_A_TOOL",
    "ReactStep",
    "coerce_arguments",
    "describe_tools",
    "find_tool",
    "observation_text",
    "parse_json_loose",
    "parse_react",
    "substitute_results",
]

OBSERVATION_LIMIT = 2000

REACT_INSTRUCTIONS = """Answer the user's question. You can use these tools:
{tools}

Use exactly this format:
Thought: think about what to do next
Action: one tool name from [{names}]
Action Input: the tool's arguments as JSON
Then stop and wait: the Observation (the tool's result) is given to you.
Repeat Thought/Action/Action Input as needed. When you know the answer, write:
Thought: I know the answer
Final Answer: the answer to the question"""

# ReAct for local models: the same steps, one JSON object per reply, held to a grammar.
REACT_JSON_INSTRUCTIONS = """Answer the user's question. You can use these tools:
{tools}

Each reply is one JSON object. To use a tool:
{{"thought": "what to do next", "action": "<one of {names}>", "action_input": {{...the tool's arguments...}}}}
Then wait: the Observation (the tool's result) is given to you.
When you know the answer:
{{"thought": "I know the answer", "final_answer": "the answer to the question"}}"""

# Said to a model whose agent must call a tool before it answers.
USE_A_TOOL = "Use a tool first: its result is what the answer must rest on."


def describe_tools(specs: list[dict[str, Any]]) -> str:
    """One line per tool: name, description and its arguments as a compact JSON example."""
    lines = []
    for spec in specs:
        properties = (spec.get("parameters") or {}).get("properties") or {}
        example = {
            name: (prop.get("type") if isinstance(prop.get("type"), str) else "value")
            for name, prop in properties.items()
        }
        lines.append(
            f"- {spec['name']}: {spec.get('description', '').strip()} "
            f"Arguments: {json.dumps(example, ensure_ascii=False)}"
        )
    return "\n".join(lines)


def parse_json_loose(text: str) -> Any:
    """Parse JSON the way models write it (fences, prose around it, trailing commas...)."""
    from studio.runtime.llm.json_output import parse_json_reply

    return parse_json_reply(text)


@dataclass
class ReactStep:
    """What one ReAct reply said: a thought and either an action or a final answer."""

    thought: str = ""
    action: str | None = None
    action_input: str = ""
    final_answer: str | None = None


_FIELD = re.compile(
    r"^[ \t>*_#`-]*(thought|action\s*input|action|final\s*answer|observation)\s*\**\s*[:：]\s*\**\s*",
    re.IGNORECASE | re.MULTILINE,
)


def parse_react(text: str) -> ReactStep:
    """Read a ReAct reply. Labels may be bold, lower-case, use a full-width colon or be missing.

    A hallucinated "Observation:" and everything after it is dropped. A reply with neither an
    action nor a final answer counts as the final answer (small models often just answer).
    """
    fields: list[tuple[str, int, int]] = []
    for match in _FIELD.finditer(text):
        label = re.sub(r"\s+", " ", match.group(1).lower())
        fields.append((label, match.start(), match.end()))
    step = ReactStep()
    for index, (label, _start, end) in enumerate(fields):
        stop = fields[index + 1][1] if index + 1 < len(fields) else len(text)
        value = text[end:stop].strip()
        if label == "observation":
            break
        if label == "thought" and not step.thought:
            step.thought = value
        elif label == "action" and step.action is None and step.final_answer is None:
            step.action = value.splitlines()[0].strip() if value else ""
            rest = "\n".join(value.splitlines()[1:]).strip()
            if rest and not step.action_input:
                step.action_input = rest
        elif label == "action input" and step.final_answer is None:
            step.action_input = value
        elif label == "final answer" and step.action is None:
            step.final_answer = value
    if step.action is None and step.final_answer is None:
        body = text.split("Observation:")[0]
        body = re.sub(r"^\s*thought\s*[:：]\s*", "", body, flags=re.IGNORECASE).strip()
        step.final_answer = body
    return step


def find_tool(name: str, specs: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, str]:
    """The tool an Action line names, tolerating quotes, brackets and 'calculator(2+2)' forms.

    Returns (spec, inline arguments text) or (None, "").
    """
    cleaned = name.strip().strip("`*\"'[]{}.").strip()
    inline = ""
    call = re.match(r"^([\w-]+)\s*\((.*)\)\s*$", cleaned, re.DOTALL)
    if call:
        cleaned, inline = call.group(1), call.group(2).strip()
    by_name = {spec["name"].lower(): spec for spec in specs}
    if cleaned.lower() in by_name:
        return by_name[cleaned.lower()], inline
    for spec in specs:  # "use the calculator tool" -> calculator
        if re.search(rf"(?<![\w-]){re.escape(spec['name'].lower())}(?![\w-])", cleaned.lower()):
            return spec, inline
    return None, ""


def coerce_arguments(raw: str, spec: dict[str, Any]) -> Any:
    """Arguments from an Action Input: JSON if it parses, else the whole text for a tool that
    takes exactly one string argument (what small models usually write)."""
    text = raw.strip()
    if text.startswith("```"):
        text = re.sub(r"^```\w*\s*|\s*```$", "", text).strip()
    properties = (spec.get("parameters") or {}).get("properties") or {}
    strings = [n for n, p in properties.items() if p.get("type") == "string"]
    try:
        value = parse_json_loose(text) if text else {}
    except Exception:
        value = None
    if isinstance(value, dict):
        return value
    single = strings[0] if len(properties) == 1 and strings else None
    if single is None:
        required = (spec.get("parameters") or {}).get("required") or []
        single = required[0] if len(required) == 1 and required[0] in strings else None
    if single is not None:
        if isinstance(value, str):
            return {single: value}
        return {single: text.strip().strip("\"'")}
    return value if value is not None else text


def observation_text(value: Any, limit: int = OBSERVATION_LIMIT) -> str:
    """A tool result as text for the model, cut to a length it can take."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > limit:
        text = text[:limit] + f" ... [{len(text) - limit} more characters]"
    return text


_REF = re.compile(r"\{\{\s*(?:step|result)[_ ]?(\d+)\s*\}\}|\$(?:step|result)(\d+)", re.IGNORECASE)


def substitute_results(value: Any, results: dict[int, Any]) -> Any:
    """Replace {{step1}} / $step1 in planned arguments with earlier steps' results."""
    if isinstance(value, str):
        whole = _REF.fullmatch(value.strip())
        if whole:
            number = int(whole.group(1) or whole.group(2))
            if number in results:
                return results[number]

        def replace(match: re.Match[str]) -> str:
            number = int(match.group(1) or match.group(2))
            if number not in results:
                return match.group(0)
            result = results[number]
            return result if isinstance(result, str) else json.dumps(result, ensure_ascii=False)

        return _REF.sub(replace, value)
    if isinstance(value, list):
        return [substitute_results(v, results) for v in value]
    if isinstance(value, dict):
        return {k: substitute_results(v, results) for k, v in value.items()}
    return value
