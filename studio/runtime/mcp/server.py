"""What an MCP server is to the client (plain data, standard library only): a stdio command or a
URL, and the tools and results it gives back."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# A flow must run on any machine: `python` as the first word means the interpreter running the
# Studio (the one that has `studio.server.demo_mcp_tools` and the SDK installed).
PYTHON_PLACEHOLDER = "python"


class McpError(Exception):
    """An MCP server could not be reached, failed or misbehaved; the message is for the user."""


def resolve_command(argv: Sequence[str]) -> list[str]:
    """The argv to start: `python` (alone, as the program) becomes the running interpreter."""
    command = [str(part) for part in argv]
    if command and command[0] == PYTHON_PLACEHOLDER:
        command[0] = sys.executable
    return command


def command_text(argv: Sequence[str]) -> str:
    """How a command is shown to the user and remembered when approved (shell quoting)."""
    return shlex.join(str(part) for part in argv)


@dataclass(frozen=True)
class McpServer:
    """How to reach one MCP server. `command` (argv, as written in the flow) or `url`."""

    command: tuple[str, ...] = ()
    url: str = ""
    env: dict[str, str] = field(default_factory=dict)  # resolved secret values: never stored
    headers: dict[str, str] = field(default_factory=dict)  # resolved secret values: never stored
    cwd: str | None = None
    allow_private: bool = False
    timeout_s: float = 30.0

    @property
    def label(self) -> str:
        """The server as the user wrote it: the command line or the URL."""
        return command_text(self.command) if self.command else self.url

    def __repr__(self) -> str:  # secrets never reach a log through a repr
        return f"McpServer({self.label!r})"


@dataclass(frozen=True)
class McpTool:
    """One tool a server lists."""

    name: str
    description: str
    input_schema: dict[str, Any]
    read_only: bool = False  # the server's readOnlyHint: calling it changes nothing

    def to_dict(self) -> dict[str, Any]:
        """JSON form (for the inspector and traces)."""
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": self.input_schema,
            "read_only": self.read_only,
        }


@dataclass(frozen=True)
class McpToolResult:
    """A tool call's result: its text blocks joined, structured content when the server sent it."""

    text: str
    structured: Any = None
    is_error: bool = False
