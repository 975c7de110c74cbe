"""The MCP nodes against a real MCP server process (tests/fakes/mcp_tools_server.py, the SDK's own
server): tools for agents, one call, approval, untrusted results, and every bad server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from studio.engine import run_flow, validate_flow
from studio.engine.events import Event, NodeTrace
from studio.flow import load_flow, save_flow
from studio.runtime.llm import facade as llm
from studio.runtime.llm.json_output import parse_json_reply
from studio.runtime.llm.types import ChatResult
from tests.builders import flow_of
from tests.conftest import ROOT
from tests.runtime.mcp.helpers import alive, fake_command, started

ALLOW = {"allow_mcp": True}
API = "openai/gpt-4o-mini"


@pytest.fixture
def pids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every fake server started in the test writes its pid here (passed as a secret env ref)."""
    path = tmp_path / "pids.txt"
    monkeypatch.setenv("MCP_FAKE_PIDS", str(path))
    return path


def server(mode: str = "normal", **more: Any) -> dict[str, Any]:
    return {"command": fake_command(mode), "env": {"MCP_FAKE_PIDS": {"secret": "MCP_FAKE_PIDS"}}, **more}


def call_flow(tool: str, mode: str = "normal", **config: Any) -> Any:
    return flow_of(
        ("args", "io.text_input", {"name": "arguments", "required": False, "default": "{}"}),
        ("call", "mcp.call", {**server(mode), "tool": tool, **config}),
        ("out", "io.output", {"name": "result"}),
        ("data", "io.output", {"name": "data"}),
        wires=["args.text->call.arguments", "call.result->out.value", "call.data->data.value"],
    )


def run(
    flow: Any, inputs: dict[str, Any] | None = None, extras: dict[str, Any] | None = None
) -> tuple[Any, list[Event]]:
    events: list[Event] = []
    result = run_flow(flow, inputs or {}, on_event=events.append, use_cache=False, extras=extras)
    return result, events


def gone(pids: Path, count: int) -> None:
    assert len(started(pids)) == count
    assert not [pid for pid in started(pids) if alive(pid)], "an MCP server process outlived the run"


def test_mcp_call_merges_arguments_and_gives_text_and_data(pids: Path) -> None:
    flow = call_flow("add", arguments={"a": 40})
    result, _ = run(flow, {"arguments": '{"b": 2}'}, ALLOW)
    assert result.status == "succeeded", result.error
    assert result.outputs == {"result": "42", "data": {"result": 42}}  # the server's structured content
    gone(pids, 1)


def test_mcp_tools_gives_agents_the_allowed_tools(pids: Path) -> None:
    flow = flow_of(
        ("mcp", "mcp.tools", {**server(), "allowed_tools": ["echo", "add"], "prefix": "fake_"}),
        ("out", "io.output", {"name": "listing"}),
        wires=["mcp.listing->out.value"],
    )
    result, _ = run(flow, extras=ALLOW)
    assert result.status == "succeeded", result.error
    specs = result.nodes["mcp"].outputs["tools"]
    assert [s["name"] for s in specs] == ["fake_echo", "fake_add"]
    add = specs[1]
    assert add["node_type"] == "mcp.call" and add["config"]["tool"] == "add"
    assert add["parameters"]["required"] == ["a", "b"]
    assert "secret" in str(add["config"]["env"])  # references travel, never values
    assert [t["name"] for t in result.outputs["listing"]] == ["echo", "add"]
    gone(pids, 1)


class Script:
    """A scripted API model (nothing goes over the network)."""

    def __init__(self, replies: list[str]):
        self.replies = list(replies)
        self.requests: list[Any] = []

    async def __call__(self, request: Any, on_token: Any = None) -> ChatResult:
        self.requests.append(request)
        text = self.replies.pop(0) if self.replies else "Final Answer: (script ran out)"
        parsed = parse_json_reply(text) if request.response_format != "text" else None
        return ChatResult(
            text=text,
            model=request.model,
            prompt_tokens=5,
            completion_tokens=5,
            cost_usd=0.0,
            finish_reason="stop",
            parsed=parsed,
        )


