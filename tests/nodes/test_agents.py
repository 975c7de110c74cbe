"""Agents, tested deterministically with a scripted model: protocols, tools, limits, traces."""

from __future__ import annotations

from typing import Any

import pytest

from nodes.agent_protocols import coerce_arguments, find_tool, parse_react, substitute_results
from studio.engine import run_flow
from studio.engine.events import Event, NodeTrace
from studio.runtime.llm import facade as llm
from studio.runtime.llm.json_output import parse_json_reply
from studio.runtime.llm.types import ChatResult
from tests.builders import flow_of

# The ReAct text protocol is what API models speak (local models get grammar-bound JSON steps);
# the scripted model stands in for one, so nothing goes over the network.
API = "openai/gpt-4o-mini"
CALC = {
    "name": "calculator",
    "description": "math",
    "node_type": "tool.calculator",
    "config": {},
    "parameters": {
        "type": "object",
        "properties": {"expression": {"type": "string"}},
        "required": ["expression"],
    },
}


class Script:
    """A fake model: pops scripted replies, records the requests it got."""

    def __init__(self, replies: list[str]):
        self.replies = list(replies)
        self.requests: list[Any] = []

    async def __call__(self, request: Any, on_token: Any = None) -> ChatResult:
        self.requests.append(request)
        text = self.replies.pop(0) if self.replies else "Final Answer: (script ran out)"
        parsed = None
        if request.response_format != "text":
            parsed = parse_json_reply(text)
        return ChatResult(
            text=text,
            model=request.model,
            prompt_tokens=20,
            completion_tokens=10,
            cost_usd=0.001,
            finish_reason="stop",
            parsed=parsed,
        )


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch) -> Any:
    def install(replies: list[str]) -> Script:
        fake = Script(replies)
        monkeypatch.setattr(llm, "chat", fake)
        return fake

    return install


def agent_flow(
    agent_type: str,
    config: dict[str, Any] | None = None,
    tools: tuple[tuple[str, str, dict[str, Any]], ...] = (("calc", "tool.calculator", {}),),
) -> Any:
    nodes = [
        ("in", "io.text_input", {"name": "question"}),
        ("a", agent_type, config or {}),
        ("o", "io.output", {"name": "answer"}),
        ("s", "io.output", {"name": "steps"}),
        *tools,
    ]
    wires = [
        "in.text->a.task",
        "a.answer->o.value",
        "a.steps->s.value",
        *[f"{node_id}.tool->a.tools" for node_id, _, _ in tools],
    ]
    return flow_of(*nodes, wires=wires)


def run(flow: Any, question: str) -> tuple[Any, list[Event]]:
    events: list[Event] = []
    result = run_flow(flow, {"question": question}, record=False, use_cache=False, on_event=events.append)
    return result, events


# --- protocol readers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "action", "action_input", "final"),
    [
        (
            'Thought: need math\nAction: calculator\nAction Input: {"expression": "2+2"}',
            "calculator",
            '{"expression": "2+2"}',
            None,
        ),
        ("**Thought:** hmm\n**Action:** `calculator`\n**Action Input:** 2+2", "`calculator`", "2+2", None),
        (
            "thought: x\naction： calculator\naction input： 17% of 2340\n"
            "Observation: 397.8\nFinal Answer: 397.8",
            "calculator",
            "17% of 2340",
            None,
        ),
        ("Thought: I know it\nFinal Answer: Tokyo", None, "", "Tokyo"),
        ("The capital of Japan is Tokyo.", None, "", "The capital of Japan is Tokyo."),
        ("Action: calculator(3*4)", "calculator(3*4)", "", None),
    ],
)
def test_react_reader_copes_with_sloppy_replies(
    text: str, action: str | None, action_input: str, final: str | None
) -> None:
    step = parse_react(text)
    assert step.action == action
    assert step.action_input == action_input
    assert step.final_answer == final


