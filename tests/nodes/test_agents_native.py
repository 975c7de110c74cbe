"""Agents: native function calling on API models, schema-pinned replies, supervisor workers."""

from __future__ import annotations

from typing import Any

import pytest

from studio.engine import run_flow
from studio.engine.events import Event, NodeTrace
from studio.runtime.agents import llm as agent_llm
from studio.runtime.llm import facade as llm
from studio.runtime.llm.json_output import parse_json_reply
from studio.runtime.llm.types import ChatResult
from tests.builders import flow_of

API = "openai/gpt-4o-mini"  # ReAct workers speak the text protocol (the script plays the model)


class Script:
    """A fake model for studio.runtime.llm.facade.chat: scripted replies, requests recorded."""

    def __init__(self, replies: list[str]):
        self.replies, self.requests = list(replies), []  # type: ignore[var-annotated]

    async def __call__(self, request: Any, on_token: Any = None) -> ChatResult:
        self.requests.append(request)
        text = self.replies.pop(0)
        parsed = parse_json_reply(text) if request.response_format != "text" else None
        return ChatResult(
            text=text,
            model=request.model,
            prompt_tokens=10,
            completion_tokens=5,
            cost_usd=0.0,
            finish_reason="stop",
            parsed=parsed,
        )


def run(flow: Any, task: str) -> tuple[Any, list[Event]]:
    events: list[Event] = []
    result = run_flow(flow, {"task": task}, on_event=events.append, use_cache=False, record=False)
    return result, events


def tool_calling_flow(model: str) -> Any:
    return flow_of(
        ("in", "io.text_input", {"name": "task"}),
        ("calc", "tool.calculator", {}),
        ("a", "agent.tool_calling", {"model": model, "max_iterations": 4}),
        ("o", "io.output", {"name": "answer"}),
        wires=["in.text->a.task", "calc.tool->a.tools", "a.answer->o.value"],
    )


def test_tool_calling_agent_uses_native_function_calls_on_api_models(monkeypatch: pytest.MonkeyPatch) -> None:
    real = agent_llm.chat_with_tools
    sent: list[Any] = []
    turns = [
        {
            "mock_tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "calculator", "arguments": '{"expression": "17% of 2340"}'},
                }
            ],
            "mock_response": "",
        },
        {"mock_response": "17% of 2340 is 397.8."},
    ]

    async def scripted(request: Any, specs: Any) -> Any:
        sent.append(request)
        return await real(request, specs, **turns.pop(0))

    monkeypatch.setattr(agent_llm, "chat_with_tools", scripted)
    result, events = run(tool_calling_flow("openai/gpt-4o-mini"), "What is 17% of 2340?")
    assert result.status == "succeeded", result.error
    assert result.outputs["answer"] == "17% of 2340 is 397.8."
    tool_message = sent[1].messages[-1]
    assert tool_message == {"role": "tool", "tool_call_id": "c1", "name": "calculator", "content": "397.8"}
    labels = [e.label for e in events if isinstance(e, NodeTrace)]
    assert labels == ["action", "observation", "final answer"]


def test_tool_calling_agent_on_a_local_model_is_pinned_to_real_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = Script(['{"tool": "calculator", "arguments": {"expression": "2 * 21"}}', '{"answer": "42"}'])
    monkeypatch.setattr(llm, "chat", fake)
    result, _ = run(tool_calling_flow("local/smollm2-135m-instruct"), "2 * 21?")
    assert result.outputs["answer"] == "42"
    schema = fake.requests[0].json_schema
    assert fake.requests[0].response_format == "json_schema"
    call = schema["anyOf"][0]["properties"]
    assert call["tool"]["enum"] == ["calculator"]
    # Local models get plain string arguments (no braces or quotes the grammar could stray into).
    assert "pattern" in call["arguments"]["properties"]["expression"]


def supervisor_flow() -> Any:
    return flow_of(
        ("in", "io.text_input", {"name": "task"}),
        ("calc", "tool.calculator", {}),
        ("analyst", "agent.react", {"model": API, "name": "analyst", "description": "does arithmetic"}),
        ("writer", "agent.react", {"model": API, "name": "writer", "description": "writes"}),
        ("boss", "agent.supervisor", {"name": "boss", "max_iterations": 4}),
        ("o", "io.output", {"name": "answer"}),
        wires=[
            "in.text->boss.task",
            "calc.tool->analyst.tools",
            "analyst.tool->boss.tools",
            "writer.tool->boss.tools",
            "boss.answer->o.value",
        ],
    )


def test_supervisor_workers_keep_their_tools_and_it_delegates_before_finishing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = Script(
        [
            '{"next": "analyst", "task": "17% of 2340"}',  # supervisor
            "Thought: use it\nAction: calculator\nAction Input: 17% of 2340",  # analyst (a worker)
            "Final Answer: 397.8",  # analyst
            '{"next": "FINISH", "task": "", "answer": ""}',  # supervisor, with an empty answer
        ]
    )
    monkeypatch.setattr(llm, "chat", fake)
    result, events = run(supervisor_flow(), "What is 17% of 2340?")
    assert result.status == "succeeded", result.error
    assert result.outputs["answer"] == "397.8"  # the worker's reply stands in for an empty answer
    first = fake.requests[0].json_schema["properties"]["next"]["enum"]
    assert first == ["analyst", "writer"]  # FINISH only once someone has worked
    assert "FINISH" in fake.requests[-1].json_schema["properties"]["next"]["enum"]
    worker_actions = [
        e.data
        for e in events
        if isinstance(e, NodeTrace) and e.label == "action" and e.data["agent"] == "analyst"
    ]
    assert worker_actions == [
        {"agent": "analyst", "data": {"tool": "calculator", "arguments": {"expression": "17% of 2340"}}}
    ]


@pytest.mark.parametrize(
    ("extras", "told"),
    [
        ({}, "nobody can confirm"),
        ({"approve_tool": lambda name, arguments: False}, "declined"),
    ],
)
def test_a_tool_needing_confirmation_is_refused_headless_and_the_agent_is_told(
    monkeypatch: pytest.MonkeyPatch,
    extras: dict[str, Any],
    told: str,
) -> None:
    fake = Script(['Action: python\nAction Input: {"input": "1"}', "Final Answer: could not run it"])
    monkeypatch.setattr(llm, "chat", fake)
    flow = flow_of(
        ("in", "io.text_input", {"name": "task"}),
        ("code", "tool.python", {"name": "python", "require_confirmation": True}),
        ("a", "agent.react", {"model": API}),
        ("o", "io.output", {"name": "answer"}),
        wires=["in.text->a.task", "code.tool->a.tools", "a.answer->o.value"],
    )
    result = run_flow(flow, {"task": "run it"}, use_cache=False, record=False, extras=extras)
    assert result.outputs["answer"] == "could not run it"
    observation = fake.requests[1].messages[-1]["content"]
    assert observation.startswith("Observation: Error:") and told in observation
