"""A tiny offline MCP server with harmless tools, for flows/mcp_agent.json and the tests.

Run it as `python -m studio.server.demo_mcp_tools` (stdio). It reads nothing, writes nothing and
uses no network: word counting, today's date and a letter count.
"""

from __future__ import annotations

import datetime
import re


def word_count(text: str) -> int:
    """How many words the text has (runs of letters, digits or CJK characters)."""
    return len(re.findall(r"[\w\u4e00-\u9fff]+", text))


def today() -> str:
    """Today's date on this computer, as YYYY-MM-DD."""
    return datetime.date.today().isoformat()


def count_letter(text: str, letter: str) -> int:
    """How many times `letter` (one character, case-insensitive) occurs in the text."""
    if len(letter) != 1:
        raise ValueError("letter must be exactly one character")
    return text.lower().count(letter.lower())


def main() -> None:
    """Serve the tools over stdio until the client closes stdin."""
    from mcp.server.mcpserver import MCPServer

    server: MCPServer = MCPServer("chain-studio-demo-tools", instructions="Harmless offline demo tools.")
    server.add_tool(word_count)
    server.add_tool(today)
    server.add_tool(count_letter)
    server.run("stdio")


if __name__ == "__main__":
    main()