def test_tool_names_and_arguments_are_read_generously() -> None:
    assert find_tool("`Calculator`", [CALC])[0] is CALC
    assert find_tool("use the calculator tool", [CALC])[0] is CALC
    assert find_tool("calculator(3*4)", [CALC]) == (CALC, "3*4")
    assert find_tool("search", [CALC]) == (None, "")
    assert coerce_arguments('{"expression": "1+1"}', CALC) == {"expression": "1+1"}
    assert coerce_arguments("17% of 2,340", CALC) == {"expression": "17% of 2,340"}
    assert coerce_arguments('```json\n{"expression": "2"}\n```', CALC) == {"expression": "2"}
    assert substitute_results({"expression": "{{step1}} * 2", "raw": "$step2"}, {1: 5, 2: [1]}) == {
        "expression": "5 * 2",
        "raw": [1],
    }


# --- ReAct ------------------------------------------------------------------------------------


def test_react_agent_uses_the_calculator_and_answers(script: Any) -> None:
    fake = script(
        [
            'Thought: I need 17% of 2340.\nAction: calculator\nAction Input: {"expression": "17% of 2,340"}',
            "Thought: Now the capital.\nFinal Answer: 397.8, and the capital of Japan is Tokyo.",
        ]
    )
    result, events = run(
        agent_flow("agent.react", {"model": API}), "What is 17% of 2,340, and what is the capital of Japan?"
    )
    assert result.status == "succeeded", {k: v.error for k, v in result.failures().items()}
    assert result.outputs["answer"] == "397.8, and the capital of Japan is Tokyo."
    kinds = [s["kind"] for s in result.outputs["steps"]]
    assert kinds == ["thought", "action", "observation", "thought", "final answer"]
    assert result.outputs["steps"][2]["data"]["result"] == "397.8"
    second = fake.requests[1].messages
    assert second[-1] == {"role": "user", "content": "Observation: 397.8"}
    assert "calculator" in fake.requests[0].messages[0]["content"]
    assert fake.requests[0].stop == ["Observation:", "\nObservation"]
    traced = [e.label for e in events if isinstance(e, NodeTrace)]
    assert traced[:3] == ["thought", "action", "observation"]


def test_react_agent_is_told_about_bad_tools_and_bad_arguments(script: Any) -> None:
    fake = script(
        [
            "Action: search\nAction Input: capital of Japan",
            'Action: calculator\nAction Input: {"expr": 1, "other": 2}',
            "Action: calculator\nAction Input: 1/0",
            "Final Answer: done",
        ]
    )
    result, _ = run(agent_flow("agent.react", {"model": API}), "q")
    assert result.outputs["answer"] == "done"
    observations = [m["content"] for m in fake.requests[-1].messages if m["role"] == "user"][1:]
    assert "there is no tool 'search'" in observations[0]
    assert "do not fit its schema" in observations[1]
    assert "division by zero" in observations[2]


def test_iteration_cap_keeps_the_partial_trace_and_says_why(script: Any) -> None:
    script([f"Thought: again\nAction: calculator\nAction Input: {n}+1" for n in range(10)])
    result, events = run(agent_flow("agent.react", {"model": API, "max_iterations": 3}), "loop forever")
    assert result.status == "failed"
    error = result.nodes["a"].error or ""
    assert "max_iterations=3" in error
    actions = [e for e in events if isinstance(e, NodeTrace) and e.label == "action"]
    assert len(actions) == 3


@pytest.mark.parametrize(
    ("config", "why"),
    [
        ({"max_tool_calls": 1}, "max_tool_calls=1"),
        ({"token_budget": 50}, "token_budget=50"),
        ({"cost_budget_usd": 0.0015}, "cost_budget_usd=0.0015"),
    ],
)
def test_tool_call_token_and_cost_limits(script: Any, config: dict[str, Any], why: str) -> None:
    script([f"Action: calculator\nAction Input: {n}+1" for n in range(5)])
    result, _ = run(agent_flow("agent.react", {"model": API, **config}), "q")
    assert result.status == "failed"
    assert why in (result.nodes["a"].error or "")


# --- tool calling -----------------------------------------------------------------------------


