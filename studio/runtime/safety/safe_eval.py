"""Safe expression evaluation for the calculator tool and the Router node: `ast`, a whitelist, caps.

Never `eval`: the text is parsed with `ast.parse(mode="eval")` and walked node by node. Allowed:
numbers, strings, True/False/None, list/tuple/dict literals, arithmetic (+ - * / // % **),
comparisons (incl. `in`, `is`), and/or/not, `a if c else b`, indexing and slicing, names taken from
the given mapping, and a short list of functions. The only attribute access is a call of one of the
string methods lower/upper/strip/startswith/endswith/contains on a string.

Work is bounded before it is done: exponents and integer size, string and list length, and what
comparing, hashing, summing or printing a value would touch (`logical_size`: shared parts counted
each time they are reached, so `max([[0] * 100000] * 100000)` is refused, not run). Nesting is
limited so that the evaluator never recurses far, and a `Budget` (time limit, Stop) is checked at
every step, so `9**9**9**9`, `sum([[0]*100000]*100000, [])` or `round(1, -10**9)` end at once
with a readable error.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from studio.runtime.safety.budget import Budget, Stopped, TimeLimitExceeded, logical_size

__all__ = [
    "FUNCTIONS",
    "ExpressionError",
    "Stopped",
    "compile_expression",
    "evaluate",
    "expression_names",
    "parse_expression",
    "prepare_calculation",
]

MAX_TEXT = 10_000  # characters of expression text
MAX_NODES = 2_000  # AST nodes
MAX_INT_BITS = 16_384  # about 4,900 decimal digits
MAX_EXPONENT = 100_000
MAX_LENGTH = 100_000  # characters of a string, items of a list
MAX_WORK = 1_000_000  # characters/items one comparison, hash, sum or str() may touch
MAX_DEPTH = 64  # levels of nesting (brackets, calls, operators)
MAX_ROUND_DIGITS = 400


class ExpressionError(ValueError):
    """The expression does not parse, uses something not allowed, or fails to evaluate."""


def _percent(part: float, whole: float = 1.0) -> float:
    """percent(17, 2340) is 17% of 2340; percent(17) is 0.17."""
    return part / 100 * whole


def _contains(haystack: Any, needle: Any) -> bool:
    return needle in haystack


def _log(value: float, base: float | None = None) -> float:
    return math.log(value) if base is None else math.log(value, base)


def _round(value: float, digits: int = 0) -> float:
    if isinstance(digits, int) and abs(digits) > MAX_ROUND_DIGITS:
        # round(1, -10**9) would compute 10**(10**9) first.
        raise ExpressionError(f"round() digits must be between -{MAX_ROUND_DIGITS} and {MAX_ROUND_DIGITS}")
    result = round(value, digits)
    return int(result) if digits == 0 and isinstance(result, float) and result.is_integer() else result


def _bounded(what: str, *values: Any) -> None:
    """Refuse work on values that would touch more than MAX_WORK characters or items."""
    for value in values:
        if isinstance(value, list | tuple | dict) and logical_size(value, MAX_WORK) > MAX_WORK:
            raise ExpressionError(f"{what} would touch more than {MAX_WORK:,} items or characters")


def _sum(values: Any, start: Any = 0) -> Any:
    if not isinstance(start, int | float) or any(isinstance(v, str | list | tuple) for v in values):
        _bounded("sum()", list(values), [start])
    return sum(values, start)


def _min_max(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any) -> Any:
        _bounded(f"{name}()", list(args))
        return func(*args)

    return wrapper


def _str(value: Any = "") -> str:
    if isinstance(value, list | tuple | dict) and logical_size(value, MAX_LENGTH) > MAX_LENGTH:
        raise ExpressionError(f"str() of this would be longer than {MAX_LENGTH:,} characters")
    return str(value)


def _str_only(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(value: Any, *args: Any) -> Any:
        if not isinstance(value, str):
            raise ExpressionError(f"{name}() needs a string, got {type(value).__name__}")
        return func(value, *args)

    return wrapper


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": abs,
    "round": _round,
    "min": _min_max("min", min),
    "max": _min_max("max", max),
    "sum": _sum,
    "len": len,
    "int": int,
    "float": float,
    "str": _str,
    "bool": bool,
    "sqrt": math.sqrt,
    "log": _log,
    "log10": math.log10,
    "exp": math.exp,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "floor": math.floor,
    "ceil": math.ceil,
    "percent": _percent,
    "lower": _str_only("lower", str.lower),
    "upper": _str_only("upper", str.upper),
    "strip": _str_only("strip", str.strip),
    "startswith": _str_only("startswith", str.startswith),
    "endswith": _str_only("endswith", str.endswith),
    "contains": _contains,
}
CONSTANTS: dict[str, Any] = {"pi": math.pi, "e": math.e, "true": True, "false": False, "null": None}
STRING_METHODS = {"lower", "upper", "strip", "startswith", "endswith", "contains"}

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_ALLOWED = (
    ast.Expression,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Subscript,
    ast.Slice,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Call,
    ast.Attribute,
    ast.And,
    ast.Or,
    *_BINARY,
    *_UNARY,
    *_COMPARE,
)
_DESCRIBE = {
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.NamedExpr: ":=",
    ast.JoinedStr: "f-strings",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.Starred: "*args",
    ast.BitXor: "^ (write ** for powers)",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.MatMult: "@",
    ast.Set: "set literals",
}


class Expression:
    """A parsed and checked expression, ready to evaluate many times (a Router per run)."""

    def __init__(self, text: str, tree: ast.Expression):
        self.text = text
        self.tree = tree
        self.names = sorted(
            {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - set(FUNCTIONS) - set(CONSTANTS)
        )

    def evaluate(self, names: Mapping[str, Any] | None = None, budget: Budget | None = None) -> Any:
        """The value of the expression with `names` bound, within `budget` (default: 10 s).

        Raises ExpressionError (the time limit included) or Stopped when the budget's Stop
        signal is set.
        """
        evaluator = _Evaluator(self.text, names or {}, budget or Budget())
        try:
            return evaluator.visit(self.tree.body)
        except TimeLimitExceeded as exc:
            raise ExpressionError(str(exc)) from None


def _where(node: ast.AST) -> str:
    column = getattr(node, "col_offset", None)
    return f" at column {column + 1}" if column is not None else ""


def _check(text: str, tree: ast.Expression) -> list[str]:
    problems: list[str] = []
    count = 0
    # An Attribute is only allowed as the callee of a string-method call: "text".lower().
    method_callees = {
        id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    }
    for node in ast.walk(tree):
        count += 1
        if not isinstance(node, _ALLOWED):
            if type(node) not in _DESCRIBE and not isinstance(node, ast.expr):
                continue  # a helper part (arguments, Store, ...) of something already reported
            what = _DESCRIBE.get(type(node), type(node).__name__)
            problems.append(f"{what} is not allowed{_where(node)}")
            continue
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float | str | bool | None):
            problems.append(f"constant {node.value!r} is not allowed{_where(node)}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) > MAX_LENGTH:
            problems.append(f"a string longer than {MAX_LENGTH} characters{_where(node)}")
        if isinstance(node, ast.Attribute) and id(node) not in method_callees:
            problems.append(
                f"attribute access .{node.attr} is not allowed{_where(node)} (only calls of the string "
                f"methods {', '.join(sorted(STRING_METHODS))})"
            )
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                if func.attr not in STRING_METHODS:
                    problems.append(f"method .{func.attr}() is not allowed{_where(node)}")
            elif not (isinstance(func, ast.Name) and func.id in FUNCTIONS):
                name = func.id if isinstance(func, ast.Name) else ast.unparse(func)
                problems.append(
                    f"unknown function {name}(){_where(node)}; available: {', '.join(sorted(FUNCTIONS))}"
                )
            if node.keywords:
                problems.append(f"keyword arguments are not allowed{_where(node)}")
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            problems.append(f"name {node.id!r} is not allowed{_where(node)}")
    if count > MAX_NODES:
        problems.append(f"the expression is too long ({count} parts, at most {MAX_NODES})")
    elif _depth(tree) > MAX_DEPTH:
        problems.append(f"the expression is nested too deeply (more than {MAX_DEPTH} levels)")
    return list(dict.fromkeys(problems))[:8]


def _depth(tree: ast.AST) -> int:
    """How deeply the tree nests, without recursing (the evaluator recurses once per level)."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _parse(text: str) -> ast.Expression:
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, got {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_TEXT:
        raise ExpressionError(f"the expression is longer than {MAX_TEXT} characters")
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        if "too many nested" in exc.msg or "too complex" in exc.msg:
            raise ExpressionError(
                f"the expression is nested too deeply (more than {MAX_DEPTH} levels)"
            ) from None
        column = f" at column {exc.offset}" if exc.offset else ""
        raise ExpressionError(f"the expression does not parse{column}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(f"the expression is nested too deeply (more than {MAX_DEPTH} levels)") from None


def parse_expression(text: str) -> list[str]:
    """Problems with an expression (empty list when it is fine); for `studio validate`."""
    try:
        tree = _parse(text)
    except ExpressionError as exc:
        return [str(exc)]
    return _check(text, tree)


def compile_expression(text: str) -> Expression:
    """Parse and check once; raise ExpressionError listing every problem."""
    tree = _parse(text)
    problems = _check(text, tree)
    if problems:
        raise ExpressionError("; ".join(problems))
    return Expression(text, tree)


def expression_names(text: str) -> list[str]:
    """The variable names an expression reads (not functions or constants)."""
    return compile_expression(text).names


def evaluate(
    expression: str | Expression, names: Mapping[str, Any] | None = None, budget: Budget | None = None
) -> Any:
    """Evaluate an expression safely; every failure is an ExpressionError with a readable reason.

    `budget` bounds the time (default: 10 s) and carries the run's Stop signal (raises Stopped).
    """
    compiled = expression if isinstance(expression, Expression) else compile_expression(expression)
    return compiled.evaluate(names, budget)


def _check_size(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, complex):
        raise ExpressionError("the result is not a real number")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ExpressionError(f"the result is too large (more than {MAX_INT_BITS} bits)")
    if isinstance(value, str | list | tuple | dict) and len(value) > MAX_LENGTH:
        raise ExpressionError(f"the result is too long (more than {MAX_LENGTH} items or characters)")
    return value


def _safe_pow(base: Any, exponent: Any) -> Any:
    if isinstance(base, int | float) and isinstance(exponent, int | float):
        if abs(exponent) > MAX_EXPONENT and abs(base) not in (0, 1):
            raise ExpressionError(f"the exponent {exponent} is too large (at most {MAX_EXPONENT})")
        if (
            isinstance(base, int)
            and isinstance(exponent, int)
            and exponent > 0
            and abs(base) > 1
            and base.bit_length() * exponent > MAX_INT_BITS
        ):
            raise ExpressionError(f"{base} ** {exponent} is too large (more than {MAX_INT_BITS} bits)")
    return operator.pow(base, exponent)


def _safe_mul(left: Any, right: Any) -> Any:
    for seq, count in ((left, right), (right, left)):
        if (
            isinstance(seq, str | list | tuple)
            and isinstance(count, int)
            and not isinstance(count, bool)
            and count > 0
        ):
            if len(seq) * count > MAX_LENGTH:
                raise ExpressionError(f"repeating that would make more than {MAX_LENGTH} items or characters")
            if isinstance(seq, list | tuple) and logical_size(seq, MAX_WORK) * count > MAX_WORK:
                raise ExpressionError(f"repeating that would make more than {MAX_WORK:,} nested items")
    if (
        isinstance(left, int)
        and isinstance(right, int)
        and left.bit_length() + right.bit_length() > MAX_INT_BITS
    ):
        raise ExpressionError(f"the result is too large (more than {MAX_INT_BITS} bits)")
    return operator.mul(left, right)


def _safe_mod(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        raise ExpressionError("% on text (string formatting) is not allowed")
    return operator.mod(left, right)


def _check_compare(op: ast.cmpop, left: Any, right: Any) -> None:
    """Comparing or searching nested values costs their logical size: bound it first."""
    if isinstance(op, ast.In | ast.NotIn):
        if isinstance(right, list | tuple):
            _bounded("this `in`", right)
        elif isinstance(right, dict):
            _bounded("this `in`", left)
    elif not isinstance(op, ast.Is | ast.IsNot):
        both = isinstance(left, list | tuple | dict) and isinstance(right, list | tuple | dict)
        if both and min(logical_size(left, MAX_WORK), logical_size(right, MAX_WORK)) > MAX_WORK:
            raise ExpressionError(f"this comparison would touch more than {MAX_WORK:,} items")


class _Evaluator:
    def __init__(self, text: str, names: Mapping[str, Any], budget: Budget):
        self.text = text
        self.names = names
        self.budget = budget

    def visit(self, node: ast.AST) -> Any:
        self.budget.check()
        try:
            method = getattr(self, f"_{type(node).__name__}")
            return _check_size(method(node))
        except ExpressionError:
            raise
        except ZeroDivisionError:
            raise ExpressionError(f"division by zero{_where(node)}") from None
        except OverflowError:
            raise ExpressionError(f"the number is too large{_where(node)}") from None
        except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
            raise ExpressionError(f"{type(exc).__name__}{_where(node)}: {exc}") from None
        except RecursionError:
            raise ExpressionError("the expression is too deeply nested") from None

    def _Constant(self, node: ast.Constant) -> Any:
        return node.value

    def _Name(self, node: ast.Name) -> Any:
        if node.id in self.names:
            return self.names[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        known = ", ".join(sorted(self.names)) or "none"
        raise ExpressionError(f"unknown name {node.id!r}{_where(node)} (known names: {known})")

    def _BinOp(self, node: ast.BinOp) -> Any:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Pow):
            return _safe_pow(left, right)
        if isinstance(node.op, ast.Mult):
            return _safe_mul(left, right)
        if isinstance(node.op, ast.Mod):
            return _safe_mod(left, right)
        sequences = isinstance(left, str | list | tuple) and isinstance(right, type(left))
        if isinstance(node.op, ast.Add) and sequences:
            if len(left) + len(right) > MAX_LENGTH:
                raise ExpressionError(f"the result is too long (more than {MAX_LENGTH} items or characters)")
            if isinstance(left, list | tuple):
                _bounded("joining these lists", [left, right])
        return _BINARY[type(node.op)](left, right)

    def _UnaryOp(self, node: ast.UnaryOp) -> Any:
        return _UNARY[type(node.op)](self.visit(node.operand))

    def _BoolOp(self, node: ast.BoolOp) -> Any:
        value: Any = None
        for part in node.values:
            value = self.visit(part)
            if isinstance(node.op, ast.And) and not value:
                return value
            if isinstance(node.op, ast.Or) and value:
                return value
        return value

    def _Compare(self, node: ast.Compare) -> Any:
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.visit(comparator)
            _check_compare(op, left, right)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def _IfExp(self, node: ast.IfExp) -> Any:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def _Subscript(self, node: ast.Subscript) -> Any:
        container = self.visit(node.value)
        if not isinstance(container, str | list | tuple | dict):
            raise ExpressionError(f"cannot index a {type(container).__name__}{_where(node)}")
        if isinstance(node.slice, ast.Slice):
            parts = [
                self.visit(p) if p is not None else None
                for p in (node.slice.lower, node.slice.upper, node.slice.step)
            ]
            return container[slice(*parts)]
        key = self.visit(node.slice)
        if isinstance(container, dict):
            _bounded("looking up this key", key)
        if isinstance(container, dict) and key not in container:
            keys = ", ".join(repr(k) for k in list(container)[:20])
            raise ExpressionError(f"no key {key!r}{_where(node)} (keys: {keys})")
        return container[key]

    def _List(self, node: ast.List) -> Any:
        return [self.visit(item) for item in node.elts]

    def _Tuple(self, node: ast.Tuple) -> Any:
        return tuple(self.visit(item) for item in node.elts)

    def _Dict(self, node: ast.Dict) -> Any:
        result = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is None:
                continue
            key = self.visit(key_node)
            _bounded("hashing this key", key)  # a nested tuple hashes all of its parts
            result[key] = self.visit(value_node)
        return result

    def _Call(self, node: ast.Call) -> Any:
        args = [self.visit(arg) for arg in node.args]
        if isinstance(node.func, ast.Attribute):  # "text".lower() and friends
            target = self.visit(node.func.value)
            if not isinstance(target, str):
                raise ExpressionError(
                    f".{node.func.attr}() works on text, not {type(target).__name__}{_where(node)}"
                )
            if node.func.attr == "contains":
                _check_compare(ast.In(), args[0] if args else None, target)
            return FUNCTIONS[node.func.attr](target, *args)
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        if name in ("int", "str") and args and isinstance(args[0], str) and len(args[0]) > 4000:
            raise ExpressionError(f"{name}() of text longer than 4000 characters{_where(node)}")
        if name == "contains" and len(args) == 2:
            _check_compare(ast.In(), args[1], args[0])
        try:
            return FUNCTIONS[name](*args)
        except TypeError as exc:
            raise ExpressionError(f"{name}(){_where(node)}: {exc}") from None
        except ValueError as exc:
            raise ExpressionError(f"{name}(){_where(node)}: {exc}") from None


_THOUSANDS = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\d.])")
_PERCENT_OF = re.compile(r"(\d+(?:\.\d+)?)\s*%\s*of\b", re.IGNORECASE)
_PERCENT_SIGN = re.compile(r"(\d+(?:\.\d+)?)\s*%(?!\s*[\d(a-zA-Z_])")


def prepare_calculation(text: str) -> str:
    """Turn calculator-style text into an expression: "17% of 2,340" -> "17/100*2340", ^ -> **.

    Thousands separators are removed only outside parentheses, so max(1,234) keeps two arguments.
    """
    text = text.strip().rstrip("=").strip()
    text = text.replace("^", "**").replace("×", "*").replace("÷", "/").replace("−", "-")
    out: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char in "([":
            if depth == 0:
                out.append(_THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text[start:index]))
                start = index
            depth += 1
        elif char in ")]" and depth > 0:
            depth -= 1
            if depth == 0:
                out.append(text[start : index + 1])
                start = index + 1
    tail = text[start:]
    out.append(tail if depth else _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), tail))
    text = "".join(out)
    text = _PERCENT_OF.sub(lambda m: f"{m.group(1)}/100*", text)
    return _PERCENT_SIGN.sub(lambda m: f"({m.group(1)}/100)", text)
