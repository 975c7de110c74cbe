"""Tool nodes: each offers a tool to agents (`tool` output) and can also run on its own.

A tool spec is plain JSON: {"name", "description", "parameters" (JSON schema), "node_type",
"config", "side_effects"}. An agent runs a spec with `aexecute_tool(spec, arguments, ctx)`, which
checks the arguments against the schema (a ToolArgumentError message is meant for the model, so
it may retry), asks for confirmation when the tool needs it, and calls the node's `call`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.flow import SecretRef

__all__ = [
    "CalculatorTool",
    "HttpRequestTool",
    "PythonCodeTool",
    "ToolArgumentError",
    "ToolDenied",
    "ToolNode",
    "aexecute_tool",
    "check_arguments",
]

TOOL_NAME = r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$"


class ToolArgumentError(NodeError):
    """The arguments do not fit the tool's schema; the message is written for the model to fix."""


class ToolDenied(NodeError):
    """The tool needs a confirmation that was refused or cannot be asked for."""


class ToolConfig(NodeConfig):
    """Settings every tool has: how agents see it."""

    name: str = setting("tool", pattern=TOOL_NAME, description="The tool's name as agents see it.")
    description: str = setting("", multiline=True, description="What the tool does, for the model.")


def check_arguments(schema: Mapping[str, Any], arguments: Any) -> str | None:
    """Why `arguments` do not fit the tool's JSON schema, or None."""
    from studio.runtime.llm.json_output import schema_problem

    if not isinstance(arguments, dict):
        return f"arguments must be a JSON object, got {type(arguments).__name__}"
    return schema_problem(arguments, dict(schema))


class ToolNode(Node):
    """Base of tool nodes: `parameters`, `call`, and the shared ports."""

    category = "Tools"
    default_description: ClassVar[str] = ""
    inputs = (Port("arguments", PortType.JSON, "Arguments to run the tool once on its own.", required=False),)
    outputs = (
        Port("tool", PortType.TOOL, "The tool, for an agent."),
        Port("result", PortType.JSON, "The result of running on `arguments` (only when given)."),
    )

    @classmethod
    def parameters(cls, config: NodeConfig) -> dict[str, Any]:
        """The JSON schema of the tool's arguments."""
        return {"type": "object", "properties": {}}

    @classmethod
    def has_side_effects(cls, config: NodeConfig) -> bool:
        """Whether calling the tool changes something outside the run (needs care, maybe consent)."""
        return False

    @classmethod
    def needs_confirmation(cls, config: NodeConfig, arguments: Mapping[str, Any]) -> bool:
        """Whether this call must be confirmed by the user first (`require_confirmation` setting)."""
        return bool(getattr(config, "require_confirmation", False))

    @classmethod
    def tool_spec(cls, config: NodeConfig) -> dict[str, Any]:
        """The JSON tool description an agent receives."""
        tool: ToolConfig = config  # type: ignore[assignment]
        return {
            "name": tool.name,
            "description": tool.description or cls.default_description or cls.description,
            "parameters": cls.parameters(config),
            "node_type": cls.type,
            "config": config.model_dump(mode="json"),
            "side_effects": cls.has_side_effects(config),
        }

    def call(self, arguments: dict[str, Any], ctx: RunContext) -> Any:
        """Run the tool on checked arguments (sync or async)."""
        raise NotImplementedError

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        spec = self.tool_spec(self.config)
        arguments = inputs.get("arguments")
        if arguments is None:
            return {"tool": spec}
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments) if arguments.strip() else {}
            except ValueError as exc:
                raise NodeError(f"input 'arguments' is not JSON: {exc}") from None
        result = await aexecute_tool(spec, arguments, ctx, node=self)
        return {"tool": spec, "result": result}


