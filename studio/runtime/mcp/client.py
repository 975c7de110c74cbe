"""Talking to an MCP server with the official SDK: list its tools, call one, under a time limit.

Each call opens its own session and closes it before returning: a stdio server is started for
the call and its whole process group is ended when the session closes (the SDK closes stdin,
then terminates and kills the group), even when the call failed, timed out or was cancelled.
So no child outlives the node that needed it, and a run never leaves a server behind.
Every failure becomes an `McpError` with one sentence naming the server.
"""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, TypeVar

from studio.runtime.mcp.server import McpError, McpServer, McpTool, McpToolResult, resolve_command

if TYPE_CHECKING:
    from mcp import ClientSession

T = TypeVar("T")
MAX_TOOLS = 500  # a server listing more is misbehaving; the agent could not use them anyway
MAX_PAGES = 20


def _leaf(error: BaseException) -> BaseException:
    """The first real error inside (nested) exception groups from the SDK's task groups."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def _stderr_tail(errlog: Any) -> str:
    """The server's last line on stderr, which usually says why it stopped."""
    try:
        errlog.flush()
        errlog.seek(0)
        lines = [line.strip() for line in errlog.read()[-4000:].splitlines() if line.strip()]
    except (OSError, ValueError):
        return ""
    return lines[-1][:300] if lines else ""


def _transport(server: McpServer, errlog: Any, statuses: list[int]) -> AbstractAsyncContextManager[Any]:
    """The SDK transport for the server: a stdio child, or streamable HTTP."""
    if server.command:
        from mcp import StdioServerParameters, stdio_client
        from mcp.client.stdio import get_default_environment

        argv = resolve_command(server.command)
        params = StdioServerParameters(
            command=argv[0], args=argv[1:], env=get_default_environment() | server.env, cwd=server.cwd
        )
        return stdio_client(params, errlog=errlog)
    return _http_transport(server, statuses)


def _http_transport(server: McpServer, statuses: list[int]) -> AbstractAsyncContextManager[Any]:
    from contextlib import asynccontextmanager

    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    async def remember_status(response: Any) -> None:
        # The SDK reports any HTTP error as "Server returned an error response"; the status says
        # more (401: the key is wrong), so it is kept for the message.
        if response.status_code >= 400:
            statuses.append(int(response.status_code))

    @asynccontextmanager
    async def connect() -> Any:
        async with (
            create_mcp_http_client(headers=dict(server.headers)) as http,
            streamable_http_client(server.url, http_client=http) as streams,
        ):
            http.event_hooks["response"].append(remember_status)
            yield streams

    return connect()


async def _check_url(server: McpServer) -> None:
    import anyio

    from studio.runtime.safety.egress import EgressError, check_url

    try:
        # It resolves the host name (blocking), so it runs in a worker thread.
        await anyio.to_thread.run_sync(lambda: check_url(server.url, allow_private=server.allow_private))
    except EgressError as error:
        hint = (
            " (turn on 'allow loopback / private address' if you trust it)"
            if server.allow_private is False
            else ""
        )
        raise McpError(f"MCP server URL {server.url}: {error}{hint}") from None


def _describe(server: McpServer, error: BaseException, errlog: Any, statuses: list[int]) -> str:
    """One sentence for what went wrong, naming the server (never a traceback)."""
    from mcp.shared.exceptions import MCPError

    label = f"`{server.label}`" if server.command else server.url
    error = _leaf(error)
    if isinstance(error, TimeoutError):
        return f"MCP server {label} did not answer within {server.timeout_s:g} s"
    if isinstance(error, FileNotFoundError | PermissionError) and server.command:
        program = resolve_command(server.command)[0]
        why = "was not found" if isinstance(error, FileNotFoundError) else "may not be run"
        return f"cannot start MCP server {label}: the program {program!r} {why}"
    tail = _stderr_tail(errlog) if errlog is not None else ""
    said = f" (its last message: {tail})" if tail else ""
    if isinstance(error, MCPError) and statuses:
        status = statuses[-1]
        if status in (401, 403):
            return (
                f"MCP server {label} refused the request (HTTP {status}): check the header secrets "
                f"(e.g. Authorization) in the node's settings"
            )
        return f"MCP server {label} answered HTTP {status}"
    if isinstance(error, MCPError):
        message = str(error) or type(error).__name__
        if "closed" in message.lower():
            return f"MCP server {label} stopped or closed the connection before answering{said}"
        return f"MCP server {label} answered with an error: {message[:300]}{said}"
    if isinstance(error, OSError):
        return f"cannot reach MCP server {label}: {error.strerror or error}{said}"
    name = type(error).__name__
    if "HTTPStatus" in name or "ConnectError" in name or "HTTPError" in name or "StreamableHTTP" in name:
        return f"cannot reach MCP server {label}: {str(error)[:200] or name}"
    return f"MCP server {label} failed: {str(error)[:300] or name}{said}"


