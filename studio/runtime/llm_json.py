"""JSON replies: ask for them, repair the usual wrapping, parse, and check them against a schema."""

from __future__ import annotations

import json
import re
from typing import Any

from studio.runtime.llm_types import ChatRequest, InvalidJSONOutput

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
        f"the model was asked for JSON but its reply is not valid JSON{reason}; "
        f"reply: {snippet(text)!r}",
        reply=text,
    )


def _path(parts: list[Any]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _fits_type(value: Any, type_name: str) -> bool:
    if type_name in ("integer", "number") and isinstance(value, bool):
        return False
    if type_name == "integer" and isinstance(value, float):
        return value.is_integer()
    kinds = _TYPES.get(type_name)
    return True if kinds is None else isinstance(value, kinds)


def _minimal_errors(value: Any, schema: dict[str, Any], parts: list[Any]) -> str | None:
    """A small JSON-schema check (type, enum, required, properties, items) for when the
    `jsonschema` package is missing. Returns "path: problem" or None."""
    expected = schema.get("type")
    if expected is not None:
        names = expected if isinstance(expected, list) else [expected]
        if not any(_fits_type(value, name) for name in names):
            return f"{_path(parts)}: expected {' or '.join(names)}, got {type(value).__name__}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{_path(parts)}: {value!r} is not one of {schema['enum']!r}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                return f"{_path(parts)}: missing required property {key!r}"
        for key, sub in (schema.get("properties") or {}).items():
            if key in value and isinstance(sub, dict):
                problem = _minimal_errors(value[key], sub, [*parts, key])
                if problem:
                    return problem
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            problem = _minimal_errors(item, schema["items"], [*parts, index])
            if problem:
                return problem
    return None


def schema_problem(value: Any, schema: dict[str, Any]) -> str | None:
    """Why `value` does not match `schema` ("$.path: reason"), or None when it does."""
    try:
        import jsonschema
    except ImportError:
        return _minimal_errors(value, schema, [])
    try:
        validator_class = jsonschema.validators.validator_for(schema)
        validator = validator_class(schema)
        errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    except jsonschema.SchemaError as exc:
        return f"the JSON schema itself is invalid: {exc.message}"
    if not errors:
        return None
    first = errors[0]
    return f"{_path(list(first.absolute_path))}: {first.message}"


def check_schema(schema: Any) -> str | None:
    """Why a JSON schema setting is unusable, or None when it is fine."""
    if not isinstance(schema, dict):
        return "the JSON schema must be an object"
    try:
        import jsonschema
    except ImportError:
        return None
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as exc:
        return f"the JSON schema is invalid: {exc.message}"
    return None


def parse_and_validate(text: str, request: ChatRequest) -> Any:
    """Parse a JSON reply and, in json_schema mode, validate it; InvalidJSONOutput otherwise."""
    value = parse_json_reply(text)
    if request.response_format == "json_schema" and request.json_schema:
        problem = schema_problem(value, request.json_schema)
        if problem:
            path = problem.split(":", 1)[0] if problem.startswith("$") else None
            raise InvalidJSONOutput(
                f"the model's JSON does not match the schema at {problem}; "
                f"reply: {snippet(text)!r}",
                reply=text,
                path=path,
            )
    return value