async def _confirm(spec: Mapping[str, Any], arguments: dict[str, Any], ctx: RunContext) -> None:
    confirm = ctx.extras.get("confirm_tool")
    if confirm is None:
        raise ToolDenied(
            f"tool {spec['name']!r} asks for confirmation before each call, but nobody can confirm "
            f"in this run: run it with `studio run --yes` to allow its calls, or turn off "
            f"'require confirmation' in the tool's settings"
        )
    answer = confirm(spec["name"], arguments)
    if inspect.isawaitable(answer):
        answer = await answer
    if not answer:
        raise ToolDenied(f"the user declined the call to tool {spec['name']!r}")


async def aexecute_tool(
    spec: Mapping[str, Any],
    arguments: Any,
    ctx: RunContext,
    *,
    node: ToolNode | None = None,
    registry: Any = None,
) -> Any:
    """Check arguments, confirm if needed, and run a tool spec; sync tools go to a worker thread."""
    if node is None:
        from studio.engine.registry import default_registry

        node_class = (registry or default_registry()).get(spec["node_type"])
        if not (
            isinstance(node_class, type) and issubclass(node_class, Node) and hasattr(node_class, "call")
        ):
            raise NodeError(f"{spec['node_type']!r} is not a tool node")
        try:
            config = node_class.Config.model_validate(spec.get("config") or {})
        except ValueError as exc:
            raise NodeError(f"tool {spec.get('name')!r} has invalid settings: {exc}") from None
        node = node_class(config)  # type: ignore[assignment]
    assert node is not None
    node.spec = dict(spec)  # type: ignore[attr-defined]  # agents-as-tools read their own tools here
    problem = check_arguments(spec.get("parameters") or {}, arguments)
    if problem:
        raise ToolArgumentError(
            f"arguments for tool {spec['name']!r} do not fit its schema ({problem}); "
            f"expected: {json.dumps(spec.get('parameters'), ensure_ascii=False)}"
        )
    if node.needs_confirmation(node.config, arguments):
        await _confirm(spec, arguments, ctx)
    ctx.raise_if_cancelled()
    if inspect.iscoroutinefunction(node.call):
        return await node.call(arguments, ctx)
    return await asyncio.to_thread(node.call, arguments, ctx)


# --- calculator -------------------------------------------------------------------------------


class CalculatorTool(ToolNode):
    """Evaluate arithmetic safely (no eval): 17% of 2,340, sqrt(2), max(3, 9) / 2."""

    type = "tool.calculator"
    title = "Calculator"
    description = "Evaluates a math expression safely: + - * / ** %, sqrt, log, sin, round, percent..."
    default_description = (
        "Evaluate a math expression, e.g. '17% of 2340', '(3 + 4) * 2', 'sqrt(2)', 'round(2/3, 2)'. "
        "Use plain numbers without units."
    )
    run_in_thread = False

    class Config(ToolConfig):
        name: str = setting("calculator", pattern=TOOL_NAME, description="The tool's name as agents see it.")

    @classmethod
    def parameters(cls, config: NodeConfig) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"expression": {"type": "string", "description": "The math expression."}},
            "required": ["expression"],
        }

    def call(self, arguments: dict[str, Any], ctx: RunContext) -> Any:
        from studio.runtime.safety.safe_eval import ExpressionError, evaluate, prepare_calculation

        try:
            value = evaluate(prepare_calculation(arguments["expression"]))
        except ExpressionError as exc:
            raise NodeError(f"cannot calculate {arguments['expression']!r}: {exc}") from None
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return int(value)
        return round(value, 10) if isinstance(value, float) else value


# --- HTTP request -----------------------------------------------------------------------------

_WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
Method = Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


