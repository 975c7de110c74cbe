"""Tool nodes: run on their own in a flow, offer specs to agents, and keep to their limits."""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from nodes.data_tools import FileReadTool, SqlQueryTool
from nodes.tools import (
    CalculatorTool,
    HttpRequestTool,
    PythonCodeTool,
    ToolArgumentError,
    ToolDenied,
    ToolNode,
    aexecute_tool,
)
from studio.engine import run_flow
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.registry import default_registry
from tests.builders import flow_of


def call_tool(
    node_class: type[ToolNode],
    config: dict[str, Any],
    arguments: Any,
    *,
    base_dir: Path | None = None,
    extras: dict[str, Any] | None = None,
) -> Any:
    """Run one tool call the way an agent does, with a real RunContext."""

    async def go() -> Any:
        ctx = RunContext(
            run_id="r",
            node_id="n",
            node_label="tool",
            emit=lambda event: None,
            loop=asyncio.get_running_loop(),
            cancelled=threading.Event(),
            flow_inputs={},
            variables={},
            base_dir=base_dir,
            extras=extras,
        )
        node = node_class(node_class.Config(**config))
        spec = node.tool_spec(node.config)
        return await aexecute_tool(spec, arguments, ctx)

    return asyncio.run(go())


def run_tool_flow(
    type_name: str, config: dict[str, Any], arguments: Any | None, base_dir: Path | None = None
) -> Any:
    nodes: list[tuple[str, str, dict[str, Any]]] = [
        ("t", type_name, config),
        ("tool", "io.output", {"name": "tool"}),
        ("res", "io.output", {"name": "result"}),
    ]
    wires = ["t.tool->tool.value", "t.result->res.value"]
    inputs = {}
    if arguments is not None:
        nodes.append(("args", "io.text_input", {"name": "arguments"}))
        wires.append("args.text->t.arguments")
        inputs["arguments"] = json.dumps(arguments)
    result = run_flow(flow_of(*nodes, wires=wires), inputs, record=False, use_cache=False, base_dir=base_dir)
    return result


def test_every_tool_type_is_registered() -> None:
    registry = default_registry()
    for type_name in ("tool.calculator", "tool.http_request", "tool.python", "tool.sql", "tool.file_read"):
        assert type_name in registry


# --- calculator -------------------------------------------------------------------------------


def test_calculator_runs_on_its_own_in_a_flow() -> None:
    result = run_tool_flow("tool.calculator", {}, {"expression": "17% of 2,340"})
    assert result.status == "succeeded", result.failures
    assert result.outputs["result"] == pytest.approx(397.8)
    spec = result.outputs["tool"]
    assert spec["name"] == "calculator"
    assert spec["node_type"] == "tool.calculator"
    assert spec["parameters"]["required"] == ["expression"]
    json.dumps(spec)


def test_tool_output_alone_when_no_arguments_are_given() -> None:
    result = run_tool_flow("tool.calculator", {"name": "calc", "description": "Math."}, None)
    assert result.outputs["tool"]["name"] == "calc"
    assert result.outputs["tool"]["description"] == "Math."
    assert "result" not in result.outputs


def test_calculator_errors_are_readable() -> None:
    assert call_tool(CalculatorTool, {}, {"expression": "2 ** 10"}) == 1024
    with pytest.raises(NodeError, match="division by zero"):
        call_tool(CalculatorTool, {}, {"expression": "1 / 0"})
    with pytest.raises(ToolArgumentError, match="expression"):
        call_tool(CalculatorTool, {}, {"expr": "1 + 1"})
    with pytest.raises(ToolArgumentError, match="JSON object"):
        call_tool(CalculatorTool, {}, ["1 + 1"])


# --- HTTP -------------------------------------------------------------------------------------