def test_tool_calling_agent_calls_with_json_and_answers(script: Any) -> None:
    fake = script(
        [
            '{"tool": "calculator", "arguments": {"expression": "2340 * 0.17"}}',
            "not json at all",
            '{"answer": "397.8"}',
        ]
    )
    result, _ = run(agent_flow("agent.tool_calling"), "17% of 2340?")
    assert result.outputs["answer"] == "397.8"
    # The reply is pinned to a tool call or an answer (grammar-constrained on local models).
    assert fake.requests[0].response_format == "json_schema"
    assert fake.requests[0].json_schema["anyOf"][0]["properties"]["tool"]["enum"] == ["calculator"]
    assert fake.requests[1].messages[-1]["content"] == "Result of calculator: 397.8"
    assert "Reply with JSON only" in fake.requests[2].messages[-1]["content"]


# --- planner ----------------------------------------------------------------------------------


def test_planner_runs_steps_feeding_results_forward_and_replans(script: Any) -> None:
    fake = script(
        [
            '{"steps": [{"tool": "calculator", "arguments": {"expression": "2340 * 0.17"}}, '
            '{"tool": "calculator", "arguments": {"expression": "{{step1}} / 0"}}]}',
            '{"steps": [{"tool": "calculator", "arguments": {"expression": "397.8 * 2"}}]}',
            "The answer is 795.6.",
        ]
    )
    result, _ = run(agent_flow("agent.planner"), "Double 17% of 2340")
    assert result.status == "succeeded", {k: v.error for k, v in result.failures().items()}
    assert result.outputs["answer"] == "The answer is 795.6."
    kinds = [s["kind"] for s in result.outputs["steps"]]
    assert kinds == [
        "plan",
        "action",
        "observation",
        "action",
        "observation",
        "replan",
        "plan",
        "action",
        "observation",
        "final answer",
    ]
    assert result.outputs["steps"][3]["data"]["arguments"] == {"expression": "397.8 / 0"}
    assert "The last plan failed" in fake.requests[1].messages[1]["content"]
    assert "795.6" in fake.requests[2].messages[1]["content"]


# --- supervisor -------------------------------------------------------------------------------


def test_supervisor_delegates_to_worker_agents(script: Any) -> None:
    fake = script(
        [
            '{"next": "mathematician", "task": "Compute 17% of 2340"}',  # supervisor
            "Action: calculator\nAction Input: 17% of 2340",  # worker (ReAct)
            "Final Answer: 397.8",  # worker
            '{"next": "FINISH", "answer": "17% of 2340 is 397.8"}',  # supervisor
        ]
    )
    flow = flow_of(
        ("in", "io.text_input", {"name": "question"}),
        ("calc", "tool.calculator", {}),
        ("worker", "agent.react", {"model": API, "name": "mathematician", "description": "Does arithmetic."}),
        ("boss", "agent.supervisor", {}),
        ("o", "io.output", {"name": "answer"}),
        wires=[
            "calc.tool->worker.tools",
            "worker.tool->boss.tools",
            "in.text->boss.task",
            "boss.answer->o.value",
        ],
    )
    result, events = run(flow, "What is 17% of 2340?")
    assert result.status == "succeeded", {k: v.error for k, v in result.failures().items()}
    assert result.outputs["answer"] == "17% of 2340 is 397.8"
    assert "mathematician: Does arithmetic." in fake.requests[0].messages[0]["content"]
    assert fake.requests[3].messages[-1]["content"] == "mathematician replied: 397.8"
    agents = {e.data["agent"] for e in events if isinstance(e, NodeTrace)}
    assert agents == {"agent", "mathematician"}  # the worker's steps are traced too


# --- the real local model ---------------------------------------------------------------------


@pytest.mark.real_llm
@pytest.mark.parametrize("agent_type", ["agent.react", "agent.tool_calling"])
def test_agents_run_on_the_real_local_model(agent_type: str) -> None:
    """SmolLM2-135M rarely follows a protocol well; the agent must still finish or stop cleanly."""
    flow = agent_flow(agent_type, {"max_iterations": 3, "max_reply_tokens": 64})
    result, events = run(flow, "What is 12 * 7? Use the calculator.")
    traces = [e for e in events if isinstance(e, NodeTrace)]
    assert traces  # every step was an event
    if result.status == "succeeded":
        assert isinstance(result.outputs["answer"], str)
        assert result.outputs["steps"][-1]["kind"] == "final answer"
    else:
        assert "stopped: no final answer within max_iterations=3" in (result.nodes["a"].error or "")
