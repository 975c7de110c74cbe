"""Safe expressions: what a calculator or a Router may compute, and what it may never do."""

from __future__ import annotations

import math
import time

import pytest

from studio.runtime.safety.safe_eval import (
    ExpressionError,
    compile_expression,
    evaluate,
    expression_names,
    parse_expression,
    prepare_calculation,
)

NAMES = {"message": "My Invoice is wrong", "score": 0.72, "intent": "billing", "data": {"items": [3, 4]}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("7 / 2", 3.5),
        ("7 // 2", 3),
        ("7 % 3", 1),
        ("2 ** 10", 1024),
        ("-3 + +2", -1),
        ("abs(-4.5)", 4.5),
        ("round(3.14159, 2)", 3.14),
        ("round(2.6)", 3),
        ("min(3, 1, 2)", 1),
        ("max([1, 9, 3])", 9),
        ("sum([1, 2, 3])", 6),
        ("len('hello')", 5),
        ("sqrt(16)", 4.0),
        ("log(e)", 1.0),
        ("log(8, 2)", 3.0),
        ("sin(0) + cos(0)", 1.0),
        ("pi > 3.14", True),
        ("percent(17, 2340)", pytest.approx(397.8)),
        ("1 < 2 < 3", True),
        ("1 < 3 < 2", False),
        ("not True or False", False),
        ("None is None", True),
        ("'a' if 1 > 2 else 'b'", "b"),
        ("'abc'[1:]", "bc"),
        ("[1, 2][-1]", 2),
        ("{'a': 1}['a']", 1),
        ("'ell' in 'hello'", True),
    ],
)
def test_arithmetic_and_functions(text: str, expected: object) -> None:
    assert evaluate(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("intent == 'billing'", True),
        ("score > 0.5 and intent in ['billing', 'refund']", True),
        ("message.lower().startswith('my invoice')", True),
        ("contains(lower(message), 'invoice')", True),
        ("message.contains('wrong')", True),
        ("message.upper().endswith('WRONG')", True),
        ("'  x '.strip()", "x"),
        ("data['items'][1] * 2", 8),
        ("len(data['items']) >= 2", True),
    ],
)
def test_router_style_expressions_over_inputs(text: str, expected: object) -> None:
    assert evaluate(text, NAMES) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("__import__('os').system('id')", "not allowed"),
        ("open('/etc/passwd').read()", "unknown function open()"),
        ("message.__class__", "attribute access .__class__ is not allowed"),
        ("(1).real", "attribute access .real"),
        ("message.format(1)", "method .format() is not allowed"),
        ("(lambda: 1)()", "lambda is not allowed"),
        ("[x for x in 'ab']", "comprehensions is not allowed"),
        ("f'{message}'", "f-strings is not allowed"),
        ("(y := 1)", ":= is not allowed"),
        ("2 ^ 3", "^ (write ** for powers)"),
        ("max(*[1, 2])", "*args is not allowed"),
        ("round(1.5, ndigits=1)", "keyword arguments are not allowed"),
        ("{1, 2}", "set literals"),
    ],
)
def test_forbidden_constructs_are_refused_before_running(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        evaluate(text, NAMES)
    assert fragment in str(caught.value)
    assert any(fragment in problem for problem in parse_expression(text))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("9 ** 9 ** 9", "too large"),
        ("2 ** 100000", "too large"),
        ("10 ** 4000 * 10 ** 4000", "too large"),
        ("'x' * 10 ** 9", "more than 100000"),
        ("[0] * 10 ** 8", "more than 100000"),
        ("('ab' * 50000) + ('ab' * 50000)", "too long"),
        ("2.0 ** 5000", "too large"),
        ("'%s' % 'x'", "string formatting"),
        ("int('9' * 5000)", "longer than 4000"),
        ("(-8) ** 0.5", "not a real number"),
    ],
)
def test_resource_hungry_expressions_fail_fast(text: str, fragment: str) -> None:
    started = time.monotonic()
    with pytest.raises(ExpressionError) as caught:
        evaluate(text)
    assert fragment in str(caught.value)
    assert time.monotonic() - started < 0.5


def test_long_or_deeply_nested_text_is_refused() -> None:
    assert "longer than" in parse_expression("1+" * 6000 + "1")[0]
    deep = "(" * 500 + "1" + ")" * 500
    problems = parse_expression(deep)
    assert problems == [] or "nested" in problems[0] or "too long" in problems[0]
    assert parse_expression("+".join(["1"] * 1500))[0].startswith("the expression is too long")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1 / 0", "division by zero"),
        ("unknown + 1", "unknown name 'unknown'"),
        ("data['missing']", "no key 'missing'"),
        ("sqrt(-1)", "sqrt()"),
        ("'a' + 1", "TypeError"),
        ("score.lower()", ".lower() works on text"),
        ("5[0]", "cannot index"),
    ],
)
def test_evaluation_errors_are_readable(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        evaluate(text, NAMES)
    assert fragment in str(caught.value)


def test_parse_expression_reports_syntax_errors_for_validate() -> None:
    assert parse_expression("score > 0.5") == []
    problems = parse_expression("score >")
    assert problems and "does not parse" in problems[0]
    assert parse_expression("") == ["the expression is empty"]


def test_compiled_expression_lists_its_names_and_reruns() -> None:
    compiled = compile_expression("score > threshold and contains(message, 'x') and pi > 3")
    assert compiled.names == ["message", "score", "threshold"]
    assert compiled.evaluate({"score": 2, "threshold": 1, "message": "x"}) is True
    assert compiled.evaluate({"score": 0, "threshold": 1, "message": "x"}) is False
    assert expression_names("a + b * a") == ["a", "b"]


def test_names_shadow_constants_and_unknown_names_list_known_ones() -> None:
    assert evaluate("e", {"e": 5}) == 5
    assert math.isclose(evaluate("e"), math.e)
    with pytest.raises(ExpressionError, match=r"known names: a, b"):
        evaluate("c", {"a": 1, "b": 2})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17% of 2,340", pytest.approx(397.8)),
        ("2^10", 1024),
        ("1,000,000 / 4", 250000.0),
        ("max(1,234)", 234),
        ("50%", 0.5),
        ("10 % 3", 1),
        ("3 × 4 =", 12),
    ],
)
def test_calculator_text_is_prepared_into_an_expression(text: str, expected: object) -> None:
    assert evaluate(prepare_calculation(text)) == expected


def test_stop_signal_ends_an_expression() -> None:
    from studio.runtime.safety.budget import Budget
    from studio.runtime.safety.safe_eval import Stopped

    with pytest.raises(Stopped):
        evaluate("1 + 1", {}, Budget(10, lambda: True))


def test_time_limit_is_an_expression_error() -> None:
    from studio.runtime.safety.budget import Budget

    with pytest.raises(ExpressionError, match="time limit"):
        evaluate("1 + 1", {}, Budget(-1))