@contextlib.contextmanager
def http_server(handler: Callable[[http.server.BaseHTTPRequestHandler], None]) -> Iterator[int]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            handler(self)

        do_POST = do_GET

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def json_reply(h: http.server.BaseHTTPRequestHandler) -> None:
    length = int(h.headers.get("content-length") or 0)
    body = json.dumps(
        {"path": h.path, "method": h.command, "body": h.rfile.read(length).decode() if length else None}
    ).encode()
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def test_http_tool_goes_through_the_egress_guard() -> None:
    with http_server(json_reply) as port:
        with pytest.raises(NodeError, match="refused: loopback"):
            call_tool(HttpRequestTool, {}, {"url": f"http://127.0.0.1:{port}/x"})
        result = call_tool(
            HttpRequestTool,
            {"allow_hosts": [f"127.0.0.1:{port}"]},
            {"url": f"http://127.0.0.1:{port}/items", "query": {"q": "a b"}},
        )
    assert result["status"] == 200
    assert result["body"] == {"path": "/items?q=a+b", "method": "GET", "body": None}
    with pytest.raises(NodeError, match="refused"):
        call_tool(HttpRequestTool, {}, {"url": "http://169.254.169.254/latest/meta-data/"})


def test_http_tool_base_url_methods_and_confirmation() -> None:
    with http_server(json_reply) as port:
        config = {
            "url": f"http://127.0.0.1:{port}/api/",
            "methods": ["GET", "POST"],
            "allow_private": True,
            "require_confirmation": True,
        }
        got = call_tool(HttpRequestTool, config, {"url": "things"})  # GET needs no confirmation
        assert got["body"]["path"] == "/api/things"
        with pytest.raises(ToolArgumentError, match="method"):
            call_tool(HttpRequestTool, config, {"url": "x", "method": "DELETE"})
        with pytest.raises(ToolDenied, match="nobody can confirm"):
            call_tool(HttpRequestTool, config, {"url": "x", "method": "POST", "body": {"a": 1}})
        asked: list[tuple[str, Any]] = []

        def no(name: str, arguments: Any) -> bool:
            asked.append((name, arguments))
            return False

        with pytest.raises(ToolDenied, match="declined"):
            call_tool(HttpRequestTool, config, {"url": "x", "method": "POST"}, extras={"confirm_tool": no})
        assert asked and asked[0][0] == "http_request"
        posted = call_tool(
            HttpRequestTool,
            config,
            {"url": "x", "method": "POST", "body": {"a": 1}},
            extras={"confirm_tool": lambda name, args: True},
        )
        assert posted["body"] == {"path": "/api/x", "method": "POST", "body": '{"a": 1}'}


# --- Python code ------------------------------------------------------------------------------


def test_python_tool_runs_code_in_the_sandbox() -> None:
    config = {
        "code": "result = sum(numbers) / len(numbers)",
        "parameters": {
            "type": "object",
            "properties": {"numbers": {"type": "array"}},
            "required": ["numbers"],
        },
        "timeout_s": 5,
    }
    assert call_tool(PythonCodeTool, config, {"numbers": [1, 2, 3, 4]}) == 2.5
    printed = call_tool(PythonCodeTool, {"code": "print('hi')\nresult = input * 2"}, {"input": "ab"})
    assert printed == {"result": "abab", "stdout": "hi\n"}
    with pytest.raises(NodeError, match="ZeroDivisionError"):
        call_tool(PythonCodeTool, {"code": "result = 1 / 0"}, {"input": "x"})
    with pytest.raises(NodeError, match="not allowed"):
        call_tool(PythonCodeTool, {"code": "import os\nresult = os.system('id')"}, {"input": "x"})


def test_python_tool_check_reports_syntax_errors() -> None:
    config = PythonCodeTool.Config(code="def broken(:\n  pass")
    problems = PythonCodeTool.check(config)
    assert problems and problems[0].startswith("code: line 1")


def test_python_tool_in_a_flow() -> None:
    result = run_tool_flow("tool.python", {"code": "result = input.upper()"}, {"input": "shout"})
    assert result.outputs["result"] == "SHOUT"


# --- SQL --------------------------------------------------------------------------------------


@pytest.fixture
def shop_db(tmp_path: Path) -> Path:
    path = tmp_path / "shop.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total REAL)")
        db.executemany(
            "INSERT INTO orders (customer, total) VALUES (?, ?)",
            [("alice", 10.5), ("bob", 20.0), ("alice", 4.5)],
        )
    db.close()
    return path


