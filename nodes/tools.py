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
import os
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal

from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.flow import SecretRef

__all__ = [
    "CalculatorTool",
    "FileReadTool",
    "HttpRequestTool",
    "PythonCodeTool",
    "SqlQueryTool",
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
            f"in this run (turn off 'require confirmation' or run it from the Studio / with --yes)"
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
        from studio.runtime.safety.secrets import get_secret

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
            )
        except EgressError as exc:
            raise NodeError(str(exc)) from None
        content_type = response.headers.get("content-type", "")
        payload: Any = response.text()
        if "json" in content_type:
            with contextlib.suppress(ValueError):
                payload = response.json()
        return {"status": response.status, "url": response.url, "content_type": content_type, "body": payload}


# --- Python code ------------------------------------------------------------------------------


class PythonCodeTool(ToolNode):
    """User Python code in the sandbox: arguments arrive as names, the code sets `result`."""

    type = "tool.python"
    title = "Python Code"
    description = (
        "Runs Python code in a sandboxed subprocess (time, CPU, memory and output limits, no "
        "network, no secrets). Arguments are available as variables; set `result`."
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
            )
        except SandboxError as exc:
            raise NodeError(str(exc)) from None
        if outcome.stdout:
            ctx.trace("stdout", outcome.stdout)
        if not outcome.ok:
            raise NodeError(f"the code failed: {outcome.error}")
        return {"result": outcome.result, "stdout": outcome.stdout} if outcome.stdout else outcome.result


# --- SQL query --------------------------------------------------------------------------------

_READ_PRAGMAS = {"table_info", "table_xinfo", "table_list", "index_list", "index_info", "foreign_key_list"}


def _authorizer(action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None) -> int:
    """Allow reading only: SELECT, reads, functions, CTEs and a few schema pragmas."""
    allowed = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
    if action in allowed:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _READ_PRAGMAS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