class HttpRequestTool(ToolNode):
    """An HTTP request through the egress guard (no private addresses unless allowed)."""

    type = "tool.http_request"
    title = "HTTP Request"
    description = (
        "Calls a web API. Loopback, private and link-local addresses are refused unless allowed; "
        "every redirect is checked; size and time are limited."
    )
    default_description = "Make an HTTP request and return the status and the response body."
    deterministic = False

    class Config(ToolConfig):
        name: str = setting(
            "http_request", pattern=TOOL_NAME, description="The tool's name as agents see it."
        )
        url: str = setting("", description="Base URL; a relative 'url' argument is joined to it.")
        methods: list[Method] = setting(["GET"], description="Methods the tool may use.")
        headers: dict[str, str] = setting({}, widget="json", description="Headers sent with every request.")
        secret_headers: dict[str, SecretRef] = setting(
            {},
            widget="json",
            advanced=True,
            description="Headers whose value comes from a secret, e.g. Authorization.",
        )
        allow_private: bool = setting(
            False, advanced=True, description="Allow loopback and private-network addresses."
        )
        allow_hosts: list[str] = setting(
            [], advanced=True, description="Hosts, host:port, IPs or CIDR ranges allowed although private."
        )
        timeout_s: float = setting(20.0, gt=0, le=300, description="Time limit for the whole request.")
        max_bytes: int = setting(1_000_000, gt=0, le=50_000_000, description="Largest response body.")
        require_confirmation: bool = setting(
            False, description="Ask the user before every call that uses a write method."
        )

    @classmethod
    def parameters(cls, config: NodeConfig) -> dict[str, Any]:
        http: HttpRequestTool.Config = config  # type: ignore[assignment]
        properties: dict[str, Any] = {
            "url": {"type": "string", "description": "Absolute URL, or a path relative to the base URL."},
            "method": {"type": "string", "enum": list(http.methods)},
            "body": {"type": ["string", "object", "array", "null"], "description": "Request body."},
            "query": {"type": "object", "description": "Query-string parameters."},
        }
        return {"type": "object", "properties": properties, "required": [] if http.url else ["url"]}

    @classmethod
    def has_side_effects(cls, config: NodeConfig) -> bool:
        return bool(set(config.methods) & _WRITE_METHODS)  # type: ignore[attr-defined]

    @classmethod
    def needs_confirmation(cls, config: NodeConfig, arguments: Mapping[str, Any]) -> bool:
        http: HttpRequestTool.Config = config  # type: ignore[assignment]
        method = str(arguments.get("method") or http.methods[0]).upper()
        return http.require_confirmation and method in _WRITE_METHODS

    def call(self, arguments: dict[str, Any], ctx: RunContext) -> Any:
        from urllib.parse import urlencode, urljoin

        from studio.runtime.safety.egress import EgressError, fetch
        from studio.runtime.safety.secrets import Scrubber, get_secret

        config: HttpRequestTool.Config = self.config  # type: ignore[assignment]
        method = str(arguments.get("method") or config.methods[0]).upper()
        if method not in config.methods:
            raise ToolArgumentError(
                f"method {method} is not allowed here (allowed: {', '.join(config.methods)})"
            )
        url = str(arguments.get("url") or "")
        url = urljoin(config.url, url) if config.url else url
        if arguments.get("query"):
            url += ("&" if "?" in url else "?") + urlencode(arguments["query"], doseq=True)
        headers = dict(config.headers)
        for header, ref in config.secret_headers.items():
            headers[header] = get_secret(ref.secret, purpose=f"header {header} of tool {config.name!r}") or ""
        # A server that echoes the request (httpbin's /headers, an error page) must not hand the
        # secret to the nodes and agents downstream.
        scrubber = Scrubber(headers[header] for header in config.secret_headers)
        body = arguments.get("body")
        if isinstance(body, dict | list):
            body = json.dumps(body, ensure_ascii=False)
            headers.setdefault("Content-Type", "application/json")
        ctx.trace("http request", {"method": method, "url": url})
        try:
            response = fetch(
                method,
                url,
                headers=headers,
                body=body,
                timeout_s=config.timeout_s,
                max_bytes=config.max_bytes,
                allow_private=config.allow_private,
                allow_hosts=config.allow_hosts,
                secret_headers=config.secret_headers,
            )
        except EgressError as exc:
            raise NodeError(scrubber.text(str(exc))) from None
        content_type = response.headers.get("content-type", "")
        payload: Any = response.text()
        if "json" in content_type:
            with contextlib.suppress(ValueError):
                payload = response.json()
        result = {
            "status": response.status,
            "url": response.url,
            "content_type": content_type,
            "body": payload,
        }
        return scrubber.value(result)


