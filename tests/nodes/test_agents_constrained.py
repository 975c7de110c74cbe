"""Agents on local models, with a fake model that writes whatever the reply schema allows.

On a local model every agent reply is bound to a JSON schema (a grammar in llama.cpp), so what
the agent can be made to do is decided by the schemas it sends. These tests play a model that
always takes the option the agent least wants (call again, never finish) and check that the
schemas still bring every agent to an answer within its limits, and that the planner answers
when its re-plans run out, saying so.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from studio.engine import run_flow
from studio.engine.events import Event, NodeTrace
from studio.runtime.agents.schemas import EXPRESSION
from studio.runtime.llm import facade as llm
from studio.runtime.llm.json_output import schema_problem
from studio.runtime.llm.types import ChatResult
from tests.builders import flow_of

LOCAL = "local/smollm2-135m-instruct"


def options(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return list(schema.get("anyOf") or [schema])


class Stubborn:
    """A fake local model that calls a tool whenever its schema lets it (a fresh expression each
    time) and otherwise takes the first option; every reply is checked against the schema."""

    def __init__(self, plans: list[str] | None = None, worker: str = "analyst"):
        self.requests: list[Any] = []
        self.plans = list(plans or [])
        self.worker = worker

    async def __call__(self, request: Any, on_token: Any = None) -> ChatResult:
        self.requests.append(request)
        schema = request.json_schema
        n = len(self.requests)
        if schema is None:
            text = "plain answer"
        elif "steps" in schema.get("properties", {}):
            text = self.plans.pop(0)
        elif "next" in schema.get("properties", {}):
            choices = schema["properties"]["next"]["enum"]
            choice = self.worker if self.worker in choices else choices[0]
            text = json.dumps({"next": choice, "task": "work", "answer": "all done"})
        else:
            first = options(schema)[0]["properties"]
            if "action" in first:
                reply = {"thought": "again", "action": first["action"]["enum"][0]}
                text = json.dumps({**reply, "action_input": {"expression": f"{n} + 1"}})
            elif "tool" in first:
                text = json.dumps({"tool": first["tool"]["enum"][0], "arguments": {"expression": f"{n} * 2"}})
            elif "final_answer" in first:
                text = json.dumps({"thought": "done", "final_answer": "the answer"})
            else:
                text = json.dumps({"answer": "the answer"})
        parsed = None
        if request.response_format != "text":
            parsed = json.loads(text)
            if schema is not None:
                assert schema_problem(parsed, schema) is None, (text, schema)
        return ChatResult(text, request.model, 20, 10, 0.0, "stop", parsed)


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Any:
    def install(fake: Stubborn) -> Stubborn:
        monkeypatch.setattr(llm, "chat", fake)
        return fake

    return install


def run(
    agent_type: str, config: dict[str, Any], task: str = "What is 17% of 2,340?"
) -> tuple[Any, list[NodeTrace]]:
    flow = flow_of(
        ("in", "io.text_input", {"name": "task"}),
        ("calc", "tool.calculator", {}),
        ("a", agent_type, {"model": LOCAL, **config}),
        ("o", "io.output", {"name": "answer"}),
        wires=["in.text->a.task", "calc.tool->a.tools", "a.answer->o.value"],
    )
    events: list[Event] = []
    result = run_flow(flow, {"task": task}, on_event=events.append, use_cache=False, record=False)
    return result, [e for e in events if isinstance(e, NodeTrace)]


@pytest.mark.parametrize("agent_type", ["agent.react", "agent.tool_calling"])
@pytest.mark.parametrize(("iterations", "tool_calls"), [(4, 10), (6, 2), (1, 10)])
def test_a_model_that_never_stops_calling_still_ends_with_an_answer(
    model: Any, agent_type: str, iterations: int, tool_calls: int
) -> None:
    fake = model(Stubborn())
    result, traces = run(agent_type, {"max_iterations": iterations, "max_tool_calls": tool_calls})
    assert result.status == "succeeded", result.error
    assert result.outputs["answer"] == "the answer"
    actions = [t for t in traces if t.label == "action"]
    assert len(actions) == min(iterations - 1, tool_calls)
    assert len(fake.requests) == min(iterations, tool_calls + 1)
    last = options(fake.requests[-1].json_schema)
    assert len(last) == 1 and not {"action", "tool"} & set(last[0]["properties"])


@pytest.mark.parametrize("agent_type", ["agent.react", "agent.tool_calling"])
def test_must_use_tools_leaves_only_tool_calls_for_the_first_reply(model: Any, agent_type: str) -> None:
    fake = model(Stubborn())
    result, traces = run(agent_type, {"must_use_tools": True, "max_iterations": 2})
    assert result.status == "succeeded", result.error
    first = options(fake.requests[0].json_schema)
    assert all({"action", "tool"} & set(option["properties"]) for option in first)
    action = next(t for t in traces if t.label == "action").data["data"]
    assert action["tool"] == "calculator"
    assert re.match(EXPRESSION, action["arguments"]["expression"])


def test_local_react_steps_are_json_with_the_tools_and_argument_syntax_pinned(model: Any) -> None:
    fake = model(Stubborn())
    run("agent.react", {"max_iterations": 2})
    request = fake.requests[0]
    assert request.response_format == "json_schema"
    call = options(request.json_schema)[0]
    assert list(call["properties"]) == ["thought", "action", "action_input"]  # thought comes first
    assert call["properties"]["action"]["enum"] == ["calculator"]
    assert call["properties"]["action_input"]["properties"]["expression"]["pattern"] == EXPRESSION
    assert "final_answer" in request.messages[0]["content"]


@pytest.mark.parametrize("agent_type", ["agent.react", "agent.tool_calling"])
def test_a_repeated_call_is_answered_from_the_first_result(model: Any, agent_type: str) -> None:
    class Repeating(Stubborn):
        async def __call__(self, request: Any, on_token: Any = None) -> ChatResult:
            result = await super().__call__(request, on_token)
            text = re.sub(r"\d+ [+*] \w+", "2 + 2", result.text)
            return ChatResult(text, request.model, 20, 10, 0.0, "stop", json.loads(text))

    fake = model(Repeating())
    result, traces = run(agent_type, {"max_iterations": 3})
    assert result.status == "succeeded", result.error
    assert [t.label for t in traces].count("action") == 1  # the tool ran once
    told = fake.requests[-1].messages[-1]["content"]
    assert "4 (you already have this result" in told


def failing_plan(expression: str = "1 / 0") -> str:
    return json.dumps({"steps": [{"tool": "calculator", "arguments": {"expression": expression}}]})


def test_planner_out_of_replans_answers_with_what_it_has_and_says_so(model: Any) -> None:
    good_then_bad = json.dumps(
        {
            "steps": [
                {"tool": "calculator", "arguments": {"expression": "80 * 1.15"}},
                {"tool": "calculator", "arguments": {"expression": "{{step1}} / 0"}},
            ]
        }
    )
    fake = model(Stubborn(plans=[good_then_bad, failing_plan()]))
    result, traces = run("agent.planner", {"max_replans": 1, "max_iterations": 6})
    assert result.status == "succeeded", result.error
    labels = [t.label for t in traces]
    assert labels.count("plan") == 2 and labels.count("replan") == 1
    gave_up = next(t for t in traces if t.label == "gave up").data["data"]
    assert "division by zero" in gave_up["failure"] and gave_up["replans"] == 1
    answer = result.outputs["answer"]
    assert answer.startswith("plain answer") and "Incomplete" in answer and "max_replans=1" in answer
    assert "92" in fake.requests[-1].messages[1]["content"]  # the step that worked is used
    assert labels[-1] == "final answer"


def test_planner_keeps_an_iteration_for_the_answer(model: Any) -> None:
    # Three iterations: a plan, one re-plan, and the answer; max_replans would allow more.
    fake = model(Stubborn(plans=[failing_plan()] * 5))
    result, traces = run("agent.planner", {"max_replans": 5, "max_iterations": 3})
    assert result.status == "succeeded", result.error
    assert [t.label for t in traces].count("plan") == 2
    assert "no room for another plan" in result.outputs["answer"]
    assert fake.requests[-1].json_schema is None  # the last reply was the answer


def test_planner_plan_steps_are_pinned_to_tools_and_arithmetic(model: Any) -> None:
    fake = model(Stubborn(plans=[failing_plan("2 + 2")]))
    result, _ = run("agent.planner", {"max_steps": 2})
    assert result.status == "succeeded", result.error
    steps = fake.requests[0].json_schema["properties"]["steps"]
    assert steps["maxItems"] == 2
    pattern = steps["items"]["properties"]["arguments"]["properties"]["expression"]["pattern"]
    assert re.match(pattern, "{{step1}} / 4") and not re.match(pattern, ".15 * 80 + 4.2f, ")


def test_supervisor_on_a_local_model_must_finish_on_its_last_reply(model: Any) -> None:
    flow = flow_of(
        ("in", "io.text_input", {"name": "task"}),
        ("calc", "tool.calculator", {}),
        ("analyst", "agent.react", {"model": LOCAL, "name": "analyst", "max_iterations": 2}),
        ("boss", "agent.supervisor", {"model": LOCAL, "name": "boss", "max_iterations": 3}),
        ("o", "io.output", {"name": "answer"}),
        wires=[
            "in.text->boss.task",
            "calc.tool->analyst.tools",
            "analyst.tool->boss.tools",
            "boss.answer->o.value",
        ],
    )
    fake = model(Stubborn())
    result = run_flow(flow, {"task": "Work out 12 * 7"}, use_cache=False, record=False)
    assert result.status == "succeeded", result.error
    assert result.outputs["answer"] == "all done"
    boss = [r for r in fake.requests if "next" in (r.json_schema or {}).get("properties", {})]
    assert boss[0].json_schema["properties"]["next"]["enum"] == ["analyst"]  # delegate first
    assert boss[-1].json_schema["properties"]["next"]["enum"] == ["FINISH"]
    worker_task = next(r for r in fake.requests if r not in boss).messages[-1]["content"]
    assert "work" in worker_task and "Work out 12 * 7" in worker_task  # the user's request goes along


def test_supervisor_whose_last_reply_is_cut_off_answers_with_the_workers_reply(model: Any) -> None:
    # A small model's FINISH answer cut off by max_reply_tokens parses as nothing: the run still
    # ends with an answer (the last worker's reply), not with "no final answer".
    class CutOff(Stubborn):
        async def __call__(self, request: Any, on_token: Any = None) -> ChatResult:
            if (request.json_schema or {}).get("properties", {}).get("next", {}).get("enum") == ["FINISH"]:
                self.requests.append(request)
                return ChatResult(
                    '{"next": "FINISH", "answer": "The ans', request.model, 20, 96, 0.0, "length"
                )
            return await super().__call__(request, on_token)

    flow = flow_of(
        ("in", "io.text_input", {"name": "task"}),
        ("calc", "tool.calculator", {}),
        ("analyst", "agent.react", {"model": LOCAL, "name": "analyst", "max_iterations": 2}),
        ("boss", "agent.supervisor", {"model": LOCAL, "name": "boss", "max_iterations": 2}),
        ("o", "io.output", {"name": "answer"}),
        wires=[
            "in.text->boss.task",
            "calc.tool->analyst.tools",
            "analyst.tool->boss.tools",
            "boss.answer->o.value",
        ],
    )
    model(CutOff())
    result = run_flow(flow, {"task": "Work out 12 * 7"}, use_cache=False, record=False)
    assert result.status == "succeeded", result.error
    assert result.outputs["answer"] == "the answer"  # what the analyst replied


def test_react_whose_last_reply_is_cut_off_answers_with_the_tool_result(model: Any) -> None:
    class CutOffAnswer(Stubborn):
        async def __call__(self, request: Any, on_token: Any = None) -> ChatResult:
            result = await super().__call__(request, on_token)
            if "final_answer" in result.text:  # cut at max_reply_tokens: no JSON to parse
                return ChatResult('{"thought": "the ans', request.model, 20, 10, 0.0, "length", None)
            return result

    model(CutOffAnswer())
    result, traces = run("agent.react", {"max_iterations": 2})
    assert result.status == "succeeded", result.error
    labels = [t.label for t in traces]
    assert labels[-2:] == ["gave up", "final answer"]
    assert result.outputs["answer"] == "2"  # the calculator's result for "1 + 1"
