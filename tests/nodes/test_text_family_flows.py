"""Prompt, parser and text nodes wired together and run by the engine, as a flow file would be."""

from __future__ import annotations

from studio.engine import run_flow
from studio.engine.cache import OutputCache
from studio.engine.graph import validate_flow
from tests.builders import flow_of


def test_template_ports_can_be_wired_and_the_flow_runs() -> None:
    flow = flow_of(
        ("topic", "io.text_input", {"name": "topic"}),
        ("p", "prompt.template", {"template": "Write three facts about {{ topic }}."}),
        ("o", "io.output", {"name": "result"}),
        wires=["topic.text->p.topic", "p.prompt->o.value"],
    )
    assert validate_flow(flow) == []
    result = run_flow(flow, {"topic": "熊猫"}, cache=OutputCache(), record=False)
    assert result.status == "succeeded", result.error
    assert result.outputs == {"result": "Write three facts about 熊猫."}


def test_a_wire_to_a_variable_the_template_no_longer_has_is_refused() -> None:
    flow = flow_of(
        ("topic", "io.text_input", {"name": "topic"}),
        ("p", "prompt.template", {"template": "No variables any more."}),
        wires=["topic.text->p.topic"],
    )
    assert any("topic" in str(problem) for problem in validate_flow(flow))


def test_template_syntax_error_is_a_validation_problem() -> None:
    flow = flow_of(("p", "prompt.template", {"template": "Hi {{ name }"}))
    assert any("template: line 1: unexpected '}'" in str(problem) for problem in validate_flow(flow))


def test_json_and_list_parsers_feed_join_and_format() -> None:
    flow = flow_of(
        ("in", "io.text_input", {"name": "reply"}),
        ("j", "parse.json", {"schema": {"type": "array", "items": {"type": "string"}}}),
        ("join", "text.join", {"separator": " / "}),
        ("l", "parse.list", {}),
        ("f", "text.format", {"template": "{joined} ({count} items)"}),
        ("o", "io.output", {"name": "result"}),
        wires=[
            "in.text->j.text",
            "j.json->join.texts",
            "in.text->l.text",
            "join.text->f.joined",
            "l.count->f.count",
            "f.text->o.value",
        ],
    )
    assert validate_flow(flow) == []
    reply = 'Sure:\n```json\n["red", "green", "blue",]\n```'
    result = run_flow(flow, {"reply": reply}, cache=OutputCache(), record=False)
    assert result.status == "succeeded", result.error
    assert result.outputs == {"result": "red / green / blue (3 items)"}


def test_failing_parser_names_the_problem_in_the_run_result() -> None:
    flow = flow_of(
        ("in", "io.text_input", {"name": "reply"}),
        ("j", "parse.json", {}),
        ("o", "io.output", {"name": "result"}),
        wires=["in.text->j.text", "j.json->o.value"],
    )
    result = run_flow(flow, {"reply": "I cannot help with that."}, cache=OutputCache(), record=False)
    assert result.nodes["j"].status == "failed"
    assert "text: no JSON object or array found" in (result.nodes["j"].error or "")
    assert result.nodes["o"].caused_by == "j"
