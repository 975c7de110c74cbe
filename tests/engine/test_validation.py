"""Problems are found before anything runs, each naming the node, port or field."""

from __future__ import annotations

import pytest

from studio.engine import BadInput, compile_flow, run_flow, validate_flow
from studio.flow import FlowError
from tests.builders import flow_of
from tests.engine.fake_nodes import CALLS, fake_registry, reset_calls


def problems_of(flow) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(p) for p in validate_flow(flow, fake_registry())]


def test_valid_flow_has_no_problems() -> None:
    flow = flow_of(("c", "t.const", {}), ("u", "t.upper", {}), wires=["c.out->u.text"])
    assert problems_of(flow) == []


def test_cycle_is_named_node_by_node() -> None:
    flow = flow_of(
        ("a", "t.upper", {}),
        ("b", "t.upper", {}),
        ("c", "t.upper", {}),
        wires=["a.out->b.text", "b.out->c.text", "c.out->a.text"],
    )
    [problem] = problems_of(flow)
    assert "cycle" in problem
    for name in ("(a)", "(b)", "(c)"):
        assert name in problem


def test_missing_required_input_names_node_and_port() -> None:
    flow = flow_of(("u", "t.upper", {}))
    [problem] = problems_of(flow)
    assert problem.startswith("$.nodes[0]")
    assert "'t.upper' (u)" in problem and "'text'" in problem and "not connected" in problem


def test_type_mismatch_lists_ports_that_would_fit() -> None:
    flow = flow_of(("d", "t.docs", {}), ("m", "t.messages", {}), wires=["d.out->m.messages"])
    problems = problems_of(flow)
    assert any("documents output cannot feed a messages input" in p and "it fits:" in p for p in problems)
    assert all(p.startswith("$.edges[0]") for p in problems if "cannot feed" in p)


def test_unknown_node_type_suggests_close_names() -> None:
    flow = flow_of(("x", "t.uper", {}))
    [problem] = problems_of(flow)
    assert "$.nodes[0].type" in problem and "unknown node type 't.uper'" in problem
    assert "t.upper" in problem


def test_unknown_port_lists_existing_ports() -> None:
    flow = flow_of(("c", "t.const", {}), ("u", "t.upper", {}), wires=["c.output->u.text"])
    problems = problems_of(flow)
    assert any("$.edges[0].source_port" in p and "no output 'output' (outputs: out)" in p for p in problems)


def test_bad_config_names_the_field() -> None:
    flow = flow_of(("c", "t.const", {"value": 3}), ("n", "t.number", {"value": "many", "extra": 1}))
    problems = problems_of(flow)
    assert any(p.startswith("$.nodes[0].config.value") for p in problems)
    assert any(p.startswith("$.nodes[1].config.value") for p in problems)
    assert any(p.startswith("$.nodes[1].config.extra") and "Extra inputs" in p for p in problems)


def test_two_wires_into_a_single_input_are_refused() -> None:
    flow = flow_of(
        ("a", "t.const", {}),
        ("b", "t.const", {}),
        ("u", "t.upper", {}),
        wires=["a.out->u.text", "b.out->u.text"],
    )
    [problem] = problems_of(flow)
    assert "takes one wire, but 2 are connected" in problem


def test_newer_node_version_is_refused() -> None:
    flow = flow_of(("c", "t.const", {}))
    flow.nodes[0].version = 7
    [problem] = problems_of(flow)
    assert "$.nodes[0].version" in problem and "newer version (7)" in problem


def test_interface_names_must_be_unique() -> None:
    flow = flow_of(("a", "io.text_input", {"name": "q"}), ("b", "io.text_input", {"name": "q"}))
    [problem] = problems_of(flow)
    assert "flow input 'q' is already fed by" in problem


def test_invalid_flow_never_runs_any_node() -> None:
    reset_calls()
    flow = flow_of(("c", "t.const", {}), ("u", "t.upper", {}), ("x", "t.nope", {}), wires=["c.out->u.text"])
    with pytest.raises(FlowError) as raised:
        run_flow(flow, {}, registry=fake_registry(), record=False)
    assert "t.nope" in str(raised.value)
    assert CALLS == {}


def test_missing_and_unknown_run_inputs_are_bad_input() -> None:
    flow = flow_of(
        ("in", "io.text_input", {"name": "topic"}), ("o", "io.output", {}), wires=["in.text->o.value"]
    )
    compiled = compile_flow(flow, fake_registry())
    with pytest.raises(BadInput, match="missing required input 'topic'"):
        run_flow(compiled, {}, record=False)
    with pytest.raises(BadInput, match="unknown input 'topc'; this flow's inputs are: topic"):
        run_flow(compiled, {"topc": "x"}, record=False)
