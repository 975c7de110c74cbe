"""A node switched off in the editor (ui.disabled) is not run, and neither is what needs only it."""

from __future__ import annotations

from studio.engine import run_flow
from studio.engine.cache import OutputCache
from studio.engine.registry import default_registry
from studio.flow import EdgeSpec, Flow, NodeSpec


def _flow(disabled: bool) -> Flow:
    ui = {"disabled": True} if disabled else {}
    return Flow(
        nodes=[
            NodeSpec(id="in", type="io.text_input", config={"name": "q"}),
            NodeSpec(id="fmt", type="text.format", config={"template": "got {q}"}, ui=ui),
            NodeSpec(id="out", type="io.output", config={"name": "answer"}),
            NodeSpec(id="side", type="text.format", config={"template": "side {q}"}),
        ],
        edges=[
            EdgeSpec(source="in", source_port="text", target="fmt", target_port="q"),
            EdgeSpec(source="fmt", source_port="text", target="out", target_port="value"),
            EdgeSpec(source="in", source_port="text", target="side", target_port="q"),
        ],
    )


def test_a_disabled_node_and_what_needs_it_are_not_run_the_rest_runs() -> None:
    result = run_flow(_flow(True), {"q": "x"}, registry=default_registry(), cache=OutputCache(), record=False)
    assert result.status == "succeeded"
    assert result.nodes["fmt"].status == "skipped" and "disabled" in (result.nodes["fmt"].error or "")
    assert result.nodes["out"].status == "skipped"
    assert "upstream node" in (result.nodes["out"].error or "") and "disabled" in (
        result.nodes["out"].error or ""
    )
    assert result.nodes["side"].status == "done" and result.nodes["side"].outputs == {"text": "side x"}
    assert "answer" not in result.outputs


def test_enabled_again_it_runs() -> None:
    result = run_flow(
        _flow(False), {"q": "x"}, registry=default_registry(), cache=OutputCache(), record=False
    )
    assert result.outputs == {"answer": "got x"}
