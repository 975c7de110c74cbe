"""Where values enter and leave a flow: its declared inputs and outputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import field_validator

from studio.engine.context import RunContext
from studio.engine.errors import BadInput
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.flow.schema import NAME_PATTERN


class _InterfaceConfig(NodeConfig):
    name: str = setting(
        "input", description="The name used on the command line and by parent flows.", pattern=NAME_PATTERN
    )
    description: str = setting("", description="Shown to whoever runs the flow.")


class TextInput(Node):
    """A text value given when the flow runs (`--input name=...`)."""

    type = "io.text_input"
    title = "Text Input"
    category = "Inputs & Outputs"
    description = "A text value given when the flow runs."
    interface = "input"
    run_in_thread = False
    outputs = (Port("text", PortType.TEXT, "The value given for this input."),)

    class Config(_InterfaceConfig):
        default: str | None = setting(
            None, description="Used when the run does not give a value.", multiline=True
        )
        required: bool = setting(True, description="Refuse to run without a value.")

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: TextInput.Config = self.config  # type: ignore[assignment]
        value = ctx.flow_inputs.get(config.name, config.default)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise BadInput(f"input {config.name!r} expects text, got {type(value).__name__}")
        return {"text": value}


class ChatInput(Node):
    """The user's chat message, with the conversation so far when the host supplies it."""

    type = "io.chat_input"
    title = "Chat Input"
    category = "Inputs & Outputs"
    description = "The user's message in a chat; `messages` holds the history plus this message."
    interface = "input"
    run_in_thread = False
    deterministic = False  # a chat turn depends on the session's history, not only on settings
    outputs = (
        Port("message", PortType.TEXT, "The user's latest message."),
        Port("messages", PortType.MESSAGES, "History (if any) followed by the latest message."),
        Port("history", PortType.MESSAGES, "Earlier turns of the conversation only."),
    )

    class Config(_InterfaceConfig):
        name: str = setting(
            "message",
            pattern=NAME_PATTERN,
            description="The name used on the command line and by parent flows.",
        )
        required: bool = setting(True, description="Refuse to run without a message.")
        default: str | None = setting(None, description="Used when the run does not give a message.")

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: ChatInput.Config = self.config  # type: ignore[assignment]
        message = ctx.flow_inputs.get(config.name, config.default) or ""
        if not isinstance(message, str):
            raise BadInput(f"input {config.name!r} expects text, got {type(message).__name__}")
        history = ctx.extras.get("chat_history") or ctx.flow_inputs.get(f"{config.name}_history") or []
        history = [m for m in history if isinstance(m, dict) and "role" in m and "content" in m]
        return {
            "message": message,
            "history": list(history),
            "messages": [*history, {"role": "user", "content": message}],
        }


class Output(Node):
    """A value the flow returns, under a name."""

    type = "io.output"
    title = "Output"
    category = "Inputs & Outputs"
    description = "A result of the flow, printed by `studio run` and returned to parent flows."
    interface = "output"
    run_in_thread = False
    inputs = (Port("value", PortType.ANY, "The value to return."),)
    outputs = (Port("value", PortType.ANY, "The same value, for display."),)

    class Config(NodeConfig):
        name: str = setting(
            "result", pattern=NAME_PATTERN, description="The name of this result in the flow's outputs."
        )
        description: str = setting("", description="What this result is.")
        format: Literal["text", "markdown", "json"] = setting(
            "text",
            description="How the Studio and the CLI show the value.",
            choices=["text", "markdown", "json"],
        )

        @field_validator("name")
        @classmethod
        def _not_reserved(cls, value: str) -> str:
            if value.startswith("_"):
                raise ValueError("names starting with '_' are reserved")
            return value

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        return {"value": inputs.get("value")}
