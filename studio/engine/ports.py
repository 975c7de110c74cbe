"""Typed ports and the one function that decides which ports may be wired together."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast


class PortType(StrEnum):
    """What flows through a port."""

    TEXT = "text"
    MESSAGES = "messages"  # a list of {"role": ..., "content": ...}
    DOCUMENTS = "documents"  # a list of {"text": ..., "metadata": {...}, "score"?: float}
    NUMBER = "number"
    BOOLEAN = "boolean"
    JSON = "json"  # any JSON value
    EMBEDDING = "embedding"  # a list of floats, or a list of such lists
    TOOL = "tool"  # a tool description agents can call
    ANY = "any"


@dataclass(frozen=True)
class Port:
    """A named, typed input or output of a node.

    `multi` input ports accept several wires and receive a list, in the order the edges appear in
    the flow file. Optional inputs left unconnected receive `default`.
    """

    name: str
    type: PortType = PortType.TEXT
    description: str = ""
    required: bool = True
    multi: bool = False
    default: Any = None


# (source type, target type) -> how a value is converted on the wire. Kept deliberately short:
# anything not listed is refused when the wire is drawn, not discovered at run time.
_CONVERSIONS: dict[tuple[PortType, PortType], str] = {
    (PortType.TEXT, PortType.MESSAGES): "text_to_messages",
    (PortType.DOCUMENTS, PortType.TEXT): "documents_to_text",
    (PortType.NUMBER, PortType.TEXT): "to_text",
    (PortType.BOOLEAN, PortType.TEXT): "to_text",
    (PortType.JSON, PortType.TEXT): "json_to_text",
    (PortType.MESSAGES, PortType.JSON): "identity",
    (PortType.DOCUMENTS, PortType.JSON): "identity",
    (PortType.NUMBER, PortType.JSON): "identity",
    (PortType.BOOLEAN, PortType.JSON): "identity",
    (PortType.TEXT, PortType.JSON): "identity",
    (PortType.EMBEDDING, PortType.JSON): "identity",
}


def conversion(source: PortType, target: PortType) -> str | None:
    """The conversion applied on a wire from `source` to `target`, or None if they cannot connect."""
    if source == target or PortType.ANY in (source, target):
        return "identity"
    return _CONVERSIONS.get((source, target))


def can_connect(source: PortType, target: PortType) -> bool:
    """Whether an output of type `source` may feed an input of type `target`."""
    return conversion(source, target) is not None


def explain_mismatch(source: PortType, target: PortType) -> str:
    """Why two port types do not fit, and which target types the source would fit."""
    fits = sorted(t.value for t in PortType if can_connect(source, t))
    return f"a {source.value} output cannot feed a {target.value} input (it fits: {', '.join(fits)})"


def documents_to_text(documents: list[Any]) -> str:
    """Join document texts with blank lines between them."""
    parts = []
    for document in documents:
        parts.append(document.get("text", "") if isinstance(document, dict) else str(document))
    return "\n\n".join(parts)


def convert(value: Any, source: PortType, target: PortType) -> Any:
    """Convert a value travelling from a `source` port to a `target` port."""
    name = conversion(source, target)
    if name in (None, "identity") or value is None:
        return value
    if name == "text_to_messages":
        return [{"role": "user", "content": str(value)}]
    if name == "documents_to_text":
        return documents_to_text(value)
    if name == "json_to_text":
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if name == "to_text":
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    raise AssertionError(f"unhandled conversion {name}")


def check_value(value: Any, port_type: PortType) -> str | None:
    """A short reason why `value` is not of `port_type`, or None when it fits."""
    expected: dict[PortType, tuple[type, ...]] = {
        PortType.TEXT: (str,),
        PortType.MESSAGES: (list,),
        PortType.DOCUMENTS: (list,),
        PortType.NUMBER: (int, float),
        PortType.BOOLEAN: (bool,),
        PortType.EMBEDDING: (list,),
    }
    kinds = expected.get(port_type)
    if kinds is None or value is None:
        return None
    if port_type == PortType.NUMBER and isinstance(value, bool):
        return "expected a number, got a boolean"
    if not isinstance(value, kinds):
        return f"expected {port_type.value}, got {type(value).__name__}"
    if port_type == PortType.MESSAGES:
        for item in cast(list[Any], value):
            if not (isinstance(item, dict) and "role" in item and "content" in item):
                return "expected a list of messages with 'role' and 'content'"
    return None
