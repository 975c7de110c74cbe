"""Small node types for the GUI tests: every port type and every kind of setting, no engine needed."""

from __future__ import annotations

import re
from typing import Any, Literal

from studio.engine.node import Node, NodeConfig, setting
from studio.engine.ports import Port, PortType


class TextIn(Node):
    type = "test.text_in"
    title = "Text In"
    category = "Inputs"
    description = "A piece of text typed by the user."
    interface = "input"
    outputs = (Port("text", PortType.TEXT),)

    class Config(NodeConfig):
        name: str = setting("question", description="Flow input name")
        value: str = setting("", multiline=True)

    def run(self, inputs: Any, ctx: Any) -> dict[str, Any]:
        return {"text": self.config.value}


class Template(Node):
    type = "test.template"
    title = "Template"
    category = "Prompts"
    description = "Fill {{variables}} into a text."
    outputs = (Port("text", PortType.TEXT),)

    class Config(NodeConfig):
        template: str = setting("Hello {{name}}", multiline=True, widget="template")

    @classmethod
    def input_ports(cls, config: Any) -> list[Port]:
        names = dict.fromkeys(re.findall(r"{{\s*(\w+)\s*}}", config.template))
        return [Port(n, PortType.TEXT) for n in names]

    def run(self, inputs: Any, ctx: Any) -> dict[str, Any]:
        return {"text": self.config.template}


class Chat(Node):
    type = "test.chat"
    title = "Chat Model"
    category = "Models"
    description = "Ask a language model."
    inputs = (Port("prompt", PortType.MESSAGES),)
    outputs = (Port("text", PortType.TEXT), Port("usage", PortType.JSON))

    class Config(NodeConfig):
        model: str = setting("local/smollm2-135m-instruct", widget="model")
        temperature: float = setting(0.7, ge=0.0, le=2.0)
        max_tokens: int = setting(64, ge=1, le=4096)
        stream: bool = setting(True)
        mode: Literal["text", "json"] = setting("text")
        style: str = setting("plain", choices=["plain", "bullet"])
        api_key: str | None = setting(None, secret=True)
        extra: dict[str, Any] = setting(default_factory=dict, widget="json")


class Count(Node):
    type = "test.count"
    title = "Count"
    category = "Text"
    description = "Count characters."
    inputs = (Port("text", PortType.TEXT),)
    outputs = (Port("count", PortType.NUMBER),)


class Retrieve(Node):
    type = "test.retrieve"
    title = "Retrieve"
    category = "Knowledge"
    description = "Find documents."
    inputs = (Port("query", PortType.TEXT),)
    outputs = (Port("documents", PortType.DOCUMENTS),)


class Join(Node):
    type = "test.join"
    title = "Join"
    category = "Text"
    description = "Join several texts."
    inputs = (Port("parts", PortType.TEXT, multi=True),)
    outputs = (Port("text", PortType.TEXT),)


class Embed(Node):
    type = "test.embed"
    title = "Embed"
    category = "Knowledge"
    description = "Text to vectors."
    inputs = (Port("text", PortType.TEXT),)
    outputs = (Port("vector", PortType.EMBEDDING),)


class Output(Node):
    type = "test.output"
    title = "Output"
    category = "Outputs"
    description = "A result of the flow."
    interface = "output"
    inputs = (Port("value", PortType.ANY),)

    class Config(NodeConfig):
        name: str = setting("answer")


ALL = [TextIn, Template, Chat, Count, Retrieve, Join, Embed, Output]