class SqlQueryTool(ToolNode):
    """A read-only SQL query on a SQLite file."""

    type = "tool.sql"
    title = "SQL Query"
    description = "Runs a read-only SQL query on a SQLite database file and returns the rows."
    default_description = "Run a read-only SQL (SQLite) SELECT query and get the rows back."
    deterministic = False  # the file may change between runs

    class Config(ToolConfig):
        name: str = setting("sql", pattern=TOOL_NAME, description="The tool's name as agents see it.")
        database: str = setting(
            ..., widget="file", description="The SQLite file (relative to the flow's folder)."
        )
        max_rows: int = setting(200, ge=1, le=100_000, description="Rows returned at most.")
        timeout_s: float = setting(5.0, gt=0, le=300, description="Time limit for one query.")
        describe_schema: bool = setting(True, description="Tell agents the tables and columns.")

    @classmethod
    def parameters(cls, config: NodeConfig) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "One SQLite SELECT statement."},
                "params": {"type": "array", "description": "Values for ? placeholders."},
            },
            "required": ["query"],
        }

    def _open(self, ctx: RunContext) -> sqlite3.Connection:
        config: SqlQueryTool.Config = self.config  # type: ignore[assignment]
        path = ctx.resolve_path(config.database)
        if not path.is_file():
            raise NodeError(f"database: no SQLite file at {path}")
        try:
            db = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                timeout=config.timeout_s,
                check_same_thread=False,
            )
            db.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            raise NodeError(f"database: cannot open {path} read-only: {exc}") from None
        db.set_authorizer(_authorizer)
        return db

    def schema_text(self, ctx: RunContext) -> str:
        """'table(col type, ...)' lines describing the database, for the tool description."""
        db = self._open(ctx)
        try:
            tables = [
                r[0]
                for r in db.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            lines = []
            for table in tables:
                columns = db.execute(f"PRAGMA table_info({json.dumps(table)})").fetchall()
                lines.append(f"{table}({', '.join(f'{c[1]} {c[2]}'.strip() for c in columns)})")
            return "\n".join(lines)
        finally:
            db.close()

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        outputs = await super().run(inputs, ctx)
        config: SqlQueryTool.Config = self.config  # type: ignore[assignment]
        if config.describe_schema:
            try:
                schema = await asyncio.to_thread(self.schema_text, ctx)
            except (NodeError, sqlite3.Error):
                schema = ""
            if schema:
                outputs["tool"]["description"] += "\nTables:\n" + schema
        return outputs

    def call(self, arguments: dict[str, Any], ctx: RunContext) -> Any:
        config: SqlQueryTool.Config = self.config  # type: ignore[assignment]
        query = str(arguments["query"]).strip().rstrip(";")
        db = self._open(ctx)
        deadline = time.monotonic() + config.timeout_s
        db.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
        try:
            cursor = db.execute(query, list(arguments.get("params") or []))
            rows = cursor.fetchmany(config.max_rows + 1)
            columns = [d[0] for d in cursor.description or []]
        except sqlite3.Warning as exc:  # "You can only execute one statement at a time."
            raise ToolArgumentError(f"query: {exc}") from None
        except sqlite3.DatabaseError as exc:
            text = str(exc)
            if "interrupted" in text:
                text = f"the query ran past its {config.timeout_s:g} s time limit"
            elif "not authorized" in text or "readonly" in text or "read-only" in text:
                text = "only read-only queries (SELECT) are allowed"
            raise NodeError(f"query failed: {text}") from None
        finally:
            db.close()
        truncated = len(rows) > config.max_rows
        return {
            "columns": columns,
            "rows": [list(r) for r in rows[: config.max_rows]],
            "truncated": truncated,
        }


# --- file read --------------------------------------------------------------------------------


class FileReadTool(ToolNode):
    """Read a text file, or list a folder, inside the allowed folders only."""

    type = "tool.file_read"
    title = "Read File"
    description = "Reads a text file (or lists a folder) inside the allowed folders; nothing else."
    default_description = "Read a text file by its path (relative to the allowed folder), or list a folder."
    deterministic = False

    class Config(ToolConfig):
        name: str = setting("read_file", pattern=TOOL_NAME, description="The tool's name as agents see it.")
        folders: list[str] = setting(
            ["."], description="Folders the tool may read (relative to the flow's folder)."
        )
        max_bytes: int = setting(200_000, ge=1, le=50_000_000, description="Largest file read.")
        encoding: str = setting("utf-8", advanced=True, description="Text encoding of the files.")

    @classmethod
    def parameters(cls, config: NodeConfig) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"path": {"type": "string", "description": "File or folder path."}},
            "required": ["path"],
        }

    def _roots(self, ctx: RunContext) -> list[Path]:
        config: FileReadTool.Config = self.config  # type: ignore[assignment]
        folders = [*config.folders, *(ctx.extras.get("allowed_folders") or [])]
        return [Path(os.path.realpath(ctx.resolve_path(folder))) for folder in folders]

    def call(self, arguments: dict[str, Any], ctx: RunContext) -> Any:
        config: FileReadTool.Config = self.config  # type: ignore[assignment]
        roots = self._roots(ctx)
        raw = str(arguments["path"]).strip()
        if "\0" in raw:
            raise ToolArgumentError("path: contains a NUL character")
        candidates = (
            [Path(raw).expanduser()] if Path(raw).expanduser().is_absolute() else [r / raw for r in roots]
        )
        for candidate in candidates:
            real = Path(os.path.realpath(candidate))  # symlinks resolved before the check
            if not any(real == root or root in real.parents for root in roots):
                continue
            if real.is_dir():
                return sorted(p.name + ("/" if p.is_dir() else "") for p in real.iterdir())
            if real.is_file():
                size = real.stat().st_size
                if size > config.max_bytes:
                    raise NodeError(f"{raw} is {size} bytes, over the {config.max_bytes}-byte limit")
                return real.read_text(encoding=config.encoding, errors="replace")
        if not any(
            any(
                Path(os.path.realpath(c)) == root or root in Path(os.path.realpath(c)).parents
                for root in roots
            )
            for c in candidates
        ):
            shown = ", ".join(str(r) for r in roots)
            raise NodeError(f"{raw!r} is outside the allowed folders ({shown})")
        raise NodeError(f"no file or folder {raw!r} in the allowed folders")
