"""Approval of stdio MCP server commands: a flow file must not start programs on its own.

The host puts its decision in the run's extras under `allow_mcp`: `True` when the user approved
every MCP server of the run (`--allow-mcp` on the CLI), or a collection of approved command lines
(`command_text` of the argv as written in the flow: the Studio asks once per flow and command).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from studio.runtime.mcp.server import McpError, command_text

EXTRAS_KEY = "allow_mcp"


class McpNotApproved(McpError):
    """A stdio MCP server would start without the user's approval."""


def approved_commands(extras: Mapping[str, Any]) -> bool | frozenset[str]:
    """What the host approved: True (everything), or the approved command lines."""
    value = extras.get(EXTRAS_KEY)
    if value is True:
        return True
    if isinstance(value, str):
        return frozenset([value])
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(str(item) for item in value)
    return frozenset()


def check_approved(extras: Mapping[str, Any], argv: Sequence[str], *, where: str = "") -> None:
    """Raise McpNotApproved unless the host approved starting `argv` (checked before any start)."""
    approved = approved_commands(extras)
    line = command_text(argv)
    if approved is True or (isinstance(approved, frozenset) and line in approved):
        return
    at = f"{where}: " if where else ""
    raise McpNotApproved(
        f"{at}the MCP server command `{line}` was not approved, so it was not started: run with "
        f"`--allow-mcp` (studio run / serve / mcp), or approve it in the Studio when it asks"
    )
