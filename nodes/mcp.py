"""MCP nodes: the tools of an MCP server for agents (`MCP Tools`) and one tool call (`MCP Call`).

A server is a stdio command (an argv list; `python` as the program means the interpreter running
the Studio) or a streamable HTTP URL (checked by the egress guard). A command starts only when a
run needs the server, never when a flow is opened or validated, and only when the host approved
it (`--allow-mcp`, or the Studio's confirmation naming the command); each session ends, and the
child with it, before the node's call returns. Environment variables and headers come from
secret references only, so no credential is written into a flow file.

Tool results are untrusted text: they are checked with the prompt-injection heuristics of the
guardrails family and, by default, withheld when they look like an injection.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from nodes.tools import TOOL_NAME, ToolConfig, ToolNode
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.flow import SecretRef

__all__ = ["McpCall", "McpServerSettings", "McpTools", "server_from_config", "tool_specs"]

INJECTION_THRESHOLD = 1.0


class McpServerSettings(NodeConfig):
    """How to reach the server (shared by both nodes)."""

    command: list[str] = setting(
        [],
        widget="json",
        description=(
            'The stdio server command as a list, e.g. ["python", "-m", "my_server"] ("python" means '
            "the interpreter running the Studio). Leave empty to use a URL."
        ),
    )
    url: str = setting("", description="A streamable HTTP server URL (instead of a command).")
    env: dict[str, SecretRef] = setting(
        {},
        widget="json",
        advanced=True,
        description='Environment variables for the command, from secrets: {"TOKEN": {"secret": "NAME"}}.',
    )
    headers: dict[str, SecretRef] = setting(
        {},
        widget="json",
        advanced=True,
        description='HTTP headers, from secrets only: {"Authorization": {"secret": "NAME"}}.',
    )
    allow_loopback: bool = setting(
        False,
        advanced=True,
        description="Allow a loopback or private-network URL (a server on this machine).",
    )
    timeout_s: float = setting(
        30.0, gt=0, le=600, description="Time limit for starting the server and one call."
    )
    block_injection: bool = setting(
        True,
        advanced=True,
        description="Withhold a tool result that looks like a prompt injection (results are untrusted text).",
    )


def _server_problems(config: NodeConfig) -> list[str]:
    """Settings problems found without starting or contacting anything."""
    settings: McpServerSettings = config  # type: ignore[assignment]
    problems = []
    if bool(settings.command) == bool(settings.url):
        problems.append("command / url: set exactly one (a stdio command list, or an HTTP URL)")
    if settings.command and not all(isinstance(part, str) and part for part in settings.command):
        problems.append("command: every part must be a non-empty text")
    if settings.url and not re.match(r"^https?://[^/\s]+", settings.url):
        problems.append(f"url: {settings.url!r} is not an http:// or https:// URL")
    if settings.headers and not settings.url:
        problems.append("headers: only an HTTP server (url) takes headers")
    if settings.env and not settings.command:
        problems.append("env: only a stdio server (command) takes environment variables")
    return problems


def server_from_config(config: NodeConfig, ctx: RunContext | None, *, where: str) -> Any:
    """The runtime's McpServer for these settings, with secrets resolved and approval checked
    (for a command). Raises NodeError with one sentence when either fails."""
    from studio.runtime.mcp import McpNotApproved, McpServer, check_approved
    from studio.runtime.safety.secrets import MissingSecret, get_secret

    settings: McpServerSettings = config  # type: ignore[assignment]
    problems = _server_problems(config)
    if problems:
        raise NodeError(problems[0])
    if settings.command:
        try:
            check_approved(ctx.extras if ctx is not None else {}, settings.command, where=where)
        except McpNotApproved as error:
            raise NodeError(str(error)) from None
    try:
        env = {k: get_secret(r.secret, purpose=f"env {k} of {where}") or "" for k, r in settings.env.items()}
        headers = {
            k: get_secret(r.secret, purpose=f"header {k} of {where}") or ""
            for k, r in settings.headers.items()
        }
    except MissingSecret as error:
        raise NodeError(str(error)) from None
    cwd = str(ctx.base_dir) if ctx is not None and ctx.base_dir is not None else None
    return McpServer(
        command=tuple(settings.command),
        url=settings.url,
        env=env,
        headers=headers,
        cwd=cwd,
        allow_private=settings.allow_loopback,
        timeout_s=settings.timeout_s,
    )


def _tool_name(name: str, prefix: str) -> str:
    """An MCP tool name made fit for agents (letters, digits, _ and -; at most 64)."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "_", prefix + name) or "tool"
    if not re.match(r"[A-Za-z_]", cleaned):
        cleaned = "_" + cleaned
    return cleaned[:64]


