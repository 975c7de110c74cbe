"""Set / Get Variable nodes share named values across a run; undeclared names are clear errors."""

from __future__ import annotations

import pytest

from studio.engine import run_flow
from studio.flow import Flow, FlowError
from studio.flow.schema import Variable
from tests.builders import flow_of


def with_variables(flow: Flow, **defaults: object) -> Flow:
    return flow.model_copy(update={"variables": [Variable(name=k, default=v) for k, v in defaults.items()]})


def test_get_reads_the_default_and_the_value_set_earlier() -> None:
    flow = flow_of(
        ("in", "io.text_input", {"name": "topic"}),
        ("set", "vars.set", {"name": "topic"}),
        ("get_after", "vars.get", {"name": "topic"}),
        ("get_default", "vars.get", {"name": "tone"}),
        ("o1", "io.output", {"name": "after"}),
        ("o2", "io.output", {"name": "tone"}),
        wires=[
            "in.text->set.value",
            "set.value->get_after.after",
            "get_after.value->o1.value",
            "get_default.value->o2.value",
        ],
    )
    result = run_flow(
        with_variables(flow, topic="", tone="friendly"), {"topic": "tides"}, record=False, use_cache=False
    )
    assert result.status == "succeeded", result.failures
    assert result.outputs == {"after": "tides", "tone": "friendly"}


def test_undeclared_variable_is_refused_before_the_run() -> None:
    flow = flow_of(
        ("get", "vars.get", {"name": "missing"}),
        ("o", "io.output", {"name": "v"}),
        wires=["get.value->o.value"],
    )
    with pytest.raises(FlowError) as caught:
        run_flow(with_variables(flow, known=1), {}, record=False, use_cache=False)
    message = str(caught.value)
    assert "$.nodes[0].config" in message
    assert "variable 'missing' is not declared" in message
    assert "declared: known" in message
