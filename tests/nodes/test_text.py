"""Join Text, Format Text and Split Text."""

from __future__ import annotations

from typing import Any

import pytest

from nodes.text import FormatTextNode, JoinTextNode, SplitTextNode
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from tests.nodes.conftest import port_names, problems, run_node

# ------------------------------------------------------------------------------ join

J = JoinTextNode


@pytest.mark.parametrize(
    ("config", "texts", "expected"),
    [
        ({}, ["first", "second"], "first\n\nsecond"),
        ({"separator": ", "}, ["a", "b", "c"], "a, b, c"),
        ({"separator": r"\n"}, ["a", "b"], "a\nb"),
        ({"separator": " | "}, ["a", "", "  ", None, "b"], "a | b"),
        ({"separator": "|", "skip_empty": False}, ["a", "", None, "b"], "a|||b"),
        ({"separator": "、"}, ["苹果", "香蕉"], "苹果、香蕉"),
        ({"separator": ","}, [["a", "b"], "c"], "a,b,c"),
        ({"separator": ","}, [3, 2.5, True], "3,2.5,true"),
        (
            {"separator": "\n"},
            [[{"text": "doc one", "metadata": {}}, {"text": "doc two"}]],
            "doc one\ndoc two",
        ),
        ({"separator": " "}, [{"k": "值"}], '{"k": "值"}'),
        ({}, [], ""),
    ],
)
def test_join(config: dict[str, Any], texts: list[Any], expected: str, ctx: RunContext) -> None:
    assert run_node(J, config, {"texts": texts}, ctx) == {"text": expected}


def test_join_port_takes_many_wires_of_any_type() -> None:
    (port,) = J.inputs
    assert port.multi and port.type.value == "any"


# ---------------------------------------------------------------------------- format

F = FormatTextNode


def test_format_placeholders_become_ports_in_order() -> None:
    assert port_names(F, {"template": "{b} and {a}, again {b}"}) == ["b", "a"]
    assert port_names(F, {"template": "{b} and {a} and {c}"}) == ["b", "a", "c"]


@pytest.mark.parametrize(
    ("template", "inputs", "expected"),
    [
        ("Hello {name}!", {"name": "Ann"}, "Hello Ann!"),
        ("{{name}} is literal, {name} is not", {"name": "x"}, "{name} is literal, x is not"),
        ("{{{name}}}", {"name": "x"}, "{x}"),
        (
            'Reply as JSON: {"answer": "..."} about {topic}',
            {"topic": "tea"},
            'Reply as JSON: {"answer": "..."} about tea',
        ),
        ("{user.name} {items[0]} {0} { name }", {}, "{user.name} {items[0]} {0} { name }"),
        ("你好，{name}！", {"name": "张三"}, "你好，张三！"),
        (
            "n={n} ok={ok} data={data}",
            {"n": 3, "ok": False, "data": {"k": [1]}},
            'n=3 ok=false data={"k": [1]}',
        ),
        ("no placeholders", {}, "no placeholders"),
    ],
)
def test_format(template: str, inputs: dict[str, Any], expected: str, ctx: RunContext) -> None:
    assert run_node(F, {"template": template}, inputs, ctx) == {"text": expected}


def test_format_does_not_allow_attribute_or_index_access(ctx: RunContext) -> None:
    assert port_names(F, {"template": "{a.__class__} {b[0]}"}) == []
    result = run_node(F, {"template": "{a.__class__}"}, {"a": "x"}, ctx)
    assert result == {"text": "{a.__class__}"}


def test_format_missing_value_names_the_placeholder(ctx: RunContext) -> None:
    with pytest.raises(NodeError, match=r"^city: no value for \{city\}"):
        run_node(F, {"template": "Weather in {city}"}, {}, ctx)


def test_format_reports_placeholders_that_cannot_be_inputs() -> None:
    (problem,) = problems(F, {"template": "{主题} and {topic} and {{名字}}"})
    assert problem.startswith("template: {主题} cannot be an input")
    assert problems(F, {"template": "{topic} {0} {{x}}"}) == []


# ----------------------------------------------------------------------------- split

S = SplitTextNode


@pytest.mark.parametrize(
    ("config", "text", "parts"),
    [
        ({}, "a\nb\n\n c \n", ["a", "b", "c"]),
        ({"separator": ","}, "a, b,,c", ["a", "b", "c"]),
        ({"separator": ",", "drop_empty": False}, "a, b,,c", ["a", "b", "", "c"]),
        ({"separator": ",", "strip": False, "drop_empty": False}, "a, b", ["a", " b"]),
        ({"separator": r"\n\n"}, "para one\nline two\n\npara two", ["para one\nline two", "para two"]),
        ({"separator": ""}, "  one two\tthree\n four ", ["one", "two", "three", "four"]),
        ({"separator": "", "max_parts": 2}, "one two three", ["one", "two three"]),
        ({"separator": ",", "max_parts": 2}, ",,a,b,c", ["a", "b,c"]),
        ({"separator": ",", "max_parts": 1}, "a,b", ["a,b"]),
        ({"separator": r"\s*[;；]\s*", "regex": True}, "x; y；z", ["x", "y", "z"]),
        ({"separator": r"(?=\d\.)", "regex": True}, "1. a 2. b", ["1. a", "2. b"]),
        ({"separator": "。"}, "第一句。第二句。", ["第一句", "第二句"]),
        ({"separator": "."}, "a.b", ["a", "b"]),
        ({}, "", []),
    ],
)
def test_split(config: dict[str, Any], text: str, parts: list[str], ctx: RunContext) -> None:
    assert run_node(S, config, {"text": text}, ctx) == {"parts": parts, "count": len(parts)}


def test_split_bad_regex_is_reported_naming_the_separator(ctx: RunContext) -> None:
    config = {"separator": "[unclosed", "regex": True}
    (problem,) = problems(S, config)
    assert problem.startswith("separator: not a valid regular expression")
    with pytest.raises(NodeError, match=r"^separator:"):
        run_node(S, config, {"text": "x"}, ctx)
    assert problems(S, {"separator": "[not a regex]"}) == []


def test_split_max_parts_cannot_be_negative() -> None:
    with pytest.raises(ValueError, match="max_parts"):
        S.Config.model_validate({"max_parts": -1})


def test_pure_text_nodes_run_on_the_event_loop() -> None:
    assert not J.run_in_thread and not F.run_in_thread and not S.run_in_thread