def _clean_schema(schema: Any, *, names: bool = False) -> Any:
    """The schema without the generated "title" keys (pydantic's "Text", "word_countArguments"):
    they only lengthen the prompt of a small model. Property names called "title" stay."""
    if isinstance(schema, dict):
        return {
            key: _clean_schema(value, names=key in ("properties", "$defs", "definitions") and not names)
            for key, value in schema.items()
            if names or not (key == "title" and isinstance(value, str))
        }
    if isinstance(schema, list):
        return [_clean_schema(item) for item in schema]
    return schema


def _untrusted(text: str, config: NodeConfig, tool: str, ctx: RunContext) -> str:
    """Check a tool result with the injection heuristics; trace it; withhold it if it trips them."""
    from nodes.guardrails import injection_signals

    signals = injection_signals(text)
    score = round(sum(s["weight"] for s in signals), 3)
    ctx.trace("untrusted tool result", {"tool": tool, "injection_score": score, "signals": signals})
    if score >= INJECTION_THRESHOLD and getattr(config, "block_injection", True):
        names = ", ".join(sorted({s["signal"] for s in signals}))
        raise NodeError(
            f"the result of MCP tool {tool!r} looks like a prompt injection ({names}), so it was "
            f"withheld; turn off 'block injection' in the node's settings if you trust this server"
        )
    return text


class McpCall(ToolNode):
    """Call one tool of an MCP server with JSON arguments; the result is text."""

    type = "mcp.call"
    title = "MCP Call"
    category = "Tools"
    description = (
        "Calls one tool of an MCP server (a stdio command or an HTTP URL) with JSON arguments and "
        "gives its result as text. A command starts only after your approval and ends with the call."
    )
    deterministic = False
    inputs = (Port("arguments", PortType.JSON, "Arguments (over the ones in the settings).", required=False),)
    outputs = (  # type: ignore[assignment]  # one more port than ToolNode's two
        Port("result", PortType.TEXT, "The tool's result as text (untrusted: check it before trusting it)."),
        Port("data", PortType.JSON, "The tool's structured result, when the server sends one."),
        Port("tool", PortType.TOOL, "This tool, for an agent."),
    )

    class Config(McpServerSettings, ToolConfig):
        name: str = setting("mcp_tool", pattern=TOOL_NAME, description="The tool's name as agents see it.")
        tool: str = setting("", description="The MCP tool to call, as the server names it.")
        arguments: dict[str, Any] = setting({}, widget="json", description="Arguments sent with every call.")
        parameters: dict[str, Any] = setting(
            {"type": "object"}, widget="json", advanced=True, description="JSON schema of the arguments."
        )
        read_only: bool = setting(
            False, advanced=True, description="The server says this tool changes nothing (no side effects)."
        )

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        problems = _server_problems(config)
        if not config.tool:  # type: ignore[attr-defined]
            problems.append("tool: name the MCP tool to call")
        return problems

    @classmethod
    def parameters(cls, config: NodeConfig) -> dict[str, Any]:
        return dict(config.parameters)  # type: ignore[attr-defined]

    @classmethod
    def has_side_effects(cls, config: NodeConfig) -> bool:
        return not config.read_only  # type: ignore[attr-defined]

    async def call(self, arguments: dict[str, Any], ctx: RunContext) -> Any:
        """Run the tool once (also what an agent's call of this tool does): its text."""
        text, _ = await self.invoke(arguments, ctx)
        return text

    async def invoke(self, arguments: dict[str, Any], ctx: RunContext) -> tuple[str, Any]:
        """Run the tool once: its text (checked as untrusted) and its structured content."""
        from studio.runtime.mcp import McpError
        from studio.runtime.mcp.client import call_tool
        from studio.runtime.safety.secrets import Scrubber

        config: McpCall.Config = self.config  # type: ignore[assignment]
        where = f"MCP tool {config.tool!r}"
        server = server_from_config(config, ctx, where=where)
        ctx.trace("mcp call", {"server": server.label, "tool": config.tool, "arguments": arguments})
        try:
            result = await call_tool(server, config.tool, {**config.arguments, **arguments})
        except McpError as error:
            raise NodeError(f"{where}: {error}") from None
        # A server that echoes its environment or headers must not hand the secrets on.
        scrubber = Scrubber([*server.env.values(), *server.headers.values()])
        text = scrubber.text(result.text)
        if result.is_error:
            raise NodeError(f"{where} on {server.label} failed: {text[:500] or 'no reason given'}")
        structured = scrubber.value(result.structured) if result.structured is not None else None
        return _untrusted(text, config, config.tool, ctx), structured

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        spec = self.tool_spec(self.config)
        arguments = inputs.get("arguments")
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments) if arguments.strip() else {}
            except ValueError as exc:
                raise NodeError(f"input 'arguments' is not JSON: {exc}") from None
        if arguments is not None and not isinstance(arguments, dict):
            raise NodeError(f"input 'arguments': expected a JSON object, got {type(arguments).__name__}")
        text, data = await self.invoke(dict(arguments or {}), ctx)
        if data is None:  # no structured content: the text itself may be JSON
            try:
                data = json.loads(text)
            except ValueError:
                data = None
        return {"result": text, "data": data, "tool": spec}


