"""MCP client: sessions to MCP servers (a stdio command or a streamable HTTP URL) for the MCP nodes.

Nothing here imports the `mcp` SDK at module level; `client.py` imports it inside the functions
that open a session. A stdio server is started only by `list_tools` / `call_tool`, each time in
its own session that ends (and kills the child) before the function returns.
"""

from studio.runtime.mcp.approval import McpNotApproved, approved_commands, check_approved
from studio.runtime.mcp.server import (
    McpError,
    McpServer,
    McpTool,
    McpToolResult,
    command_text,
    resolve_command,
)

__all__ = [
    "McpError",
    "McpNotApproved",
    "McpServer",
    "McpTool",
    "McpToolResult",
    "approved_commands",
    "check_approved",
    "command_text",
    "resolve_command",
]