def test_sql_tool_reads_rows(shop_db: Path) -> None:
    result = call_tool(
        SqlQueryTool,
        {"database": "shop.sqlite"},
        {"query": "SELECT customer, SUM(total) AS spent FROM orders GROUP BY customer ORDER BY customer"},
        base_dir=shop_db.parent,
    )
    assert result == {
        "columns": ["customer", "spent"],
        "rows": [["alice", 15.0], ["bob", 20.0]],
        "truncated": False,
    }
    limited = call_tool(
        SqlQueryTool,
        {"database": str(shop_db), "max_rows": 2},
        {"query": "SELECT id FROM orders WHERE total > ?", "params": [1]},
    )
    assert limited["rows"] == [[1], [2]] and limited["truncated"] is True


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM orders",
        "UPDATE orders SET total = 0",
        "INSERT INTO orders (customer, total) VALUES ('eve', 1)",
        "DROP TABLE orders",
        "CREATE TABLE x (a)",
        "ATTACH DATABASE '/tmp/other.sqlite' AS other",
        "PRAGMA journal_mode = DELETE",
        "SELECT 1; DELETE FROM orders",
    ],
)
def test_sql_tool_refuses_every_write(shop_db: Path, query: str) -> None:
    before = shop_db.read_bytes()
    with pytest.raises(NodeError):
        call_tool(SqlQueryTool, {"database": str(shop_db)}, {"query": query})
    assert shop_db.read_bytes() == before
    with sqlite3.connect(shop_db) as db:
        assert db.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 3
    db.close()


def test_sql_tool_time_limit_and_missing_file(shop_db: Path) -> None:
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n"
    with pytest.raises(NodeError, match="time limit"):
        call_tool(SqlQueryTool, {"database": str(shop_db), "timeout_s": 0.3}, {"query": endless})
    with pytest.raises(NodeError, match="no SQLite file"):
        call_tool(SqlQueryTool, {"database": str(shop_db.parent / "nope.sqlite")}, {"query": "SELECT 1"})


def test_sql_tool_spec_describes_the_tables(shop_db: Path) -> None:
    result = run_tool_flow("tool.sql", {"database": "shop.sqlite"}, None, base_dir=shop_db.parent)
    assert "orders(id INTEGER, customer TEXT, total REAL)" in result.outputs["tool"]["description"]


# --- file read --------------------------------------------------------------------------------


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("alpha", encoding="utf-8")
    (folder / "sub" / "b.md").write_text("beta", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("do not read", encoding="utf-8")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    return folder


def test_file_read_inside_allowed_folders(docs: Path) -> None:
    config = {"folders": ["docs"]}
    assert call_tool(FileReadTool, config, {"path": "a.txt"}, base_dir=docs.parent) == "alpha"
    assert call_tool(FileReadTool, config, {"path": "sub/b.md"}, base_dir=docs.parent) == "beta"
    assert call_tool(FileReadTool, config, {"path": str(docs / "a.txt")}, base_dir=docs.parent) == "alpha"
    assert call_tool(FileReadTool, config, {"path": "."}, base_dir=docs.parent) == [
        "a.txt",
        "link.txt",
        "sub/",
    ]


@pytest.mark.parametrize("path", ["../secret.txt", "link.txt", "/etc/passwd", "sub/../../secret.txt"])
def test_file_read_refuses_paths_outside(docs: Path, path: str) -> None:
    with pytest.raises(NodeError, match="outside the allowed folders"):
        call_tool(FileReadTool, {"folders": ["docs"]}, {"path": path}, base_dir=docs.parent)


def test_file_read_size_limit_and_missing_file(docs: Path) -> None:
    with pytest.raises(NodeError, match="over the 3-byte limit"):
        call_tool(FileReadTool, {"folders": [str(docs)], "max_bytes": 3}, {"path": "a.txt"})
    with pytest.raises(NodeError, match="no file or folder"):
        call_tool(FileReadTool, {"folders": [str(docs)]}, {"path": "missing.txt"})