def tool_specs(config: NodeConfig, tools: list[Any]) -> list[dict[str, Any]]:
    """Agent tool specs (nodes/tools.py format) for the listed MCP tools: each runs as `mcp.call`."""
    settings: McpTools.Config = config  # type: ignore[assignment]
    allowed = set(settings.allowed_tools)
    server = settings.model_dump(mode="json", include=set(McpServerSettings.model_fields))
    specs = []
    for tool in tools:
        if allowed and tool.name not in allowed:
            continue
        name = _tool_name(tool.name, settings.prefix)
        read_only = bool(tool.read_only)
        schema = _clean_schema(tool.input_schema)
        call_config = {
            **server,
            "name": name,
            "description": tool.description,
            "tool": tool.name,
            "parameters": schema,
            "read_only": read_only,
        }
        specs.append(
            {
                "name": name,
                "description": tool.description or f"The MCP tool {tool.name}.",
                "parameters": schema,
                "node_type": McpCall.type,
                "config": McpCall.Config.model_validate(call_config).model_dump(mode="json"),
                "side_effects": not read_only,
            }
        )
    return specs


class McpTools(Node):
    """Give the tools of an MCP server to agent nodes."""

    type = "mcp.tools"
    title = "MCP Tools"
    category = "Tools"
    description = (
        "Connects to an MCP server (a stdio command or an HTTP URL) when the run needs it and gives "
        "its tools to agents. A command starts only after your approval; results are untrusted text."
    )
    deterministic = False
    outputs = (
        Port("tools", PortType.TOOL, "The server's tools, for an agent's 'tools' input."),
        Port("listing", PortType.JSON, "Name, description and argument schema of each tool."),
    )

    class Config(McpServerSettings):
        allowed_tools: list[str] = setting(
            [], widget="json", description="Only these tools (by their MCP names); empty means all."
        )
        prefix: str = setting(
            "", pattern=r"^[A-Za-z0-9_-]{0,20}$", advanced=True, description="Put before each tool name."
        )

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        return _server_problems(config)

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        from studio.runtime.mcp import McpError
        from studio.runtime.mcp.client import list_tools

        config: McpTools.Config = self.config  # type: ignore[assignment]
        server = server_from_config(config, ctx, where="MCP Tools")
        try:
            tools = await list_tools(server)
        except McpError as error:
            raise NodeError(str(error)) from None
        missing = sorted(set(config.allowed_tools) - {tool.name for tool in tools})
        if missing:
            known = ", ".join(tool.name for tool in tools) or "none"
            raise NodeError(f"allowed tools: the server has no tool {missing[0]!r} (it has: {known})")
        specs = tool_specs(config, tools)
        ctx.trace("mcp tools", {"server": server.label, "tools": [spec["name"] for spec in specs]})
        listing = [
            tool.to_dict() for tool in tools if not config.allowed_tools or tool.name in config.allowed_tools
        ]
        return {"tools": specs, "listing": listing}
