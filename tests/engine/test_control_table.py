"""Routers, Merge, Subflow and Map as an engine behaviour table: flow, inputs, outputs, order.

Same shape as tests/engine/test_behaviour_table.py, on the real control nodes. Subflow files are
written to a temporary folder (the parent's base_dir) before each case runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from studio.engine import run_flow, validate_flow
from studio.engine.cache import OutputCache
from studio.flow import Flow, InterfacePort, save_flow
from studio.runtime.llm.types import ChatResult
from tests.builders import flow_of


@dataclass
class Case:
    name: str
    flow: Flow
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    order: list[str] | None = None  # node ids in finishing order, when observable
    statuses: dict[str, str] = field(default_factory=dict)
    run_status: str = "succeeded"
    files: dict[str, Flow] = field(default_factory=dict)  # subflow files next to the parent
    errors: dict[str, str] = field(default_factory=dict)  # node id -> text its error contains
    model_reply: str | None = None  # what the (scripted) classifier model answers


def out(node_id: str, name: str = "result") -> tuple[str, str, dict[str, Any]]:
    return (node_id, "io.output", {"name": name})


def declared(flow: Flow, inputs: list[str], outputs: list[str]) -> Flow:
    """A flow with its interface declared, as a saved subflow file has it."""
    return flow.model_copy(
        update={
            "inputs": [InterfacePort(name=n, required=True) for n in inputs],
            "outputs": [InterfacePort(name=n, type="any") for n in outputs],
        }
    )


def sub(path: str, inputs: list[str], outputs: list[str], **config: Any) -> dict[str, Any]:
    """Subflow / Map settings with the interface copied in (what the Studio does on picking a file)."""
    return {
        "path": path,
        "inputs": [{"name": n} for n in inputs],
        "outputs": [{"name": n} for n in outputs],
        **config,
    }


# "shout": item -> "ITEM!" ; "fussy": fails on items that are not text (io.text_input refuses them)
SHOUT = declared(
    flow_of(
        ("in", "io.text_input", {"name": "item"}),
        ("f", "text.format", {"template": "{text}!"}),
        ("up", "text.format", {"template": "{text}"}),
        out("o", "shout"),
        wires=["in.text->f.text", "f.text->up.text", "up.text->o.value"],
    ),
    ["item"],
    ["shout"],
)

GREET = declared(
    flow_of(
        ("who", "io.text_input", {"name": "who"}),
        ("g", "text.format", {"template": "hello {who}"}),
        out("o", "greeting"),
        wires=["who.text->g.who", "g.text->o.value"],
    ),
    ["who"],
    ["greeting"],
)

# A flow that runs itself through a subflow node.
LOOP = declared(
    flow_of(
        ("in", "io.text_input", {"name": "item"}),
        ("s", "control.subflow", sub("loop.json", ["item"], ["shout"])),
        out("o", "shout"),
        wires=["in.text->s.item", "s.shout->o.value"],
    ),
    ["item"],
    ["shout"],
)
# a.json -> b.json -> a.json
LOOP_A = declared(
    flow_of(
        ("in", "io.text_input", {"name": "item"}),
        ("s", "control.subflow", sub("b.json", ["item"], ["shout"])),
        out("o", "shout"),
        wires=["in.text->s.item", "s.shout->o.value"],
    ),
    ["item"],
    ["shout"],
)
LOOP_B = declared(
    flow_of(
        ("in", "io.text_input", {"name": "item"}),
        ("s", "control.subflow", sub("a.json", ["item"], ["shout"])),
        out("o", "shout"),
        wires=["in.text->s.item", "s.shout->o.value"],
    ),
    ["item"],
    ["shout"],
)

AMOUNT_ROUTES = {
    "routes": [{"name": "big", "expression": "amount > 100"}, {"name": "small", "expression": "amount > 0"}],
    "default_route": "none",
}


def amount_router(amount: int) -> Flow:
    return flow_of(
        ("in", "io.text_input", {"name": "x"}),
        ("p", "parse.json", {}),
        ("r", "control.router", AMOUNT_ROUTES),
        ("b", "text.format", {"template": "big: {text}"}),
        ("s", "text.format", {"template": "small: {text}"}),
        ("n", "text.format", {"template": "none: {text}"}),
        ("m", "control.merge", {"mode": "first"}),
        out("o"),
        out("ro", "route"),
        wires=[
            "in.text->p.text",
            "p.json->r.value",
            "r.big->b.text",
            "r.small->s.text",
            "r.none->n.text",
            "b.text->m.values",
            "s.text->m.values",
            "n.text->m.values",
            "m.value->o.value",
            "r.route->ro.value",
        ],
    )


CASES = [
    Case(
        "expression router: first true route taken, the others skipped",
        amount_router(0),
        {"x": '{"amount": 250}'},
        {"result": 'big: {"amount": 250}', "route": "big"},
        ["in", "p", "r", "b", "s", "n", "ro", "m", "o"],
        statuses={"b": "done", "s": "skipped", "n": "skipped", "m": "done"},
    ),
    Case(
        "expression router: routes are tried in order",
        amount_router(0),
        {"x": '{"amount": 7}'},
        {"result": 'small: {"amount": 7}', "route": "small"},
        None,
        statuses={"b": "skipped", "s": "done", "n": "skipped"},
    ),
    Case(
        "expression router: nothing true takes the default route",
        amount_router(0),
        {"x": '{"amount": -3}'},
        {"result": 'none: {"amount": -3}', "route": "none"},
        None,
        statuses={"b": "skipped", "s": "skipped", "n": "done"},
    ),
    Case(
        "router over text with string functions; a skipped branch skips its whole chain",
        flow_of(
            ("in", "io.text_input", {"name": "message"}),
            (
                "r",
                "control.router",
                {
                    "routes": [
                        {
                            "name": "billing",
                            "expression": "'invoice' in lower(text) or 'refund' in lower(text)",
                        }
                    ],
                    "default_route": "general",
                },
            ),
            ("b1", "text.format", {"template": "[billing] {text}"}),
            ("b2", "text.format", {"template": "{text} (ticket opened)"}),
            ("g", "text.format", {"template": "[general] {text}"}),
            out("bo", "billing"),
            out("go", "general"),
            wires=[
                "in.text->r.value",
                "r.billing->b1.text",
                "b1.text->b2.text",
                "b2.text->bo.value",
                "r.general->g.text",
                "g.text->go.value",
            ],
        ),
        {"message": "My INVOICE is wrong"},
        {"billing": "[billing] My INVOICE is wrong (ticket opened)"},
        ["in", "r", "b1", "g", "b2", "go", "bo"],
        statuses={"b1": "done", "b2": "done", "bo": "done", "g": "skipped", "go": "skipped"},
    ),
    Case(
        "merge 'all' collects the branches that ran, in wire order",
        flow_of(
            ("a", "io.text_input", {"name": "a"}),
            ("b", "io.text_input", {"name": "b"}),
            ("m", "control.merge", {"mode": "all"}),
            out("o"),
            wires=["b.text->m.values", "a.text->m.values", "m.value->o.value"],
        ),
        {"a": "A", "b": "B"},
        {"result": ["B", "A"]},
        ["a", "b", "m", "o"],
    ),
    Case(
        "LLM router: a sloppy model answer still names the route",
        flow_of(
            ("in", "io.text_input", {"name": "message"}),
            (
                "r",
                "control.llm_router",
                {
                    "routes": [
                        {"name": "billing", "description": "invoices, payments"},
                        {"name": "technical", "description": "bugs, errors"},
                    ],
                    "default_route": "other",
                },
            ),
            ("b", "text.format", {"template": "billing: {text}"}),
            ("t", "text.format", {"template": "tech: {text}"}),
            ("x", "text.format", {"template": "other: {text}"}),
            ("m", "control.merge", {}),
            out("o"),
            out("ro", "route"),
            wires=[
                "in.text->r.text",
                "r.billing->b.text",
                "r.technical->t.text",
                "r.other->x.text",
                "b.text->m.values",
                "t.text->m.values",
                "x.text->m.values",
                "m.value->o.value",
                "r.route->ro.value",
            ],
        ),
        {"message": "My invoice is wrong"},
        {"result": "billing: My invoice is wrong", "route": "billing"},
        None,
        statuses={"t": "skipped", "x": "skipped"},
        model_reply="Category: **Billing**.",
    ),
    Case(
        "LLM router: an answer naming no route takes the fallback",
        flow_of(
            ("in", "io.text_input", {"name": "message"}),
            ("r", "control.llm_router", {"routes": [{"name": "billing"}], "default_route": "other"}),
            ("x", "text.format", {"template": "other: {text}"}),
            out("o"),
            wires=["in.text->r.text", "r.other->x.text", "x.text->o.value"],
        ),
        {"message": "hi"},
        {"result": "other: hi"},
        ["in", "r", "x", "o"],
        model_reply="I am not sure.",
        statuses={"r": "done"},
    ),
    Case(
        "subflow: a saved flow runs as one node",
        flow_of(
            ("in", "io.text_input", {"name": "who"}),
            ("s", "control.subflow", sub("greet.json", ["who"], ["greeting"])),
            ("after", "text.format", {"template": "{text}."}),
            out("o"),
            wires=["in.text->s.who", "s.greeting->after.text", "after.text->o.value"],
        ),
        {"who": "Ada"},
        {"result": "hello Ada."},
        ["in", "s", "after", "o"],
        files={"greet.json": GREET},
    ),
    Case(
        "subflow on an untaken branch is skipped and its file never read",
        flow_of(
            ("in", "io.text_input", {"name": "who"}),
            (
                "r",
                "control.router",
                {"routes": [{"name": "go", "expression": "text == 'go'"}], "default_route": "stay"},
            ),
            ("s", "control.subflow", sub("missing.json", ["who"], ["greeting"])),
            ("k", "text.format", {"template": "stayed: {text}"}),
            ("m", "control.merge", {}),
            out("o"),
            wires=[
                "in.text->r.value",
                "r.go->s.who",
                "r.stay->k.text",
                "s.greeting->m.values",
                "k.text->m.values",
                "m.value->o.value",
            ],
        ),
        {"who": "Ada"},
        {"result": "stayed: Ada"},
        None,
        statuses={"s": "skipped", "k": "done"},
    ),
    Case(
        "map: one subflow run per item, results in item order",
        flow_of(
            ("in", "io.text_input", {"name": "texts"}),
            ("p", "parse.json", {}),
            ("map", "control.map", sub("shout.json", ["item"], ["shout"], output="shout", concurrency=2)),
            out("o"),
            out("e", "errors"),
            wires=["in.text->p.text", "p.json->map.items", "map.results->o.value", "map.errors->e.value"],
        ),
        {"texts": '["a", "b", "c", "d", "e"]'},
        {"result": ["a!", "b!", "c!", "d!", "e!"], "errors": {}},
        ["in", "p", "map", "o", "e"],
        files={"shout.json": SHOUT},
    ),
    Case(
        "map: with 'keep going' a failing item is reported and the others still run",
        flow_of(
            ("in", "io.text_input", {"name": "texts"}),
            ("p", "parse.json", {}),
            (
                "map",
                "control.map",
                sub("shout.json", ["item"], ["shout"], output="shout", on_error="keep going"),
            ),
            out("o"),
            wires=["in.text->p.text", "p.json->map.items", "map.results->o.value"],
        ),
        {"texts": '["a", 5, "c"]'},
        {"result": ["a!", None, "c!"]},
        ["in", "p", "map", "o"],
        files={"shout.json": SHOUT},
        errors={},
    ),
    Case(
        "map: by default a failing item fails the node and only its downstream",
        flow_of(
            ("in", "io.text_input", {"name": "texts"}),
            ("p", "parse.json", {}),
            ("map", "control.map", sub("shout.json", ["item"], ["shout"], output="shout")),
            out("o"),
            ("ok", "text.format", {"template": "{text}"}),
            out("oo", "raw"),
            wires=[
                "in.text->p.text",
                "p.json->map.items",
                "map.results->o.value",
                "in.text->ok.text",
                "ok.text->oo.value",
            ],
        ),
        {"texts": '["a", 5]'},
        {"raw": '["a", 5]'},
        None,
        statuses={"map": "failed", "o": "failed", "oo": "done"},
        run_status="failed",
        files={"shout.json": SHOUT},
        errors={"map": "item"},
    ),
    Case(
        "subflow: a missing file fails the node with the file named",
        flow_of(
            ("in", "io.text_input", {"name": "who"}),
            ("s", "control.subflow", sub("nowhere.json", ["who"], ["greeting"])),
            out("o"),
            wires=["in.text->s.who", "s.greeting->o.value"],
        ),
        {"who": "Ada"},
        {},
        None,
        statuses={"s": "failed", "o": "failed"},
        run_status="failed",
        errors={"s": "nowhere.json"},
    ),
    Case(
        "subflow: a flow that runs itself is refused, naming the chain",
        LOOP,
        {"item": "x"},
        {},
        None,
        statuses={"s": "failed"},
        run_status="failed",
        files={"loop.json": LOOP},
        errors={"s": "loop.json -> loop.json"},
    ),
    Case(
        "subflow: recursion through another file is refused too",
        LOOP_A,
        {"item": "x"},
        {},
        None,
        statuses={"s": "failed"},
        run_status="failed",
        files={"a.json": LOOP_A, "b.json": LOOP_B},
        errors={"s": "b.json -> a.json -> b.json"},
    ),
]


@pytest.fixture
def scripted_model(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replies the classifier model gives, in order (the LLM router calls studio.runtime.llm.facade.chat)."""
    from studio.runtime.llm import facade as llm

    replies: list[str] = []

    async def fake_chat(request: Any, on_token: Any = None, **_: Any) -> ChatResult:
        return ChatResult(
            text=replies.pop(0),
            model=request.model,
            prompt_tokens=5,
            completion_tokens=3,
            cost_usd=0.0,
            finish_reason="stop",
        )

    monkeypatch.setattr(llm, "chat", fake_chat)
    return replies


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_control_behaviour(case: Case, tmp_path: Path, scripted_model: list[str]) -> None:
    for name, subflow in case.files.items():
        save_flow(subflow, tmp_path / name)
    if case.model_reply is not None:
        scripted_model.append(case.model_reply)
    assert validate_flow(case.flow) == []
    result = run_flow(case.flow, case.inputs, cache=OutputCache(), record=False, base_dir=tmp_path)
    assert result.status == case.run_status, result.error
    assert result.outputs == case.outputs
    if case.order is not None:
        assert result.order == case.order
    for node_id, status in case.statuses.items():
        assert result.nodes[node_id].status == status, (node_id, result.nodes[node_id].error)
    for node_id, text in case.errors.items():
        assert text in (result.nodes[node_id].error or ""), result.nodes[node_id].error


def test_router_expression_that_does_not_parse_is_reported_by_validate() -> None:
    flow = flow_of(
        ("in", "io.text_input", {"name": "x"}),
        (
            "r",
            "control.router",
            {
                "routes": [
                    {"name": "a", "expression": "amount >"},
                    {"name": "b", "expression": "__import__('os')"},
                ]
            },
        ),
        wires=["in.text->r.value"],
    )
    problems = [str(p) for p in validate_flow(flow)]
    assert any("routes[0].expression" in p and "does not parse" in p for p in problems), problems
    assert any("routes[1].expression" in p for p in problems), problems
