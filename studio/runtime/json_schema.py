"""JSON-schema checks shared by the LLM runtime and the JSON Parser node.

The `jsonschema` package (a dependency of litellm) does the work when it can be imported; a
minimal validator (type, enum, required, properties, items, additionalProperties: false) with
the same wording stands in when it cannot.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studio.flow.errors import json_path

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _fits_type(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES.get(name, ()))


def _minimal_errors(value: Any, schema: Mapping[str, Any], path: list[Any]) -> Iterator[str]:
    expected = schema.get("type")
    if expected is not None:
        names = [expected] if isinstance(expected, str) else list(expected)
        if not any(_fits_type(value, name) for name in names):
            yield f"{json_path(path)}: {value!r} is not of type {' or '.join(map(repr, names))}"
            return
    if "enum" in schema and value not in schema["enum"]:
        yield f"{json_path(path)}: {value!r} is not one of {schema['enum']!r}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                yield f"{json_path(path)}: {key!r} is a required property"
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties and isinstance(properties[key], Mapping):
                yield from _minimal_errors(item, properties[key], [*path, key])
            elif schema.get("additionalProperties") is False:
                yield f"{json_path(path)}: additional property {key!r} is not allowed"
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for index, item in enumerate(value):
            yield from _minimal_errors(item, schema["items"], [*path, index])


def schema_errors(value: Any, schema: Mapping[str, Any]) -> list[str]:
    """Every place where `value` breaks `schema`, as "$.path: reason" (empty when it fits).

    A schema that is itself invalid raises ValueError (check it first with `schema_problem`).
    """
    try:
        import jsonschema  # lazy: slow to import
    except ImportError:
        return list(_minimal_errors(value, schema, []))
    try:
        validator = jsonschema.validators.validator_for(schema)(schema)
        errors = sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.absolute_path)))
    except jsonschema.SchemaError as error:
        raise ValueError(f"the JSON schema itself is invalid: {error.message}") from None
    return [f"{json_path(list(e.absolute_path))}: {e.message}" for e in errors]


def _walk_types(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        kind = schema.get("type")
        if isinstance(kind, str):
            yield kind
        elif isinstance(kind, list):
            yield from (k for k in kind if isinstance(k, str))
        for value in schema.values():
            yield from _walk_types(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _walk_types(value)


def schema_problem(schema: Any) -> str | None:
    """Why `schema` is not a usable JSON schema ("$.path: reason"), or None."""
    if not isinstance(schema, dict):
        return "the JSON schema must be an object"
    try:
        import jsonschema
    except ImportError:
        bad = [t for t in _walk_types(schema) if t not in _TYPES]
        return f"unknown type {bad[0]!r}" if bad else None
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as error:
        return f"{json_path(list(error.absolute_path))}: {error.message}"
    return None