def _quiet_sdk_logs() -> None:
    """The SDK logs a traceback for a malformed line or a dead server; the node reports those in
    one sentence itself, so the user's terminal gets no Python exception text."""
    import logging

    logging.getLogger("mcp.client").setLevel(logging.CRITICAL)


async def _with_session(server: McpServer, work: Callable[[ClientSession], Awaitable[T]]) -> T:
    """Open a session (starting the server when it is a command), do `work`, close it."""
    import anyio
    from mcp import ClientSession

    _quiet_sdk_logs()

    if not server.command and not server.url:
        raise McpError("no MCP server given: set a command or a URL")
    if server.url:
        await _check_url(server)
    malformed: list[str] = []
    statuses: list[int] = []  # HTTP error statuses seen (streamable HTTP only)
    # The child's stderr, kept to say why it stopped (closed in `finally`).
    errlog = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") if server.command else None  # noqa: SIM115
    outcome: list[T] = []
    try:
        with anyio.fail_after(server.timeout_s), anyio.CancelScope() as abort:

            async def on_message(message: Any) -> None:
                # A line that is not JSON-RPC arrives here as an exception; waiting for the answer
                # would only run into the time limit, so the call stops at once.
                if isinstance(message, Exception):
                    malformed.append(
                        str(message).splitlines()[0][:200] if str(message) else type(message).__name__
                    )
                    abort.cancel()

            async with _transport(server, errlog, statuses) as streams:
                read, write = streams[0], streams[1]
                async with ClientSession(
                    read, write, read_timeout_seconds=server.timeout_s, message_handler=on_message
                ) as session:
                    await session.initialize()
                    outcome.append(await work(session))
    except McpError:
        raise
    except BaseException as error:
        leaf = _leaf(error)
        if not isinstance(leaf, Exception) or isinstance(leaf, anyio.get_cancelled_exc_class()):
            raise  # a stopped run (cancellation, KeyboardInterrupt) is not a server problem
        raise McpError(_describe(server, error, errlog, statuses)) from None
    finally:
        if errlog is not None:
            errlog.close()
    if malformed:
        label = f"`{server.label}`" if server.command else server.url
        raise McpError(f"MCP server {label} sent a malformed message (not JSON-RPC): {malformed[0]}")
    if not outcome:
        raise McpError(f"MCP server {server.label} closed the session without answering")
    return outcome[0]


async def list_tools(server: McpServer) -> list[McpTool]:
    """The tools the server offers (all pages)."""
    import mcp.types as types

    async def work(session: ClientSession) -> list[McpTool]:
        tools: list[McpTool] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            params = types.PaginatedRequestParams(cursor=cursor) if cursor else None
            page = await session.list_tools(params=params)
            for tool in page.tools:
                schema = dict(tool.input_schema or {}) or {"type": "object", "properties": {}}
                read_only = bool(tool.annotations and tool.annotations.read_only_hint)
                tools.append(McpTool(tool.name, tool.description or tool.title or "", schema, read_only))
            cursor = page.next_cursor
            if not cursor or len(tools) >= MAX_TOOLS:
                break
        return tools[:MAX_TOOLS]

    return await _with_session(server, work)


def result_text(content: list[Any]) -> str:
    """The text of a tool result's content blocks (other kinds are named, not dropped silently)."""
    parts = []
    for block in content:
        kind = getattr(block, "type", "")
        if kind == "text":
            parts.append(str(block.text))
        elif kind == "resource" and hasattr(getattr(block, "resource", None), "text"):
            parts.append(str(block.resource.text))
        elif kind in ("image", "audio"):
            parts.append(f"[{kind}: {getattr(block, 'mime_type', '') or 'binary'}]")
        elif kind == "resource_link":
            parts.append(f"[resource: {getattr(block, 'uri', '')}]")
        else:
            parts.append(f"[{kind or 'content'}]")
    return "\n".join(parts)


async def call_tool(server: McpServer, name: str, arguments: Mapping[str, Any]) -> McpToolResult:
    """Call one tool; a result the server marks as an error comes back with `is_error`."""
    import mcp.types as types

    async def work(session: ClientSession) -> McpToolResult:
        # Listing first lets the SDK check structured output against the tool's schema.
        await session.list_tools()
        result = await session.call_tool(name, dict(arguments), read_timeout_seconds=server.timeout_s)
        if not isinstance(result, types.CallToolResult):
            raise McpError(f"MCP server {server.label} asked for more input, which is not supported")
        return McpToolResult(
            result_text(list(result.content)), result.structured_content, bool(result.is_error)
        )

    return await _with_session(server, work)
