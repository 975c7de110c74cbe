"""Routers take one branch (the rest is skipped), Merge joins branches again."""

from __future__ import annotations

from typing import Any

import pytest

from nodes.control import ExpressionRouter, LLMRouter
from studio.engine import run_flow
from studio.engine.graph import validate_flow
from studio.engine.registry import default_registry
from studio.runtime.llm import facade as llm
from studio.runtime.llm.types import ChatResult
from tests.builders import flow_of

ROUTES = [
    {"name": "billing", "expression": "contains(lower(text), 'invoice') or contains(lower(text), 'refund')"},
    {"name": "urgent", "expression": "len(text) > 0 and text.upper() == text"},
]


def support_flow(routes: list[dict[str, str]] = ROUTES, **extra: Any) -> Any:
    return flow_of(
        ("in", "io.text_input", {"name": "message"}),
        ("r", "control.router", {"routes": routes, **extra}),
        ("bill", "text.format", {"template": "Billing: {text}"}),
        ("urg", "text.format", {"template": "Urgent: {text}"}),
        ("other", "text.format", {"template": "General: {text}"}),
        ("m", "control.merge", {}),
        ("o", "io.output", {"name": "answer"}),
        ("route", "io.output", {"name": "route"}),
        wires=[
            "in.text->r.value",
            "r.billing->bill.text",
            "r.urgent->urg.text",
            "r.otherwise->other.text",
            "bill.text->m.values",
            "urg.text->m.values",
            "other.text->m.values",
            "m.value->o.value",
            "r.route->route.value",
        ],
    )


@pytest.fixture(autouse=True)
def _template_node_exists() -> None:
    if "text.format" not in default_registry():
        pytest.skip("needs the text.format node")


@pytest.mark.parametrize(
    ("message", "route", "answer", "skipped"),
    [
        ("My invoice is wrong", "billing", "Billing: My invoice is wrong", {"urg", "other"}),
        ("HELP NOW", "urgent", "Urgent: HELP NOW", {"bill", "other"}),
        ("How do I log in?", "otherwise", "General: How do I log in?", {"bill", "urg"}),
    ],
)
def test_router_takes_one_branch_and_merge_joins(
    message: str, route: str, answer: str, skipped: set[str]
) -> None:
    result = run_flow(support_flow(), {"message": message}, record=False, use_cache=False)
    assert result.status == "succeeded", {k: v.error for k, v in result.failures().items()}
    assert result.outputs == {"answer": answer, "route": route}
    assert {n for n, s in result.nodes.items() if s.status == "skipped"} == skipped


def test_router_ports_follow_its_routes() -> None:
    config = ExpressionRouter.Config.model_validate({"routes": ROUTES, "default_route": ""})
    assert [p.name for p in ExpressionRouter.output_ports(config)] == ["billing", "urgent", "route"]


def test_router_expression_that_does_not_parse_is_caught_by_validate() -> None:
    bad = [{"name": "a", "expression": "score >"}, {"name": "b", "expression": "__import__('os')"}]
    problems = ExpressionRouter.check(ExpressionRouter.Config.model_validate({"routes": bad}))
    assert any(p.startswith("routes[0].expression: the expression does not parse") for p in problems)
    assert any(p.startswith("routes[1].expression:") for p in problems)
    flow = flow_of(
        ("in", "io.text_input", {"name": "m"}),
        ("r", "control.router", {"routes": bad}),
        wires=["in.text->r.value"],
    )
    report = validate_flow(flow, default_registry())
    assert "does not parse" in str(report)
    dup = ExpressionRouter.check(
        ExpressionRouter.Config.model_validate({"routes": [{"name": "route", "expression": "1"}]})
    )
    assert dup == ["routes[0].name: 'route' is reserved"]


def test_router_uses_object_fields_and_reports_bad_names() -> None:
    flow = flow_of(
        ("in", "io.text_input", {"name": "m"}),
        ("r", "control.router", {"routes": [{"name": "high", "expression": "nope > 1"}]}),
        ("o", "io.output", {"name": "x"}),
        wires=["in.text->r.value", "r.high->o.value"],
    )
    result = run_flow(flow, {"m": "x"}, record=False, use_cache=False)
    assert result.status == "failed"
    assert "unknown name 'nope'" in (result.nodes["r"].error or "")


def test_merge_all_collects_every_present_value() -> None:
    flow = flow_of(
        ("a", "io.text_input", {"name": "a"}),
        ("b", "io.text_input", {"name": "b"}),
        ("m", "control.merge", {"mode": "all"}),
        ("o", "io.output", {"name": "both"}),
        wires=["a.text->m.values", "b.text->m.values", "m.value->o.value"],
    )
    assert run_flow(flow, {"a": "1", "b": "2"}, record=False, use_cache=False).outputs == {"both": ["1", "2"]}


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("billing", "billing"),
        ("Billing.", "billing"),
        ("The answer is: technical_issue", "technical_issue"),
        ("I think this is about billing, not tech", "billing"),
        ("no idea", None),
    ],
)
def test_llm_router_reads_sloppy_replies(reply: str, expected: str | None) -> None:
    assert LLMRouter.pick(reply, ["billing", "technical_issue"]) == expected


def test_llm_router_routes_by_the_model_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    async def fake_chat(request: Any, on_token: Any = None, **_: Any) -> ChatResult:
        assert "billing" in request.messages[0]["content"]
        return ChatResult(
            text=" Billing",
            model=request.model,
            prompt_tokens=5,
            completion_tokens=1,
            cost_usd=0.0,
            finish_reason="stop",
        )

    monkeypatch.setattr(llm, "chat", fake_chat)
    flow = flow_of(
        ("in", "io.text_input", {"name": "message"}),
        ("r", "control.llm_router", {"routes": [{"name": "billing"}, {"name": "tech"}]}),
        ("b", "io.output", {"name": "billing"}),
        ("t", "io.output", {"name": "tech"}),
        wires=["in.text->r.text", "r.billing->b.value", "r.tech->t.value"],
    )
    result = run_flow(flow, {"message": "My invoice is wrong"}, record=False, use_cache=False)
    assert result.outputs == {"billing": "My invoice is wrong"}
    assert result.nodes["t"].status == "skipped"
