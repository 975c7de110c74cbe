"""Agent plumbing below the nodes: constrained reply schemas and native function calling."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.runtime.agents.llm import (
    ToolChatResult,
    chat_with_tools,
    openai_tools,
    run_native_tools,
    supports_native_tools,
)
from studio.runtime.agents.schemas import (
    EXPRESSION,
    FINISH,
    PLAIN_TEXT,
    answer_or_tool_schema,
    bounded,
    plan_schema,
    react_step_schema,
    supervisor_schema,
    tool_arguments,
)
from studio.runtime.llm.json_output import schema_problem
from studio.runtime.llm.types import ChatRequest

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
SEARCH = {
    "name": "search",
    "description": "find",
    "parameters": {
        "type": "object",
        "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}},
        "required": ["query"],
    },
}


def call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    """A tool call as litellm's mock_tool_calls takes it."""
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def test_tool_or_answer_schema_accepts_only_real_tools_with_fitting_arguments() -> None:
    schema = answer_or_tool_schema([CALC, SEARCH])
    assert schema_problem({"tool": "calculator", "arguments": {"expression": "1+1"}}, schema) is None
    assert schema_problem({"answer": "42"}, schema) is None
    assert schema_problem({"tool": "weather", "arguments": {}}, schema) is not None
    assert schema_problem({"tool": "search", "arguments": {"limit": 3}}, schema) is not None
    assert schema_problem({"tool": "search", "arguments": {"query": "x" * 500}}, schema) is not None


def test_plan_schema_bounds_the_steps_and_allows_step_references() -> None:
    schema = plan_schema([CALC], max_steps=2, plain=True)
    good = {
        "steps": [
            {"tool": "calculator", "arguments": {"expression": "80 * 1.15"}},
            {"tool": "calculator", "arguments": {"expression": "{{step1}} / 4"}},
        ]
    }
    assert schema_problem(good, schema) is None
    too_many = {"steps": good["steps"] * 2}
    assert schema_problem(too_many, schema) is not None
    assert schema_problem({"steps": []}, schema) is not None
    # A small model "closing the JSON" inside a string is not a valid plan under `plain`.
    junk = {"steps": [{"tool": "calculator", "arguments": {"expression": "2 * 3 }, {"}}]}
    assert schema_problem(junk, schema) is not None


@pytest.mark.parametrize(
    ("text", "fits"),
    [
        ("15% of 80", True),
        ("{{step2}} / 4", True),
        ("a }", False),
        ('say "hi"', False),
        ("two\nlines", False),
        ("x" * 61, False),
    ],
)
def test_plain_text_pattern(text: str, fits: bool) -> None:
    assert bool(re.match(PLAIN_TEXT, text)) is fits


def test_bounded_leaves_the_tool_schema_alone_and_caps_strings() -> None:
    original = {
        "type": "object",
        "properties": {"q": {"type": "string"}, "mode": {"type": "string", "enum": ["a", "b"]}},
    }
    capped = bounded(original)
    assert "maxLength" not in original["properties"]["q"]
    assert capped["properties"]["q"]["maxLength"] > 0
    assert "maxLength" not in capped["properties"]["mode"]


def test_supervisor_must_delegate_before_it_may_finish() -> None:
    assert FINISH not in supervisor_schema(["a", "b"], may_finish=False)["properties"]["next"]["enum"]
    schema = supervisor_schema(["a", "b"])
    assert schema_problem({"next": FINISH, "task": "", "answer": "done"}, schema) is None
    assert schema_problem({"next": "c", "task": "x"}, schema) is not None


def test_openai_tools_format_and_native_support() -> None:
    assert openai_tools([CALC]) == [
        {
            "type": "function",
            "function": {"name": "calculator", "description": "math", "parameters": CALC["parameters"]},
        }
    ]
    assert supports_native_tools("openai/gpt-4o-mini")
    assert not supports_native_tools("local/smollm2-135m-instruct")


def test_chat_with_tools_reads_calls_and_bad_arguments() -> None:
    request = ChatRequest(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "17% of 2340?"}])
    calls = [call("c1", "calculator", '{"expression": "17% of 2340"}'), call("c2", "calculator", "{not json")]
    result = asyncio.run(chat_with_tools(request, [CALC], mock_tool_calls=calls))
    assert [c.name for c in result.tool_calls] == ["calculator", "calculator"]
    assert result.tool_calls[0].arguments == {"expression": "17% of 2340"}
    assert not result.tool_calls[1].arguments_ok and result.tool_calls[1].raw_arguments == "{not json"
    assert result.message["tool_calls"][0]["id"] == "c1"


