"""`studio mcp` with the mcp SDK's own client: a real subprocess over stdio, a real HTTP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from studio.flow import save_flow
from tests.builders import FlowBuilder
from tests.server.conftest import KEY, ROOT, code_flow, run_async, runs, wait_for


def calc_flow(path: Path) -> Path:
    """Input -> Calculator -> Output: fails at the Calculator when the input is not JSON."""
    builder = FlowBuilder("calc")
    builder.node("in", "io.text_input", name="arguments", description="JSON arguments")
    builder.node("calc", "tool.calculator")
    builder.node("out", "io.output", name="value")
    builder.chain("in.text", "calc.arguments", "calc.result", "out.value")
    flow = builder.build()
    flow.description = "Calculates from JSON arguments."
    save_flow(flow, path)
    return path


@pytest.fixture
def served(flows_dir: Path) -> Path:
    calc_flow(flows_dir / "calc.json")
    code_flow(flows_dir / "code.json")
    return flows_dir


def child_env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CHAIN_STUDIO_HOME": str(home),
        "CHAIN_STUDIO_API_KEY": KEY,
        "CHAIN_STUDIO_NO_KEYRING": "1",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }


async def exercise(session: Any) -> None:
    """What every transport must do: list the flows as tools, run one with progress, report errors."""
    await session.initialize()
    tools = {tool.name: tool for tool in (await session.list_tools()).tools}
    assert set(tools) == {"echo", "calc"}  # the code flow is not offered without --allow-code
    schema = tools["echo"].input_schema
    assert schema["type"] == "object" and schema["properties"]["topic"]["type"] == "string"
    assert tools["calc"].description == "Calculates from JSON arguments."

    progress: list[tuple[float, float | None, str | None]] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append((done, total, message))

    result = await session.call_tool("echo", {"topic": "tea"}, progress_callback=on_progress)
    assert not result.is_error
    assert result.content[0].text == "about: tea"
    assert result.structured_content["result"] == "about: tea"
    assert [p[0] for p in progress] == [1, 2, 3] and {p[1] for p in progress} == {3}
    assert all("finished" in (p[2] or "") for p in progress)

    failed = await session.call_tool("calc", {"arguments": "not json"})
    assert failed.is_error
    assert "node 'tool.calculator' (calc) failed" in failed.content[0].text
    assert "not JSON" in failed.content[0].text

    bad = await session.call_tool("echo", {"topic": 5})
    assert bad.is_error and "'topic'" in bad.content[0].text

    unknown = await session.call_tool("nope", {})
    assert unknown.is_error and "echo" in unknown.content[0].text  # the message lists the ids


def test_the_sdk_client_uses_studio_mcp_over_stdio(served: Path, studio_home: Path) -> None:
    from mcp import ClientSession, StdioServerParameters, stdio_client

    async def main() -> None:
        params = StdioServerParameters(
            command=sys.executable,
            args=["-m", "studio.cli", "mcp", str(served)],
            env=child_env(studio_home),
            cwd=str(ROOT),
        )
        with open(studio_home / "stderr.txt", "w+", encoding="utf-8") as errlog:
            async with (
                stdio_client(params, errlog=errlog) as (read, write),
                ClientSession(read, write) as session,
            ):
                await exercise(session)
            errlog.seek(0)
            said = errlog.read()
        assert "not served: code or side-effect tools" in said  # told on stderr, never on the wire

    run_async(main)
    # Runs made over MCP land in the same run history the Studio shows.
    statuses = sorted(r.status for r in runs())
    assert statuses == ["failed", "succeeded"]


class StudioMcpHttp:
    """A real `studio mcp --http` process on a free loopback port."""

    def __init__(self, folder: Path, home: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "studio.cli", "mcp", str(folder), "--http", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**child_env(home), "PYTHONUNBUFFERED": "1"},
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # "serving N flow(s) as MCP tools on http://...:PORT/mcp"
        if "http://" not in line:
            self.process.kill()
            raise AssertionError(f"studio mcp --http did not start: {line}{self.process.communicate()[1]}")
        self.url = line.rsplit(" on ", 1)[1].strip()
        wait_for(self._listening, "studio mcp to listen")

    def _listening(self) -> bool:
        try:
            httpx.post(self.url, timeout=2)
        except httpx.HTTPError:
            return False
        return True

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()


def test_the_sdk_client_uses_studio_mcp_over_http_with_the_key(served: Path, studio_home: Path) -> None:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    server = StudioMcpHttp(served, studio_home)
    try:
        assert server.url.startswith("http://127.0.0.1:")  # loopback unless --host says otherwise
        initialize = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "0"},
            },
        }
        headers = {"Accept": "application/json, text/event-stream"}
        for auth in ({}, {"Authorization": "Bearer wrong-key"}):
            refused = httpx.post(server.url, json=initialize, headers={**headers, **auth}, timeout=10)
            assert refused.status_code == 401
            assert "API key" in refused.json()["error"]
        assert runs() == []  # nothing ran for the refused requests

        async def main() -> None:
            async with (
                create_mcp_http_client(headers={"Authorization": f"Bearer {KEY}"}) as http,
                streamable_http_client(server.url, http_client=http) as (read, write),
                ClientSession(read, write) as session,
            ):
                await exercise(session)

        run_async(main)
    finally:
        server.stop()
    assert sorted(r.status for r in runs()) == ["failed", "succeeded"]


def test_a_flow_that_starts_an_mcp_server_needs_allow_mcp_when_served(
    tmp_path: Path, studio_home: Path
) -> None:
    """Served over MCP, flows/mcp_agent.json's MCP node refuses to start its server without --allow-mcp."""
    from studio.server.catalogue import FlowCatalogue
    from studio.server.mcp_server import tool_result

    folder = tmp_path / "agent"
    folder.mkdir()
    (folder / "mcp_agent.json").write_bytes((ROOT / "flows" / "mcp_agent.json").read_bytes())
    catalogue = FlowCatalogue([folder])

    async def main() -> Any:
        return await catalogue.run("mcp-agent", {})

    result = run_async(main)
    answer = tool_result(catalogue.get("mcp-agent"), result)
    assert answer.is_error
    text = answer.content[0].text
    assert "node 'MCP Tools' (mcp) failed" in text and "--allow-mcp" in text
    assert json.dumps(answer.model_dump(mode="json"))  # a well-formed MCP result
