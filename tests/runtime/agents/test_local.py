"""Every agent type against the real built-in model (SmolLM2-135M): protocol behaviour only.

The model is weak, so these tests assert what the protocols guarantee, not the answers: the agent
stops within its caps (an answer, or a clear limit error), every step is a trace event of a known
kind, and replies pinned by a schema only ever name tools and workers that exist.
"""

from __future__ import annotations

from typing import Any

import pytest

from studio.engine import run_flow
from studio.engine.events import Event, NodeTrace
from tests.builders import flow_of

pytestmark = [pytest.mark.real_llm, pytest.mark.slow]

LOCAL = "local/smollm2-135m-instruct"
LIMITS = {
    "model": LOCAL,
    "temperature": 0.0,
    "max_iterations": 3,
    "max_tool_calls": 3,
    "max_reply_tokens": 64,
}
KINDS = {"thought", "action", "observation", "final answer", "plan", "replan", "gave up"}


def run_agent(agent_type: str, task: str, **config: Any) -> tuple[Any, list[NodeTrace]]:
    flow = flow_of(
        ("in", "io.text_input", {"name": "task"}),
        ("calc", "tool.calculator", {}),
        ("a", agent_type, {**LIMITS, **config}),
        ("o", "io.output", {"name": "answer"}),
        wires=["in.text->a.task", "calc.tool->a.tools", "a.answer->o.value"],
    )
    events: list[Event] = []
    result = run_flow(flow, {"task": task}, on_event=events.append, use_cache=False, record=False)
    return result, [e for e in events if isinstance(e, NodeTrace) and e.node_id == "a"]


def assert_finished_within_caps(result: Any, traces: list[NodeTrace]) -> None:
    assert traces, "every agent leaves a trace"
    assert {t.label for t in traces} <= KINDS
    if result.status == "succeeded":
        assert traces[-1].label == "final answer"
        assert isinstance(result.outputs["answer"], str)
    else:  # a cap was hit: a clear error, and the partial trace is kept
        error = result.nodes["a"].error or ""
        assert "stopped" in error or "usable plan" in error, error
        assert result.nodes["a"].trace, "the partial trace stays in the run record"


def test_react_agent_on_the_local_model() -> None:
    result, traces = run_agent("agent.react", "What is 17% of 2340? Use the calculator.")
    assert_finished_within_caps(result, traces)
    actions = [t.data["data"] for t in traces if t.label == "action"]
    assert len(actions) <= LIMITS["max_tool_calls"]


def test_tool_calling_agent_on_the_local_model_only_calls_real_tools() -> None:
    result, traces = run_agent("agent.tool_calling", "What is 17% of 2340?")
    assert_finished_within_caps(result, traces)
    for trace in traces:
        if trace.label == "action":
            assert trace.data["data"]["tool"] == "calculator"  # the grammar allows nothing else


def test_planner_on_the_local_model_writes_a_plan_over_real_tools() -> None:
    result, traces = run_agent(
        "agent.planner",
        "Work out 80 * 1.15, then divide the result by 4.",
        max_steps=2,
        max_replans=1,
        max_iterations=5,
        instructions="Each expression is only numbers and operators.",
    )
    assert_finished_within_caps(result, traces)
    plans = [t.data["data"] for t in traces if t.label == "plan"]
    assert plans, [t.label for t in traces]
    for plan in plans:
        assert 1 <= len(plan) <= 2
        assert {step["tool"] for step in plan} == {"calculator"}


def test_supervisor_on_the_local_model_hands_work_to_a_worker() -> None:
    flow = flow_of(
        ("in", "io.text_input", {"name": "task"}),
        ("calc", "tool.calculator", {}),
        ("analyst", "agent.react", {**LIMITS, "name": "analyst", "description": "does arithmetic"}),
        (
            "writer",
            "agent.react",
            {**LIMITS, "name": "writer", "description": "writes short messages", "max_iterations": 1},
        ),
        ("a", "agent.supervisor", {**LIMITS, "name": "boss"}),
        ("o", "io.output", {"name": "answer"}),
        wires=[
            "in.text->a.task",
            "calc.tool->analyst.tools",
            "analyst.tool->a.tools",
            "writer.tool->a.tools",
            "a.answer->o.value",
        ],
    )
    events: list[Event] = []
    result = run_flow(
        flow,
        {"task": "Work out 12 * 7 and tell the team."},
        on_event=events.append,
        use_cache=False,
        record=False,
    )
    traces = [e for e in events if isinstance(e, NodeTrace) and e.node_id == "a"]
    assert_finished_within_caps(result, traces)
    delegations = [
        t.data["data"]["tool"] for t in traces if t.label == "action" and t.data["agent"] == "boss"
    ]
    assert delegations and set(delegations) <= {"analyst", "writer"}
