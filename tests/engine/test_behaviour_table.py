"""The engine's behaviour as a table: flow, inputs, expected outputs, expected order and statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from studio.engine import run_flow
from studio.engine.cache import OutputCache
from studio.flow import Flow
from tests.builders import flow_of
from tests.engine.fake_nodes import fake_registry, reset_calls


@dataclass
class Case:
    name: str
    flow: Flow
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    order: list[str] | None = None  # node ids in finishing order, when observable
    statuses: dict[str, str] = field(default_factory=dict)
    run_status: str = "succeeded"


def out(node_id: str, name: str = "result") -> tuple[str, str, dict[str, Any]]:
    return (node_id, "io.output", {"name": name})


CASES = [
    Case(
        "input to output",
        flow_of(("in", "io.text_input", {"name": "topic"}), out("o"), wires=["in.text->o.value"]),
        {"topic": "hello"},
        {"result": "hello"},
        ["in", "o"],
    ),
    Case(
        "optional input falls back to its default",
        flow_of(
            ("in", "io.text_input", {"name": "topic", "default": "dflt", "required": False}),
            out("o"),
            wires=["in.text->o.value"],
        ),
        {},
        {"result": "dflt"},
        ["in", "o"],
    ),
    Case(
        "chain runs in dependency order",
        flow_of(
            ("c", "t.const", {"value": "ab"}),
            ("u", "t.upper", {}),
            out("o"),
            wires=["c.out->u.text", "u.out->o.value"],
        ),
        {},
        {"result": "AB"},
        ["c", "u", "o"],
    ),
    Case(
        "multi port collects wires in file order",
        flow_of(
            ("b", "t.const", {"value": "B"}),
            ("a", "t.const", {"value": "A"}),
            ("j", "t.concat", {}),
            out("o"),
            wires=["a.out->j.parts", "b.out->j.parts", "j.out->o.value"],
        ),
        {},
        {"result": "A+B"},
        ["b", "a", "j", "o"],
    ),
    Case(
        "independent branches start in file order and merge",
        flow_of(
            ("x", "t.const", {"value": "x"}),
            ("y", "t.const", {"value": "y"}),
            ("ux", "t.upper", {}),
            ("uy", "t.upper", {}),
            ("j", "t.concat", {"sep": "-"}),
            out("o"),
            wires=[
                "x.out->ux.text",
                "y.out->uy.text",
                "ux.out->j.parts",
                "uy.out->j.parts",
                "j.out->o.value",
            ],
        ),
        {},
        {"result": "X-Y"},
        ["x", "y", "ux", "uy", "j", "o"],
    ),
    Case(
        "router: the untaken branch is skipped, not failed",
        flow_of(
            ("c", "t.const", {"value": "go"}),
            ("r", "t.route", {"route": "right"}),
            ("l", "t.upper", {}),
            ("rr", "t.upper", {}),
            ("lo", "io.output", {"name": "left"}),
            ("ro", "io.output", {"name": "right"}),
            wires=[
                "c.out->r.text",
                "r.left->l.text",
                "r.right->rr.text",
                "l.out->lo.value",
                "rr.out->ro.value",
            ],
        ),
        {},
        {"right": "GO"},
        ["c", "r", "l", "rr", "lo", "ro"],
        statuses={"l": "skipped", "lo": "skipped", "rr": "done", "ro": "done"},
    ),
    Case(
        "merge after a router takes the active branch",
        flow_of(
            ("c", "t.const", {"value": "v"}),
            ("r", "t.route", {"route": "left"}),
            ("m", "t.first_of", {}),
            out("o"),
            wires=["c.out->r.text", "r.left->m.a", "r.right->m.b", "m.out->o.value"],
        ),
        {},
        {"result": "v"},
        ["c", "r", "m", "o"],
        statuses={"m": "done"},
    ),
    Case(
        "a failure fails only its downstream nodes",
        flow_of(
            ("f", "t.fail", {"message": "exploded"}),
            ("after", "t.upper", {}),
            ("ok", "t.const", {"value": "fine"}),
            ("o1", "io.output", {"name": "bad"}),
            ("o2", "io.output", {"name": "good"}),
            wires=["f.out->after.text", "after.out->o1.value", "ok.out->o2.value"],
        ),
        {},
        {"good": "fine"},
        None,
        statuses={"f": "failed", "after": "failed", "o1": "failed", "ok": "done", "o2": "done"},
        run_status="failed",
    ),
    Case(
        "retry policy recovers a flaky node",
        flow_of(
            ("f", "t.fail", {"times": 2}, {"retries": 2, "retry_backoff_s": 0}),
            out("o"),
            wires=["f.out->o.value"],
        ),
        {},
        {"result": "recovered"},
        ["f", "o"],
        statuses={"f": "done"},
    ),
    Case(
        "conversions on wires: text to messages, documents to text, number to text",
        flow_of(
            ("c", "t.const", {"value": "hi"}),
            ("m", "t.messages", {}),
            ("d", "t.docs", {}),
            ("n", "t.number", {"value": 3}),
            ("j", "t.concat", {"sep": ";"}),
            out("o"),
            wires=[
                "c.out->m.messages",
                "m.out->j.parts",
                "d.out->j.parts",
                "n.out->j.parts",
                "j.out->o.value",
            ],
        ),
        {},
        {"result": "user:hi;one\n\ntwo;3.0"},
        None,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_engine_behaviour(case: Case) -> None:
    reset_calls()
    result = run_flow(case.flow, case.inputs, registry=fake_registry(), cache=OutputCache(), record=False)
    assert result.status == case.run_status, result.error
    assert result.outputs == case.outputs
    if case.order is not None:
        assert result.order == case.order
    for node_id, status in case.statuses.items():
        assert result.nodes[node_id].status == status, (node_id, result.nodes[node_id].error)


def test_failure_names_the_root_cause() -> None:
    reset_calls()
    case = CASES[7]
    result = run_flow(case.flow, {}, registry=fake_registry(), cache=OutputCache(), record=False)
    assert result.nodes["f"].error == "exploded"
    assert result.nodes["after"].caused_by == "f"
    assert "upstream node" in (result.nodes["after"].error or "")
    assert list(result.failures()) == ["f"]
    assert "exploded" in (result.error or "")
