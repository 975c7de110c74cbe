"""JSON Parser, Regex Extract and List Parser on the untidy text models really write."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from nodes import parsers
from nodes.parsers import JsonParserNode, ListParserNode, RegexExtractNode
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from tests.nodes.conftest import problems, run_node

J = JsonParserNode

# ------------------------------------------------------------------------------ JSON


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ("[1, 2, 3]", [1, 2, 3]),
        ('```json\n{"name": "Ann", "age": 31}\n```', {"name": "Ann", "age": 31}),
        ('```\n[{"x": 1}]\n```', [{"x": 1}]),
        ('Sure! Here is the JSON:\n{"ok": true}\nLet me know if you need more.', {"ok": True}),
        ("Result: [1, 2, 3,] as requested", [1, 2, 3]),
        ('{"a": [1, 2,], "b": {"c": 3,},}', {"a": [1, 2], "b": {"c": 3}}),
        ("{'name': 'Bob', 'ok': True, 'x': None}", {"name": "Bob", "ok": True, "x": None}),
        ("{'quote': 'it\\'s \"fine\"'}", {"quote": 'it\'s "fine"'}),
        ('{name: "Ann", // a comment\n "n": 2 /* and another */}', {"name": "Ann", "n": 2}),
        ('See [note 1] below: {"x": 1}', {"x": 1}),
        ('{"text": "True, None and a, trailing comma,]"}', {"text": "True, None and a, trailing comma,]"}),
        ('{"城市": "北京", "人口": 2189}', {"城市": "北京", "人口": 2189}),
        ("42", 42),
        ('"just a string"', "just a string"),
    ],
)
def test_json_parser_repairs_what_models_write(text: str, expected: Any, ctx: RunContext) -> None:
    assert run_node(J, {}, {"text": text}, ctx) == {"json": expected, "error": ""}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("I could not find any data for that.", "text: no JSON object or array found in: 'I could"),
        ('{"a": 1 "b": 2}', "text: not valid JSON at line 1, column 9 (Expecting ',' delimiter)"),
        ('{"items": [1, 2, 3', "text: the JSON is cut off"),
        ("", "text: the text is empty"),
    ],
)
def test_unrepairable_json_says_what_is_wrong(text: str, message: str, ctx: RunContext) -> None:
    with pytest.raises(NodeError) as caught:
        run_node(J, {}, {"text": text}, ctx)
    assert str(caught.value).startswith(message)


def test_error_shows_a_snippet_of_the_bad_text(ctx: RunContext) -> None:
    with pytest.raises(NodeError, match=r"'\{\"a\": 1 \"b\": 2\}'"):
        run_node(J, {}, {"text": '{"a": 1 "b": 2}'}, ctx)


def test_not_strict_outputs_null_and_the_error(ctx: RunContext) -> None:
    result = run_node(J, {"strict": False}, {"text": "no json"}, ctx)
    assert result["json"] is None
    assert result["error"].startswith("text: no JSON object or array found")


PERSON = {
    "type": "object",
    "required": ["name", "age"],
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
}


def test_schema_match_passes(ctx: RunContext) -> None:
    result = run_node(J, {"schema": PERSON}, {"text": '{"name": "Ann", "age": 31}'}, ctx)
    assert result == {"json": {"name": "Ann", "age": 31}, "error": ""}


@pytest.mark.parametrize("use_jsonschema", [True, False], ids=["jsonschema", "minimal"])
@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"name": "Ann"}', "$: 'age' is a required property"),
        ('{"name": "Ann", "age": "old"}', "$.age: 'old' is not of type 'integer'"),
        ('[{"name": "Ann"}]', "is not of type 'object'"),
    ],
)
def test_schema_violation_names_the_key(
    text: str, fragment: str, use_jsonschema: bool, ctx: RunContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not use_jsonschema:
        monkeypatch.setitem(sys.modules, "jsonschema", None)  # import fails -> minimal validator
    with pytest.raises(NodeError) as caught:
        run_node(J, {"schema": PERSON}, {"text": text}, ctx)
    assert str(caught.value).startswith("schema: the JSON does not match:")
    assert fragment in str(caught.value)
    result = run_node(J, {"schema": PERSON, "strict": False}, {"text": text}, ctx)
    assert result["json"] is None and fragment in result["error"]


def test_invalid_schema_is_reported_by_check() -> None:
    (problem,) = problems(J, {"schema": {"type": "strnig"}})
    assert problem.startswith("schema: not a valid JSON schema")
    assert problems(J, {"schema": PERSON}) == []


def test_schema_setting_is_saved_under_its_name() -> None:
    config = J.Config.model_validate({"schema": PERSON, "strict": False})
    assert config.model_dump(mode="json") == {"schema": PERSON, "strict": False}
    assert "schema" in J.Config.model_json_schema()["properties"]


# ----------------------------------------------------------------------------- regex

R = RegexExtractNode


@pytest.mark.parametrize(
    ("config", "text", "match", "matches"),
    [
        ({"pattern": r"\d+"}, "order 66 and 67", "66", ["66"]),
        ({"pattern": r"\d+", "all_matches": True}, "order 66 and 67", "66", ["66", "67"]),
        ({"pattern": r"Answer: (\w+)"}, "Answer: yes", "Answer: yes", ["Answer: yes"]),
        ({"pattern": r"Answer: (\w+)", "group": 1}, "Answer: yes", "yes", ["yes"]),
        (
            {"pattern": r"(?P<year>\d{4})-(\d\d)", "group": "year", "all_matches": True},
            "2024-01, 2025-02",
            "2024",
            ["2024", "2025"],
        ),
        ({"pattern": r"(a)|(b)", "group": 2, "all_matches": True}, "ab", "", ["", "b"]),
        ({"pattern": "final answer: (.*)", "group": 1}, "Final Answer: 42", "", []),
        ({"pattern": "final answer: (.*)", "group": 1, "ignorecase": True}, "Final Answer: 42", "42", ["42"]),
        (
            {"pattern": "^- (.+)$", "group": 1, "all_matches": True, "multiline": True},
            "- a\n- b",
            "a",
            ["a", "b"],
        ),
        ({"pattern": "<b>(.*)</b>", "group": 1, "dotall": True}, "<b>x\ny</b>", "x\ny", ["x\ny"]),
        ({"pattern": "答案：(.+)", "group": 1}, "答案：北京", "北京", ["北京"]),
        ({"pattern": "zzz"}, "nothing here", "", []),
    ],
)
def test_regex_extract(
    config: dict[str, Any], text: str, match: str, matches: list[str], ctx: RunContext
) -> None:
    assert run_node(R, config, {"text": text}, ctx) == {"match": match, "matches": matches}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"pattern": "(unclosed"}, "pattern: not a valid regular expression at position 9"),
        ({"pattern": "a**"}, "pattern: not a valid regular expression"),
        ({"pattern": "(a)", "group": 2}, "group: the pattern has 1 group(s), there is no group 2"),
        ({"pattern": "(?P<x>a)", "group": "y"}, "group: the pattern has no group named 'y'"),
    ],
)
def test_bad_pattern_or_group_is_reported_naming_the_field(
    config: dict[str, Any], message: str, ctx: RunContext
) -> None:
    (problem,) = problems(R, config)
    assert problem.startswith(message)
    with pytest.raises(NodeError, match="^" + message.split(":")[0]):
        run_node(R, config, {"text": "a"}, ctx)


def test_runaway_pattern_gives_up(ctx: RunContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsers, "REGEX_TIMEOUT_S", 0.2)
    with pytest.raises(NodeError, match=r"pattern: gave up after 0.2 s"):
        run_node(R, {"pattern": r"(x+x+)+y"}, {"text": "x" * 5000}, ctx)


def test_huge_input_is_refused(ctx: RunContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsers, "MAX_REGEX_INPUT", 100)
    with pytest.raises(NodeError, match=r"text: the input has 101 characters"):
        run_node(R, {"pattern": "a"}, {"text": "a" * 101}, ctx)


# ------------------------------------------------------------------------------ list

L = ListParserNode


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("1. apples\n2. pears\n3. plums", ["apples", "pears", "plums"]),
        ("1) apples\n2) pears", ["apples", "pears"]),
        ("(a) first\n(b) second", ["first", "second"]),
        ("a. alpha\nb. beta", ["alpha", "beta"]),
        ("- one\n- two", ["one", "two"]),
        ("* one\n* two", ["one", "two"]),
        ("• one\n• two", ["one", "two"]),
        ("- [ ] write spec\n- [x] review", ["write spec", "review"]),
        ("Here are three ideas:\n\n1. Tea\n2. Coffee\n3. Juice\n\nEnjoy!", ["Tea", "Coffee", "Juice"]),
        ("- a long item\n  that wraps\n- short", ["a long item that wraps", "short"]),
        ("red, green, and blue", ["red", "green", "blue"]),
        ("1,000 apples, 2,000 pears", ["1,000 apples", "2,000 pears"]),
        ("alpha\nbeta\n\ngamma", ["alpha", "beta", "gamma"]),
        ("苹果、香蕉、橘子", ["苹果", "香蕉", "橘子"]),
        ("苹果，香蕉；橘子", ["苹果", "香蕉", "橘子"]),
        ("1、调研\n2、设计", ["调研", "设计"]),
        ("一、调研\n二、设计\n三、开发", ["调研", "设计", "开发"]),
        ("1.苹果\n2.香蕉", ["苹果", "香蕉"]),
        ('["x", "y"]', ["x", "y"]),
        ("```\n- a\n- b\n```", ["a", "b"]),
        ('Sure:\n```json\n["red", "green", \'blue\',]\n```\nAnything else?', ["red", "green", "blue"]),
        ("Some colours:\nred\ngreen", ["red", "green"]),
        ("颜色如下：\n红色\n绿色", ["红色", "绿色"]),
        ("3.14 is pi", ["3.14 is pi"]),
        ("", []),
    ],
)
def test_list_parser_formats(text: str, items: list[str], ctx: RunContext) -> None:
    assert run_node(L, {}, {"text": text}, ctx) == {"items": items, "count": len(items)}
