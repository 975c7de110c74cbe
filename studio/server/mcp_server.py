"""The served flows as MCP tools (the official SDK's low-level server), over stdio or streamable HTTP.

Each runnable flow of the catalogue is one tool: its name is the flow id, its description the
flow's, its input schema `ServedFlow.input_schema()`. A call runs the flow through the catalogue
(the engine, the shared cache, the normal run history) and answers with the outputs as text and
as structured content; while it runs, each finished node is a progress notification (k of n). A
failing flow is a tool error (`isError`) naming the node and its error, so the calling model sees
why. Over HTTP every request needs `Authorization: Bearer KEY` (studio/server/auth.py), and the
SDK's DNS-rebinding protection is on for loopback hosts.

The SDK is imported inside the functions here, never when the CLI starts.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import mcp.types as mcp_types
    from mcp.server.lowlevel import Server

    from studio.engine.events import Event
    from studio.server.auth import ApiKey
    from studio.server.catalogue import FlowCatalogue, ServedFlow

__all__ = ["KeyRequired", "build_server", "serve_http", "serve_stdio", "tool_result"]

SERVER_NAME = "chain-studio"


def _tools(catalogue: FlowCatalogue) -> list[Any]:
    import mcp.types as types

    tools = []
    for served in catalogue.list():
        if served.compiled is None or (served.needs_code and not catalogue.allow_code):
            continue  # listed by `studio mcp` on start-up with the reason; never offered as a tool
        tools.append(
            types.Tool(
                name=served.id,
                title=served.name or served.id,
                description=served.description or served.name or f"The flow {served.path.name}.",
                input_schema=served.input_schema(),
            )
        )
    return tools


def _error(text: str) -> mcp_types.CallToolResult:
    import mcp.types as types

    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], is_error=True)


def tool_result(served: ServedFlow, result: Any) -> mcp_types.CallToolResult:
    """The MCP answer for a finished run: outputs as text (one text output as itself, several as
    JSON) plus structured content; a failure as a tool error naming the node."""
    import mcp.types as types

    from studio.server.catalogue import result_body

    body = result_body(served, result)
    if body["status"] != "succeeded":
        error = body.get("error") or {}
        node = error.get("node_label") or error.get("node")
        where = f"node {node} failed: " if node else f"the flow {served.id!r} did not finish: "
        return _error(where + str(error.get("message") or body["status"]))
    outputs = body["outputs"]
    if len(outputs) == 1 and isinstance(next(iter(outputs.values())), str):
        text = next(iter(outputs.values()))
    else:
        text = json.dumps(outputs, ensure_ascii=False, indent=2, default=repr)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)],
        structured_content={**outputs, "run_id": body["run_id"]},
        is_error=False,
    )


class _Progress:
    """Engine events -> MCP progress notifications: 'node finished, k of n'."""

    def __init__(
        self,
        report: Callable[[float, float | None, str | None], Coroutine[Any, Any, None]],
        total: int,
        label: Callable[[str], str],
    ):
        self.report = report
        self.total = total
        self.label = label
        self.done = 0
        self.pending: set[asyncio.Task[None]] = set()

    def __call__(self, event: Event) -> None:
        from studio.engine import events as ev

        if isinstance(event, ev.RunStarted):
            self.total = event.node_count or self.total
            return
        if not isinstance(event, ev.NodeFinished | ev.NodeCached | ev.NodeSkipped | ev.NodeFailed):
            return
        self.done += 1
        message = f"{self.label(event.node_id)} {type(event).__name__.removeprefix('Node').lower()}"
        # Listeners are called on the loop; the notification is sent by a task of its own.
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(
            self.report(self.done, self.total or None, message)
        )
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def flush(self) -> None:
        """Let every notification go out before the answer."""
        if self.pending:
            await asyncio.gather(*self.pending, return_exceptions=True)


def build_server(catalogue: FlowCatalogue) -> Server[Any]:
    """The MCP server offering the catalogue's flows as tools."""
    import mcp.types as types
    from mcp.server.lowlevel import Server

    from studio.server.catalogue import BadInputs, FlowNotServed, UnknownFlow

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=await asyncio.to_thread(_tools, catalogue))

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        try:
            served = catalogue.runnable(params.name)
        except UnknownFlow as error:
            return _error(str(error))
        except FlowNotServed as error:
            return _error(str(error))
        compiled = served.compiled
        total = len(compiled.order) if compiled is not None else 0
        label: Callable[[str], str] = compiled.label if compiled is not None else str
        progress = _Progress(ctx.session.report_progress, total, label)
        try:
            result = await catalogue.run(
                served.id, dict(params.arguments or {}), on_event=progress, source="mcp"
            )
        except BadInputs as error:
            return _error(f"bad arguments for {served.id!r}: {error}")
        except (UnknownFlow, FlowNotServed) as error:
            return _error(str(error))
        await progress.flush()
        return tool_result(served, result)

    return Server(
        SERVER_NAME,
        instructions="Each tool runs one Chain Studio flow; its arguments are the flow's inputs.",
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


async def serve_stdio(catalogue: FlowCatalogue) -> None:
    """Serve over stdin/stdout until the client closes stdin (the SDK keeps stray prints off the wire)."""
    from mcp.server.stdio import stdio_server

    server = build_server(catalogue)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


class KeyRequired:
    """ASGI middleware: every HTTP request needs `Authorization: Bearer KEY` (401 otherwise)."""

    def __init__(self, app: Any, key: ApiKey):
        self.app = app
        self.key = key

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        from studio.server.auth import bearer_token

        if scope.get("type") == "http":
            header = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
            if not self.key.matches(bearer_token(header)):
                body = json.dumps(
                    {"error": "missing or wrong API key: send 'Authorization: Bearer KEY'"}
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"www-authenticate", b"Bearer"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def http_app(catalogue: FlowCatalogue, key: ApiKey, host: str) -> Any:
    """The streamable HTTP ASGI app at /mcp, behind the key check."""
    server = build_server(catalogue)
    return KeyRequired(server.streamable_http_app(host=host), key)


def serve_http(catalogue: FlowCatalogue, key: ApiKey, sock: Any, host: str) -> None:
    """Serve streamable HTTP on an already bound socket until stopped (Ctrl+C / SIGTERM)."""
    import uvicorn

    config = uvicorn.Config(
        http_app(catalogue, key, host),
        log_level="warning",
        access_log=False,  # a key must never reach a log
        lifespan="on",
    )
    uvicorn.Server(config).run(sockets=[sock])
