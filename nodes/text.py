"""Text nodes: join several texts, fill `{name}` placeholders, split text into parts."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from nodes.parsers import compile_pattern, guarded_finditer
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting

__all__ = ["FormatTextNode", "JoinTextNode", "SplitTextNode", "decode_escapes", "format_text"]

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


def decode_escapes(value: str) -> str:
    r"""Turn \n, \t, \r and \\ typed into a one-line settings field into the characters."""
    return re.sub(r"\\([ntr\\])", lambda m: _ESCAPES[m.group(1)], value)


def as_texts(value: Any) -> list[str]:
    """The text pieces of one wire's value: lists are flattened, documents give their text."""
    if value is None:
        return [""]
    if isinstance(value, str):
        return [value]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, int | float):
        return [str(value)]
    if isinstance(value, list | tuple):
        return [piece for item in value for piece in as_texts(item)]
    if isinstance(value, dict):
        if isinstance(value.get("text"), str):  # a document
            return [value["text"]]
        if "role" in value and isinstance(value.get("content"), str):  # a message
            return [value["content"]]
    return [json.dumps(value, ensure_ascii=False)]


class JoinTextNode(Node):
    """Join the texts on all wires into one text."""

    type = "text.join"
    version = 1
    title = "Join Text"
    category = "Text"
    description = (
        "Joins every connected value into one text, in wire order. Lists are joined item by "
        "item; documents contribute their text; other values are written as JSON."
    )

    class Config(NodeConfig):
        separator: str = setting("\n\n", description=r"Put between the pieces. \n is a new line, \t a tab.")
        skip_empty: bool = setting(True, description="Leave out empty or blank pieces.")

    inputs = (Port("texts", PortType.ANY, "Texts to join (connect several)", multi=True),)
    outputs = (Port("text", PortType.TEXT, "The joined text"),)
    run_in_thread = False

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        """Join the pieces with the separator."""
        config = self.config
        values = inputs.get("texts")
        pieces = as_texts(values if isinstance(values, list) else [values])
        if config.skip_empty:  # type: ignore[attr-defined]
            pieces = [piece for piece in pieces if piece.strip()]
        separator = decode_escapes(config.separator)  # type: ignore[attr-defined]
        return {"text": separator.join(pieces)}


# {{ and }} are literal braces; {name} with a simple ASCII name is a placeholder; anything else
# ({0}, {a.b}, {x[0]}, { "json": 1 }) is left exactly as written.
_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NEAR_MISS = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")


def placeholders(template: str) -> list[str]:
    """Placeholder names in order of first appearance."""
    names: list[str] = []
    for match in _TOKEN.finditer(template):
        name = match.group(1)
        if name and name not in names:
            names.append(name)
    return names


def format_text(template: str, values: Mapping[str, Any]) -> str:
    """Replace `{name}` placeholders with values; a missing value is a NodeError naming it."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        if values.get(name) is None:
            raise NodeError(f"{name}: no value for {{{name}}} in the template")
        value = values[name]
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        return json.dumps(value, ensure_ascii=False)  # as on a json -> text wire

    return _TOKEN.sub(replace, template)


class FormatTextNode(Node):
    """Fill `{name}` placeholders in a text with the values on the inputs."""

    type = "text.format"
    version = 1
    title = "Format Text"
    category = "Text"
    description = (
        "Replaces {name} in the text with the input called name. Only simple names are "
        "placeholders; write {{ and }} for literal braces. Other braces are kept as written."
    )

    class Config(NodeConfig):
        template: str = setting(
            "{text}",
            description="Text with {name} placeholders; each one becomes an input.",
            multiline=True,
        )

    outputs = (Port("text", PortType.TEXT, "The filled-in text"),)
    run_in_thread = False

    @classmethod
    def input_ports(cls, config: NodeConfig) -> list[Port]:
        """One text input per placeholder, in order of first appearance."""
        template = getattr(config, "template", "")
        return [
            Port(name, PortType.TEXT, f"Replaces {{{name}}} in the template")
            for name in placeholders(template)
        ]

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        """Placeholders that look meant but cannot be input names (e.g. non-ASCII letters)."""
        problems = []
        template = getattr(config, "template", "")
        # Blank out real placeholders and {{ }} escapes first, then look at what is left.
        rest = _TOKEN.sub(lambda m: "" if m.group(1) else "  ", template)
        for match in _NEAR_MISS.finditer(rest):
            name = match.group(1)
            if not name.isdigit():
                problems.append(
                    f"template: {{{name}}} cannot be an input: placeholder names use letters "
                    "A-Z, digits and _, not starting with a digit"
                )
        return problems

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        """Fill in the placeholders."""
        return {"text": format_text(self.config.template, inputs)}  # type: ignore[attr-defined]


class SplitTextNode(Node):
    """Split a text into parts at a separator or a regular expression."""

    type = "text.split"
    version = 1
    title = "Split Text"
    category = "Text"
    description = (
        "Splits text at a separator (or a regular expression). Empty separator: split at any "
        "whitespace. With a maximum, the last part keeps the rest of the text."
    )

    class Config(NodeConfig):
        separator: str = setting(
            "\n",
            description=r"Where to split. \n is a new line, \t a tab; empty = any whitespace.",
        )
        regex: bool = setting(False, description="The separator is a regular expression.")
        max_parts: int = setting(
            0, ge=0, description="At most this many parts (0 = no limit); the last keeps the rest."
        )
        strip: bool = setting(True, description="Trim spaces and new lines around each part.")
        drop_empty: bool = setting(True, description="Leave out empty parts.")

    inputs = (Port("text", PortType.TEXT, "Text to split"),)
    outputs = (
        Port("parts", PortType.JSON, "The parts, as a list of strings"),
        Port("count", PortType.NUMBER, "How many parts"),
    )
    run_in_thread = False

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        """A regular-expression separator that does not compile."""
        if getattr(config, "regex", False) and getattr(config, "separator", ""):
            try:
                compile_pattern("separator", config.separator)  # type: ignore[attr-defined]
            except NodeError as error:
                return [str(error)]
        return []

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        """Split the text."""
        config: Any = self.config
        text = inputs.get("text")
        text = "" if text is None else "".join(as_texts(text))
        if not text:
            return {"parts": [], "count": 0}
        if not config.separator:
            matches = list(re.finditer(r"\s+", text))
        elif config.regex:
            matches = guarded_finditer(
                compile_pattern("separator", config.separator), text, pattern_field="separator"
            )
        else:
            matches = list(re.finditer(re.escape(decode_escapes(config.separator)), text))
        parts: list[str] = []

        def keep(piece: str) -> None:
            piece = piece.strip() if config.strip else piece
            if piece or not config.drop_empty:
                parts.append(piece)

        start = 0
        for match in matches:
            if config.max_parts and len(parts) >= config.max_parts - 1:
                break
            keep(text[start : match.start()])
            start = match.end()
        keep(text[start:])
        return {"parts": parts, "count": len(parts)}