# --- Python code ------------------------------------------------------------------------------


class PythonCodeTool(ToolNode):
    """User Python code in the sandbox: arguments arrive as names, the code sets `result`."""

    type = "tool.python"
    title = "Python Code"
    description = (
        "Runs Python code isolated by the kernel (bubblewrap or Linux namespaces: no view of your "
        "files, processes, network or secrets; time, CPU, memory and output limits). Arguments "
        "are available as variables; set `result`."
    )
    default_description = "Run a Python computation on the given arguments."
    deterministic = False

    class Config(ToolConfig):
        name: str = setting("python", pattern=TOOL_NAME, description="The tool's name as agents see it.")
        code: str = setting(
            "result = input",
            widget="code",
            multiline=True,
            description="Python code; arguments are variables (and `inputs`); set `result`.",
        )
        parameters: dict[str, Any] = setting(
            {"type": "object", "properties": {"input": {"type": "string"}}, "required": ["input"]},
            widget="json",
            description="JSON schema of the arguments.",
        )
        timeout_s: float = setting(10.0, gt=0, le=600, description="Wall-clock time limit.")
        cpu_s: int = setting(10, ge=1, le=600, advanced=True, description="CPU time limit.")
        memory_mb: int = setting(256, ge=32, le=8192, advanced=True, description="Memory limit.")
        max_output: int = setting(
            65536, ge=1024, le=10_000_000, advanced=True, description="Largest printed output kept, in bytes."
        )
        allow_network: bool = setting(False, advanced=True, description="Let the code use the network.")
        run_without_sandbox: bool = setting(
            False,
            title="Run code without a sandbox",
            advanced=True,
            description=(
                "Warning: only where this machine cannot isolate code (not Linux, or namespaces "
                "refused), run it anyway with resource limits only. The code can then read your "
                "files and secrets and act as you. Turn on only for code you trust."
            ),
        )
        require_confirmation: bool = setting(False, description="Ask the user before every run.")

    @classmethod
    def parameters(cls, config: NodeConfig) -> dict[str, Any]:
        return dict(config.parameters)  # type: ignore[attr-defined]

    @classmethod
    def has_side_effects(cls, config: NodeConfig) -> bool:
        return True

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        import ast

        from studio.runtime.llm.json_output import check_schema

        problems = []
        try:
            ast.parse(config.code)  # type: ignore[attr-defined]
        except SyntaxError as exc:
            problems.append(f"code: line {exc.lineno}: {exc.msg}")
        schema_problem = check_schema(config.parameters)  # type: ignore[attr-defined]
        if schema_problem:
            problems.append(f"parameters: {schema_problem}")
        return problems

    def call(self, arguments: dict[str, Any], ctx: RunContext) -> Any:
        from studio.runtime.safety.sandbox import SandboxError, run_code

        config: PythonCodeTool.Config = self.config  # type: ignore[assignment]
        try:
            outcome = run_code(
                config.code,
                inputs=arguments,
                timeout_s=config.timeout_s,
                cpu_s=config.cpu_s,
                memory_mb=config.memory_mb,
                max_output=config.max_output,
                allow_network=config.allow_network,
                allow_unsandboxed=config.run_without_sandbox,
            )
        except SandboxError as exc:
            raise NodeError(str(exc)) from None
        ctx.trace("sandbox", {"isolation": outcome.isolation, "duration_s": round(outcome.duration_s, 3)})
        if outcome.stdout:
            ctx.trace("stdout", outcome.stdout)
        if not outcome.ok:
            raise NodeError(f"the code failed: {outcome.error}")
        return {"result": outcome.result, "stdout": outcome.stdout} if outcome.stdout else outcome.result
