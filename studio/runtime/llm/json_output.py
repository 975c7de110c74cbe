"""JSON replies: ask for them, repair the usual wrapping, parse, and check them against a schema."""

from __future__ import annotations

import json
import re
from typing import Any

from studio.runtime.json_schema import schema_errors
from studio.runtime.json_schema import schema_problem as json_schema_problem
from studio.runtime.llm.types import ChatRequest, InvalidJSONOutput

SNIPPET_CHARS = 200

_FENCE = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n?(.*?)```", re.DOTALL)


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The start of a reply, shortened for an error message."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


def json_instruction(request: ChatRequest) -> str | None:
    """A system note asking for JSON (OpenAI refuses JSON mode unless a message says "JSON")."""
    if request.response_format == "text":
        return None
    note = "Reply with one valid JSON value only, no prose and no code fences."
    if request.response_format == "json_schema" and request.json_schema:
        schema = json.dumps(request.json_schema, ensure_ascii=False, sort_keys=True)
        note += f" It must match this JSON schema: {schema}"
    return note


def with_json_instruction(request: ChatRequest) -> list[dict[str, Any]]:
    """The request's messages, with the JSON note added to (or as) the system message."""
    messages = [dict(m) for m in request.messages]
    note = json_instruction(request)
    if note is None:
        return messages
    if messages and messages[0].get("role") == "system":
        content = messages[0].get("content") or ""
        messages[0]["content"] = f"{content}\n\n{note}" if content else note
    else:
        messages.insert(0, {"role": "system", "content": note})
    return messages


def _outermost(text: str) -> str | None:
    """The text from the first `{` or `[` to the matching last `}` or `]`."""
    starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    if not starts:
        return None
    start = min(starts)
    closer = "}" if text[start] == "{" else "]"
    end = text.rfind(closer)
    if end <= start:
        return None
    return text[start : end + 1]


def parse_json_reply(text: str) -> Any:
    """Parse a model's JSON reply, repairing code fences and prose around the value.

    Raises InvalidJSONOutput with a snippet of the reply when nothing parses.
    """
    candidates = [text.strip()]
    fenced = _FENCE.search(text)
    if fenced:
        candidates.append(fenced.group(1).strip())
    for base in list(candidates):
        inner = _outermost(base)
        if inner is not None:
            candidates.append(inner)
    error: json.JSONDecodeError | None = None
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return json.loads(candidate)
        except json.JSONDecodeError as exc:
            error = error or exc
    reason = f" ({error.msg} at line {error.lineno} column {error.colno})" if error else ""
    raise InvalidJSONOutput(
        f"the model was asked for JSON but its reply is not valid JSON{reason}; reply: {snippet(text)!r}",
        reply=text,
    )


def schema_problem(value: Any, schema: dict[str, Any]) -> str | None:
    """Why `value` does not match `schema` ("$.path: reason"), or None when it does."""
    try:
        errors = schema_errors(value, schema)
    except ValueError as error:
        return str(error)
    return errors[0] if errors else None


def check_schema(schema: Any) -> str | None:
    """Why a JSON schema setting is unusable, or None when it is fine."""
    problem = json_schema_problem(schema)
    if problem is None or not isinstance(schema, dict):
        return problem
    return f"the JSON schema is invalid: {problem}"


def parse_and_validate(text: str, request: ChatRequest) -> Any:
    """Parse a JSON reply and, in json_schema mode, validate it; InvalidJSONOutput otherwise."""
    value = parse_json_reply(text)
    if request.response_format == "json_schema" and request.json_schema:
        problem = schema_problem(value, request.json_schema)
        if problem:
            path = problem.split(":", 1)[0] if problem.startswith("$") else None
            raise InvalidJSONOutput(
                f"the model's JSON does not match the schema at {problem}; reply: {snippet(text)!r}",
                reply=text,
                path=path,
            )
    return value
