"""The Human Input node, and "require confirmation" tools pausing the run for an approve/deny."""

from __future__ import annotations

import http.server
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import pytest

from nodes.human import HumanInput
from nodes.io import Output, TextInput
from nodes.tools import HttpRequestTool
from studio.engine import BadInput, NodeError, RunStore, run_flow
from studio.engine.context import RunContext
from studio.engine.graph import compile_flow, validate_flow
from studio.engine.human import WaitingForInput, human_extras, pending_questions, resume_run
from studio.engine.node import Node, NodeConfig, Port, PortType
from studio.engine.registry import Registry
from tests.builders import flow_of
from tests.nodes.test_tools import http_server


class JsonConst(Node):
    """A JSON value from the settings (the tool's arguments)."""

    type = "t.json"
    run_in_thread = False
    outputs = (Port("out", PortType.JSON),)

    class Config(NodeConfig):
        value: Any = None

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        return {"out": self.config.value}  # type: ignore[attr-defined]


def _registry() -> Registry:
    return Registry.of([JsonConst, TextInput, Output, HumanInput, HttpRequestTool])


def _ctx(extras: dict[str, Any] | None = None) -> RunContext:
    import threading

    return RunContext(
        run_id="r",
        node_id="ask",
        node_label="ask",
        emit=lambda event: None,
        loop=cast(Any, None),  # a synchronous node never touches the loop
        cancelled=threading.Event(),
        flow_inputs={},
        variables={},
        base_dir=None,
        extras=extras or {},
    )


def test_the_question_is_a_template_over_the_inputs() -> None:
    config = HumanInput.Config(question="Send {{ draft }} to {{ who }}?", choices=["yes", "no"])
    assert [port.name for port in HumanInput.input_ports(config)] == ["draft", "who"]
    with pytest.raises(WaitingForInput) as waiting:
        HumanInput(config).run({"draft": "the memo", "who": "Ann"}, _ctx())
    question = waiting.value.question
    assert question["text"] == "Send the memo to Ann?"
    assert question["choices"] == ["yes", "no"] and question["kind"] == "input"


def test_an_answer_is_the_output_and_must_be_one_of_the_choices() -> None:
    node = HumanInput(HumanInput.Config(question="Go?", choices=["yes", "no"]))
    assert node.run({}, _ctx({"human_answers": {"ask": "yes"}})) == {"answer": "yes"}
    with pytest.raises(NodeError, match="answer 'maybe' is not one of the choices: yes, no"):
        node.run({}, _ctx({"human_answers": {"ask": "maybe"}}))
    free = HumanInput(HumanInput.Config(question="Why?"))
    assert free.run({}, _ctx({"human_answers": {"ask": "because"}})) == {"answer": "because"}


def test_settings_problems_name_the_field() -> None:
    flow = flow_of(
        ("ask", "human.input", {"question": "{{ a", "choices": ["y"], "timeout_s": 5, "default": "n"})
    )
    problems = " ".join(p.message for p in validate_flow(flow, _registry()))
    assert "question" in problems
    assert "default: 'n' is not one of the choices (y)" in problems


def _post_flow(port: int) -> Any:
    config = {
        "url": f"http://127.0.0.1:{port}/orders",
        "methods": ["POST"],
        "allow_private": True,
        "require_confirmation": True,
    }
    return compile_flow(
        flow_of(
            ("args", "t.json", {"value": {"body": {"tea": 2}}}),
            ("post", "tool.http_request", config),
            ("out", "io.output", {"name": "result"}),
            wires=["args.out->post.arguments", "post.result->out.value"],
        ),
        _registry(),
    )


class _Orders:
    """A loopback shop that counts the orders it received."""

    def __init__(self) -> None:
        self.received: list[str] = []

    def __call__(self, h: http.server.BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("content-length") or 0)
        self.received.append(h.rfile.read(length).decode())
        body = json.dumps({"ok": True}).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)


@pytest.mark.parametrize(("answer", "sent"), [("approve", 1), ("deny", 0)])
def test_a_side_effect_tool_waits_for_approval_and_runs_only_if_approved(
    tmp_path: Path, answer: str, sent: int
) -> None:
    store = RunStore(tmp_path / "runs.sqlite")
    shop = _Orders()
    with http_server(shop) as port:
        compiled = _post_flow(port)
        assert HttpRequestTool.has_side_effects(compiled.nodes["post"].config)
        paused = run_flow(compiled, {}, store=store, use_cache=False, extras=human_extras())
        assert paused.status == "waiting" and shop.received == []  # nothing sent before the answer
        question = pending_questions(store, paused.run_id)["post"]
        assert question["kind"] == "approval" and question["tool"] == "http_request"
        assert question["arguments"] == {"body": {"tea": 2}} and question["choices"] == ["approve", "deny"]
        with pytest.raises(BadInput, match="node post: answer 'approve' or 'deny', not 'perhaps'"):
            resume_run(paused.run_id, {"post": "perhaps"}, flow=compiled, store=store)
        result = resume_run(paused.run_id, {"post": answer}, flow=compiled, store=store)
    assert len(shop.received) == sent
    if sent:
        assert result.status == "succeeded" and result.outputs["result"]["body"] == {"ok": True}
    else:
        assert result.status == "failed"
        assert "the user declined the call to tool 'http_request'" in (result.nodes["post"].error or "")


def test_an_agent_pauses_before_a_tool_call_to_approve_and_makes_it_once_approved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studio.engine.registry import default_registry
    from studio.runtime.llm import facade as llm
    from tests.nodes.test_agents import Script

    action = 'Action: http_request\nAction Input: {"url": "orders", "method": "POST", "body": {"tea": 2}}'
    # The agent starts again on resume (its conversation is not checkpointed): the model asks the
    # same call, which is now approved.
    fake = Script([action, action, "Final Answer: ordered"])
    monkeypatch.setattr(llm, "chat", fake)
    store = RunStore(tmp_path / "runs.sqlite")
    shop = _Orders()
    with http_server(shop) as port:
        http = {
            "url": f"http://127.0.0.1:{port}/",
            "methods": ["POST"],
            "allow_private": True,
            "require_confirmation": True,
        }
        compiled = compile_flow(
            flow_of(
                ("in", "io.text_input", {"name": "task"}),
                ("shop", "tool.http_request", http),
                ("a", "agent.react", {"model": "openai/gpt-4o-mini"}),
                ("o", "io.output", {"name": "answer"}),
                wires=["in.text->a.task", "shop.tool->a.tools", "a.answer->o.value"],
            ),
            default_registry(),
        )
        paused = run_flow(
            compiled, {"task": "order tea"}, store=store, use_cache=False, extras=human_extras()
        )
        assert paused.status == "waiting" and shop.received == []
        question = pending_questions(store, paused.run_id)["a"]
        assert question["tool"] == "http_request" and question["arguments"]["method"] == "POST"
        result = resume_run(paused.run_id, {"a": "approve"}, flow=compiled, store=store)
    assert result.status == "succeeded" and result.outputs == {"answer": "ordered"}
    assert shop.received == ['{"tea": 2}']