def agent_with_mcp(agent_type: str = "agent.react", mode: str = "normal", **agent: Any) -> Any:
    return flow_of(
        ("q", "io.text_input", {"name": "question"}),
        ("mcp", "mcp.tools", {**server(mode), "allowed_tools": ["echo", "add", "inject", "crash"]}),
        ("calc", "tool.calculator", {}),
        ("a", agent_type, {"model": API, **agent}),
        ("o", "io.output", {"name": "answer"}),
        wires=["q.text->a.task", "mcp.tools->a.tools", "calc.tool->a.tools", "a.answer->o.value"],
    )


def test_an_agent_calls_mcp_tools_beside_ordinary_ones(pids: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = Script(
        [
            'Thought: add them.\nAction: add\nAction Input: {"a": 2, "b": 3}',
            "Thought: the server may try tricks.\nAction: inject\nAction Input: {}",
            "Final Answer: 5",
        ]
    )
    monkeypatch.setattr(llm, "chat", fake)
    result, events = run(agent_with_mcp(), {"question": "2 + 3?"}, ALLOW)
    assert result.status == "succeeded", result.error
    steps = result.outputs and result.nodes["a"].outputs["steps"]
    observations = [s["data"]["result"] for s in steps if s["kind"] == "observation"]
    assert observations[0] == "5"
    # The injection-looking result was withheld from the model.
    assert observations[1].startswith("Error:") and "looks like a prompt injection" in observations[1]
    assert "Ignore all previous" not in str(fake.requests[-1].messages)
    for name in ("add", "echo", "calculator"):
        assert name in fake.requests[0].messages[0]["content"]
    untrusted = [e for e in events if isinstance(e, NodeTrace) and e.label == "untrusted tool result"]
    assert [e.data["tool"] for e in untrusted] == ["add", "inject"]
    assert untrusted[1].data["injection_score"] >= 1
    gone(pids, 3)  # listed once, one session per call, every one ended


def test_injection_check_can_be_turned_off_for_a_trusted_server(pids: Path) -> None:
    result, events = run(call_flow("inject", block_injection=False), extras=ALLOW)
    assert result.status == "succeeded"
    assert "Ignore all previous instructions" in result.outputs["result"]
    trace = next(e for e in events if isinstance(e, NodeTrace) and e.label == "untrusted tool result")
    assert trace.data["injection_score"] >= 1  # still marked, only not withheld


def test_without_approval_the_node_fails_and_no_process_starts(pids: Path) -> None:
    for flow in (call_flow("echo"), agent_with_mcp()):
        result, _ = run(flow, {"question": "hi"} if "a" in {n.id for n in flow.nodes} else {})
        assert result.status == "failed"
        node = "call" if "call" in result.nodes else "mcp"
        error = result.nodes[node].error or ""
        assert "was not approved, so it was not started" in error and "--allow-mcp" in error
        assert fake_command()[1] in error  # names the exact command
    # The Studio approves command lines one by one: another line is not approved.
    result, _ = run(call_flow("echo"), extras={"allow_mcp": ["python other.py"]})
    assert result.status == "failed"
    assert started(pids) == []


def test_opening_and_validating_a_flow_with_mcp_nodes_starts_nothing(pids: Path, tmp_path: Path) -> None:
    path = tmp_path / "mcp.json"
    save_flow(agent_with_mcp(), path)
    flow = load_flow(path)
    assert validate_flow(flow) == []
    load_flow(ROOT / "flows" / "mcp_agent.json")
    assert started(pids) == []


def test_settings_problems_are_found_by_validation() -> None:
    flow = flow_of(
        ("a", "mcp.tools", {"command": ["python", "x.py"], "url": "http://127.0.0.1:1/mcp"}),
        ("b", "mcp.tools", {"url": "ftp://host/x", "headers": {"Authorization": {"secret": "TOKEN"}}}),
        ("c", "mcp.call", {"url": "https://example.com/mcp"}),
    )
    problems = " | ".join(str(p) for p in validate_flow(flow))
    assert "set exactly one" in problems
    assert "not an http:// or https:// URL" in problems
    assert "tool: name the MCP tool to call" in problems


@pytest.mark.parametrize(
    ("mode", "tool", "expected"),
    [
        ("exit", "echo", "refusing to start (bad configuration)"),
        ("normal", "crash", "stopped or closed the connection before answering"),
        ("garble", "echo", "sent a malformed message"),
        ("normal", "fail", "failed: Error executing tool fail: cannot do it: on purpose"),
    ],
)
def test_bad_servers_fail_the_node_with_one_sentence_and_leave_no_child(
    pids: Path, mode: str, tool: str, expected: str
) -> None:
    result, _ = run(
        call_flow(tool, mode, arguments={"reason": "on purpose"} if tool == "fail" else {}), extras=ALLOW
    )
    assert result.status == "failed"
    error = result.nodes["call"].error or ""
    assert expected in error and "Traceback" not in error
    assert error.startswith(f"MCP tool {tool!r}")
    gone(pids, 1)


def test_a_command_that_does_not_exist_fails_clearly() -> None:
    flow = flow_of(("call", "mcp.call", {"command": ["no-such-mcp-server"], "tool": "x"}))
    result, _ = run(flow, extras=ALLOW)
    assert "cannot start MCP server `no-such-mcp-server`: the program 'no-such-mcp-server' was not found" in (
        result.nodes["call"].error or ""
    )


@pytest.mark.real_llm
def test_the_real_local_model_gets_mcp_tools_through_an_agent(pids: Path) -> None:
    """SmolLM2-135M through a ReAct agent whose tools come from the MCP server: the protocol holds."""
    flow = flow_of(
        ("q", "io.text_input", {"name": "question"}),
        ("mcp", "mcp.tools", {**server(), "allowed_tools": ["echo", "add"]}),
        (
            "a",
            "agent.react",
            {"must_use_tools": True, "max_iterations": 2, "max_tool_calls": 1, "max_reply_tokens": 48},
        ),
        ("o", "io.output", {"name": "answer"}),
        wires=["q.text->a.task", "mcp.tools->a.tools", "a.answer->o.value"],
    )
    result, _ = run(flow, {"question": "Add 2 and 3 with the add tool."}, ALLOW)
    steps = result.nodes["a"].outputs.get("steps") or []
    assert result.status == "succeeded", result.error
    actions = [s["data"] for s in steps if s["kind"] == "action"]
    assert actions and actions[0]["tool"] in {"echo", "add"}  # a real MCP tool, chosen by the model
    assert isinstance(actions[0]["arguments"], dict)
    observation = next(s for s in steps if s["kind"] == "observation")
    assert isinstance(observation["data"]["result"], str)
    assert isinstance(result.outputs["answer"], str)
    gone(pids, 2)


def test_mcp_call_over_http_sends_the_secret_header_and_needs_loopback_allowed(
    tmp_path: Path, studio_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Against a real `studio mcp --http` (the key from a secret reference, never from the file)."""
    from tests.server.conftest import FIXTURES, KEY
    from tests.server.test_mcp_server import StudioMcpHttp

    folder = tmp_path / "served"
    folder.mkdir()
    (folder / "echo.json").write_bytes((FIXTURES / "echo.json").read_bytes())
    server = StudioMcpHttp(folder, studio_home)
    try:
        monkeypatch.setenv("MCP_HTTP_AUTH", f"Bearer {KEY}")
        config = {
            "url": server.url,
            "headers": {"Authorization": {"secret": "MCP_HTTP_AUTH"}},
            "tool": "echo",
        }
        flow = flow_of(
            ("call", "mcp.call", {**config, "allow_loopback": True, "arguments": {"topic": "tea"}}),
            ("out", "io.output", {"name": "result"}),
            wires=["call.result->out.value"],
        )
        result, _ = run(flow)  # a URL starts no process: no approval is needed
        assert result.status == "succeeded", result.error
        assert result.outputs == {"result": "about: tea"}

        refused, _ = run(flow_of(("call", "mcp.call", config)))
        assert "loopback" in (refused.nodes["call"].error or "")  # the egress guard, before any request

        monkeypatch.setenv("MCP_HTTP_AUTH", "Bearer wrong")
        wrong, _ = run(flow_of(("call", "mcp.call", {**config, "allow_loopback": True})))
        error = wrong.nodes["call"].error or ""
        assert error.startswith("MCP tool 'echo': ") and server.url in error and "Traceback" not in error
        assert "refused the request (HTTP 401): check the header secrets" in error
    finally:
        server.stop()