def test_native_loop_runs_calls_and_tells_the_model_about_bad_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    from studio.runtime.agents import llm as agent_llm

    scripted = [
        [
            call("1", "nope", "{}"),
            call("2", "calculator", "{oops"),
            call("3", "calculator", '{"expression": "2+2"}'),
        ],
        None,
    ]
    seen: list[list[dict[str, Any]]] = []
    real = agent_llm.chat_with_tools

    async def fake(request: ChatRequest, specs: Any) -> ToolChatResult:
        seen.append(request.messages)
        calls = scripted.pop(0)
        if calls:
            return await real(request, specs, mock_tool_calls=calls, mock_response="")
        return await real(request, specs, mock_response="It is 4.")

    monkeypatch.setattr(agent_llm, "chat_with_tools", fake)
    steps: list[tuple[str, Any]] = []
    ran: list[dict[str, Any]] = []

    async def call_tool(spec: dict[str, Any], arguments: dict[str, Any]) -> str:
        ran.append(arguments)
        return "4"

    request = ChatRequest(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "2+2?"}])
    answer = asyncio.run(
        run_native_tools(
            request,
            [CALC],
            before_call=lambda: None,
            spent=lambda r: None,
            step=lambda k, d: steps.append((k, d)),
            call_tool=call_tool,
        )
    )
    assert answer == "It is 4."
    assert ran == [{"expression": "2+2"}]
    tool_messages = [m for m in seen[1] if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_messages] == ["1", "2", "3"]
    assert "no tool 'nope'" in tool_messages[0]["content"]
    assert "not a JSON object" in tool_messages[1]["content"]
    assert tool_messages[2]["content"] == "4"
    assert steps[-1] == ("final answer", "It is 4.")


def test_local_models_have_no_native_tool_calls() -> None:
    from studio.runtime.llm.types import LLMError

    request = ChatRequest(model="local/smollm2-135m-instruct", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(LLMError, match="no native tool calls"):
        asyncio.run(chat_with_tools(request, [CALC]))


@pytest.mark.parametrize(
    ("expression", "fits"),
    [
        ("17% * 2340", True),
        ("0.17 * 2340", True),
        ("(80 * 1.15) / 4", True),
        ("-3 - -2", True),
        ("17% of 2,340", False),  # words and thousands separators: the model must write arithmetic
        ("4.2f", False),
        (".15 * 80", False),
        ("007 + 1", False),  # Python refuses leading zeros
        ("2 ** 999999", False),  # no powers: the cheap way to a huge number
        ("1 +", False),
        ("((1 + 2) * 3)", False),  # one level of parentheses keeps the pattern regular
        ("{{step1}} / 4", False),  # references only in plans
    ],
)
def test_calculator_expression_pattern(expression: str, fits: bool) -> None:
    assert bool(re.match(EXPRESSION, expression)) is fits


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_regex(EXPRESSION, fullmatch=True))
def test_every_expression_the_pattern_admits_is_one_the_calculator_parses(expression: str) -> None:
    from studio.runtime.safety.safe_eval import ExpressionError, evaluate, prepare_calculation

    try:
        evaluate(prepare_calculation(expression))
    except ExpressionError as exc:  # arithmetic may fail (1/0); the syntax never does
        assert "division by zero" in str(exc) or "too large" in str(exc), (expression, exc)
    except ZeroDivisionError:
        pass


def test_local_calculator_arguments_get_the_arithmetic_pattern_and_plans_may_reference_steps() -> None:
    assert tool_arguments(CALC, plain=True)["properties"]["expression"]["pattern"] == EXPRESSION
    planned = tool_arguments(CALC, plain=True, references=True)["properties"]["expression"]["pattern"]
    assert re.match(planned, "{{step2}} * 2") and not re.match(planned, "{{step}}")
    # API models and other tools keep the tool's own schema (bounded).
    assert "pattern" not in tool_arguments(CALC)["properties"]["expression"]
    assert tool_arguments(SEARCH, plain=True)["properties"]["query"]["pattern"] == PLAIN_TEXT
    assert CALC["parameters"]["properties"]["expression"] == {"type": "string"}  # not changed


@pytest.mark.parametrize(
    ("may_answer", "may_call", "fits"),
    [
        (True, True, {"call", "answer"}),
        (False, True, {"call"}),
        (True, False, {"answer"}),
        (False, False, {"answer"}),  # nothing left to call: answering is the way out
    ],
)
def test_reply_schemas_leave_what_the_limits_allow(may_answer: bool, may_call: bool, fits: set[str]) -> None:
    react = react_step_schema([CALC], plain=True, may_answer=may_answer, may_call=may_call)
    calling = answer_or_tool_schema([CALC], plain=True, may_answer=may_answer, may_call=may_call)
    replies = {
        "call": (
            {"thought": "t", "action": "calculator", "action_input": {"expression": "2 + 2"}},
            {"tool": "calculator", "arguments": {"expression": "2 + 2"}},
        ),
        "answer": ({"thought": "t", "final_answer": "4"}, {"answer": "4"}),
    }
    for kind, (react_reply, calling_reply) in replies.items():
        assert (schema_problem(react_reply, react) is None) is (kind in fits)
        assert (schema_problem(calling_reply, calling) is None) is (kind in fits)
    assert schema_problem({"thought": "t", "final_answer": ""}, react_step_schema([CALC])) is not None


def test_supervisor_last_reply_must_finish_with_an_answer() -> None:
    schema = supervisor_schema(["a"], must_finish=True)
    assert schema_problem({"next": FINISH, "answer": "done"}, schema) is None
    assert schema_problem({"next": "a", "task": "x"}, schema) is not None
    assert schema_problem({"next": FINISH, "answer": ""}, schema) is not None
