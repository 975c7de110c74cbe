"""The MCP client runtime against a real MCP server process (the SDK's MCPServer, started here)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from studio.runtime.mcp import (
    McpError,
    McpNotApproved,
    McpServer,
    check_approved,
    command_text,
    resolve_command,
)
from studio.runtime.mcp.client import call_tool, list_tools
from tests.runtime.mcp.helpers import alive, fake_command, started


@pytest.fixture
def pids(tmp_path: Path) -> Path:
    return tmp_path / "pids.txt"


def server(pids: Path, mode: str = "normal", timeout_s: float = 60.0) -> McpServer:
    return McpServer(command=tuple(fake_command(mode)), env={"MCP_FAKE_PIDS": str(pids)}, timeout_s=timeout_s)


def no_child_left(pids: Path, expected: int) -> None:
    assert len(started(pids)) == expected
    assert not [pid for pid in started(pids) if alive(pid)]


def test_lists_tools_and_calls_them_and_each_session_ends_its_child(pids: Path) -> None:
    async def main() -> None:
        tools = {tool.name: tool for tool in await list_tools(server(pids))}
        assert {"echo", "add", "fail", "crash"} <= set(tools)
        assert tools["add"].input_schema["required"] == ["a", "b"]
        assert tools["add"].description == "Add two whole numbers."
        result = await call_tool(server(pids), "add", {"a": 2, "b": 40})
        assert (result.text, result.structured, result.is_error) == ("42", {"result": 42}, False)
        failed = await call_tool(server(pids), "fail", {"reason": "no disk"})
        assert failed.is_error and "no disk" in failed.text

    asyncio.run(main())
    no_child_left(pids, 3)


def test_env_reaches_the_child(pids: Path) -> None:
    process = McpServer(command=tuple(fake_command()), env={"MCP_FAKE_PIDS": str(pids), "FAKE_TOKEN": "t0k"})
    result = asyncio.run(call_tool(process, "secret_env", {}))
    assert result.text == "t0k"


def test_a_command_that_does_not_exist_is_named() -> None:
    missing = McpServer(command=("no-such-mcp-server-here", "--stdio"))
    with pytest.raises(
        McpError, match="cannot start MCP server `no-such-mcp-server-here --stdio`: the program"
    ):
        asyncio.run(list_tools(missing))


def test_a_server_that_exits_at_once_says_why(pids: Path) -> None:
    with pytest.raises(McpError) as caught:
        asyncio.run(list_tools(server(pids, "exit")))
    message = str(caught.value)
    assert "stopped or closed the connection" in message
    assert "refusing to start (bad configuration)" in message  # its last line on stderr
    assert "Traceback" not in message
    no_child_left(pids, 1)


def test_a_server_that_crashes_mid_call_leaves_no_child(pids: Path) -> None:
    with pytest.raises(McpError, match="stopped or closed the connection before answering"):
        asyncio.run(call_tool(server(pids), "crash", {}))
    no_child_left(pids, 1)


def test_a_malformed_message_fails_the_call_at_once_and_ends_the_child(pids: Path) -> None:
    # The garbling server sleeps 30 s after its bad line: the error must not wait for the limit.
    with pytest.raises(McpError, match="sent a malformed message"):
        asyncio.run(call_tool(server(pids, "garble", timeout_s=600), "echo", {}))
    no_child_left(pids, 1)


def test_a_call_past_the_time_limit_is_stopped_and_its_child_ended(pids: Path) -> None:
    with pytest.raises(McpError, match=r"did not answer within 3 s"):
        asyncio.run(call_tool(server(pids, timeout_s=3), "slow", {"seconds": 60}))
    no_child_left(pids, 1)


def test_urls_go_through_the_egress_guard() -> None:
    with pytest.raises(McpError, match="loopback"):
        asyncio.run(list_tools(McpServer(url="http://127.0.0.1:9/mcp")))
    with pytest.raises(McpError, match=r"cannot reach MCP server http://127\.0\.0\.1:9/mcp"):
        asyncio.run(list_tools(McpServer(url="http://127.0.0.1:9/mcp", allow_private=True, timeout_s=10)))


def test_python_means_this_interpreter_and_approval_names_the_command() -> None:
    import sys

    assert resolve_command(["python", "-m", "x"]) == [sys.executable, "-m", "x"]
    assert resolve_command(["python3", "x.py"]) == ["python3", "x.py"]
    argv = ["python", "-m", "my server"]
    with pytest.raises(McpNotApproved, match=r"`python -m 'my server'` was not approved.*--allow-mcp"):
        check_approved({}, argv)
    check_approved({"allow_mcp": True}, argv)
    check_approved({"allow_mcp": [command_text(argv)]}, argv)
    with pytest.raises(McpNotApproved):
        check_approved({"allow_mcp": ["python -m other"]}, argv)
