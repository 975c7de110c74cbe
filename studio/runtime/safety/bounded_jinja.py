"""A Jinja2 sandbox that bounds work and memory, not only what code may touch.

Jinja's immutable sandbox stops code execution, but `{{ 'x' * 10**10 }}`, `{{ lipsum(10**9) }}`
or two nested `range(100000)` loops still hang the process or eat its memory. This environment:

- refuses, before doing it, any single step that would be too large: repetition (`*`) and
  concatenation (`+`, `~`) by the size of the result (shared parts counted every time they are
  reached), powers and products by the bits of the result, format widths and precisions (`%`,
  `str.format`, `|format`), padding (`center`, `ljust`, `|center`, `|indent`), `lipsum`,
  `|batch`/`|slice` counts, `|round` precision, `|join`/`|sum`/`|list` of too much;
- counts every loop step, call, operator and filter, checking the render's `Budget` (deadline and
  Stop) each time, and refuses more than `MAX_STEPS` of them in one render;
- bounds the output: every `{{ }}` value, every captured block (`{% set %}`, macros, `caller()`)
  and the whole rendered text;
- refuses templates nested too deeply for Jinja's parser or Python's compiler (brackets, blocks,
  filter and operator chains) with a syntax error that says so, before parsing them.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import update_wrapper, wraps
from string import Formatter
from typing import Any

from jinja2 import TemplateSyntaxError
from jinja2 import nodes as jn
from jinja2.exceptions import SecurityError
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from jinja2.utils import generate_lorem_ipsum
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from studio.runtime.safety.budget import Budget, logical_size

__all__ = [
    "MAX_OUTPUT",
    "BoundedEnvironment",
    "render_bounded",
]

MAX_REPEAT = 1_000_000  # characters/items a `*` repetition may make
MAX_OUTPUT = 8_000_000  # characters of rendered text, of one value shown, of one joined string
MAX_INT_BITS = 16_384  # about 4,900 decimal digits
MAX_WIDTH = 100_000  # a format width or precision, a padding width, a batch or slice count
MAX_STEPS = 2_000_000  # loop steps + calls + operators + filters in one render
MAX_LIPSUM_PARAGRAPHS = 100
MAX_LIPSUM_WORDS = 1_000
MAX_ROUND_DIGITS = 400  # beyond this a float has no more digits to round

# Nesting limits: Jinja's parser recurses about 15 frames per bracket, and the Python code a
# template compiles to allows 20 nested loops and 100 levels of indentation.
MAX_BRACKETS = 24
MAX_BLOCKS = 16
MAX_CHAIN = 64  # filters, tests, attribute/index lookups and nesting operators in one tag

_BLOCK_TAGS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "autoescape"})
_CHAIN_TOKENS = frozenset({"pipe", "dot", "lbracket", "add", "sub", "mul", "div", "floordiv", "mod", "pow"})
_CHAIN_NAMES = frozenset({"and", "or", "not", "is", "if"})
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([a-zA-Z%])")
_NUMBER = re.compile(r"\d+")

_local = threading.local()


class _RenderState:
    """What one render may still spend: its budget and its step count."""

    __slots__ = ("budget", "steps")

    def __init__(self, budget: Budget):
        self.budget = budget
        self.steps = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise SecurityError(f"the template did more than {MAX_STEPS:,} steps (loops, calls, filters)")
        self.budget.check()


def _step() -> None:
    state: _RenderState | None = getattr(_local, "state", None)
    if state is not None:
        state.step()


def _refuse(message: str) -> SecurityError:
    return SecurityError(message)


def _check_shown(value: Any, what: str) -> None:
    """Refuse to turn a value into text (or compare, hash, join it) when that is too large."""
    if isinstance(value, str):
        if len(value) > MAX_OUTPUT:
            raise _refuse(f"{what} is longer than {MAX_OUTPUT:,} characters")
    elif (
        isinstance(value, list | tuple | dict | set | frozenset)
        and logical_size(value, MAX_OUTPUT) > MAX_OUTPUT
    ):
        raise _refuse(f"{what} would be longer than {MAX_OUTPUT:,} characters as text")


def _check_width(width: Any, what: str) -> None:
    if isinstance(width, int) and not isinstance(width, bool) and abs(width) > MAX_WIDTH:
        raise _refuse(f"{what} {width} is too large (at most {MAX_WIDTH:,})")


def _check_percent(template: str, args: Any) -> None:
    """`'%5d' % x` and `|format`: widths and precisions bounded, `*` widths refused."""
    total = len(template)
    for match in _PERCENT_SPEC.finditer(template):
        for part in match.group(1, 2):
            if part == "*":
                raise _refuse("a `*` width or precision in % formatting is not allowed in templates")
            if part and part.isdigit():
                _check_width(int(part), "the % format width or precision")
                total += int(part)
    if total > MAX_OUTPUT:
        raise _refuse(f"the % formatting would be longer than {MAX_OUTPUT:,} characters")
    _check_shown(args, "the values given to % formatting")


def _check_spec(spec: str) -> None:
    for number in _NUMBER.findall(spec):
        _check_width(int(number), "the format width or precision")


# -- operators --------------------------------------------------------------------------------


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(count, int) and count > 0:
                # Items made, and (for lists) what showing or comparing them would touch.
                shown = len(seq) if isinstance(seq, str) else logical_size(seq, MAX_OUTPUT)
                if len(seq) * count > MAX_REPEAT or shown * count > MAX_OUTPUT:
                    raise _refuse(f"repeating a value {count} times is too large (over {MAX_REPEAT:,})")
        if (
            isinstance(left, int)
            and isinstance(right, int)
            and left.bit_length() + right.bit_length() > MAX_INT_BITS
        ):
            raise _refuse(f"the product is too large (over {MAX_INT_BITS:,} bits)")
    elif operator == "**":
        big = isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1
        if big and (left.bit_length() - 1) * right > MAX_INT_BITS:
            raise _refuse(f"the power is too large (over {MAX_INT_BITS:,} bits)")
    elif operator == "+":
        if isinstance(left, str) and isinstance(right, str):
            if len(left) + len(right) > MAX_OUTPUT:
                raise _refuse(f"joining these texts is too long (over {MAX_OUTPUT:,} characters)")
        elif (
            isinstance(left, list | tuple)
            and isinstance(right, list | tuple)
            and logical_size(left, MAX_OUTPUT) + logical_size(right, MAX_OUTPUT) > MAX_OUTPUT
        ):
            raise _refuse(f"joining these lists is too large (over {MAX_OUTPUT:,} items)")
    elif operator == "%" and isinstance(left, str):
        _check_percent(left, right)


# -- calls of string methods ------------------------------------------------------------------


def _check_method(method: Any, args: tuple[Any, ...]) -> None:
    """Bound the string (and bytes, int) methods whose result size an argument chooses."""
    owner = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    if isinstance(owner, str | bytes | bytearray):
        if name in ("ljust", "rjust", "center", "zfill") and args:
            _check_width(args[0], f"the .{name}() width")
        elif name == "expandtabs":
            tab = args[0] if args else 8
            tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
            if isinstance(tab, int) and tabs * tab > MAX_OUTPUT:
                raise _refuse(f".expandtabs() would be longer than {MAX_OUTPUT:,} characters")
        elif name == "replace" and len(args) >= 2:
            _check_replace(owner, args[0], args[1], args[2] if len(args) > 2 else -1)
        elif name == "join" and args:
            _check_shown(args[0] if isinstance(args[0], list | tuple) else list(args[0]), ".join() of these")
        elif name == "translate" and args and isinstance(args[0], Mapping):
            longest = max((len(v) for v in args[0].values() if isinstance(v, str)), default=1)
            if len(owner) * longest > MAX_OUTPUT:
                raise _refuse(f".translate() could be longer than {MAX_OUTPUT:,} characters")
    elif isinstance(owner, int) and name == "to_bytes" and args:
        _check_width(args[0], "the .to_bytes() length")


def _check_replace(text: Any, old: Any, new: Any, count: Any) -> None:
    if not (isinstance(text, str | bytes) and isinstance(old, type(text)) and isinstance(new, type(text))):
        return
    hits = text.count(old) if old else len(text) + 1  # type: ignore[arg-type]
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    if len(text) + hits * (len(new) - len(old)) > MAX_OUTPUT:
        raise _refuse(f"replacing would make a text longer than {MAX_OUTPUT:,} characters")


class _BoundedFormatterMixin(Formatter):
    """str.format in templates: each field's width/precision and the total length bounded."""

    _total = 0

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion:
            _check_shown(value, "a formatted value")
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> Any:
        _step()
        _check_spec(format_spec)
        _check_shown(value, "a formatted value")
        result = super().format_field(value, format_spec)
        self._total += len(result)
        if self._total > MAX_OUTPUT:
            raise _refuse(f"the formatted text is longer than {MAX_OUTPUT:,} characters")
        return result


class _BoundedFormatter(_BoundedFormatterMixin, SandboxedFormatter):
    pass


class _BoundedEscapeFormatter(_BoundedFormatterMixin, SandboxedEscapeFormatter):
    pass


# -- filters and globals ----------------------------------------------------------------------


def _materialize(value: Any, what: str) -> list[Any]:
    """A lazy sequence (from |map, |select) as a list, refused as soon as it grows too large."""
    items: list[Any] = []
    total = 0
    for item in value:
        _step()
        total += logical_size(item, MAX_OUTPUT) + 1
        if total > MAX_OUTPUT:
            raise _refuse(f"{what} is too large (over {MAX_OUTPUT:,} characters or items)")
        items.append(item)
    return items


def _check_filter_args(name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Per-filter bounds on the argument that sets the result's size."""

    def arg(position: int, key: str, default: Any = None) -> Any:
        return args[position] if len(args) > position else kwargs.get(key, default)

    if name == "center":
        _check_width(arg(0, "width"), "the |center width")
    elif name == "indent":
        width = arg(0, "width", 4)
        if isinstance(width, str):
            width = len(width)
        _check_width(width, "the |indent width")
        if isinstance(value, str) and isinstance(width, int) and (value.count("\n") + 1) * width > MAX_OUTPUT:
            raise _refuse(f"|indent would make a text longer than {MAX_OUTPUT:,} characters")
    elif name == "format" and isinstance(value, str):
        _check_percent(value, kwargs or args)
    elif name == "replace":
        _check_replace(value, arg(0, "old"), arg(1, "new"), arg(2, "count", -1))
    elif name == "batch":
        _check_width(arg(0, "linecount"), "the |batch size")
    elif name == "slice":
        _check_width(arg(0, "slices"), "the |slice count")
    elif name == "round":
        precision = arg(0, "precision", 0)
        if isinstance(precision, int) and abs(precision) > MAX_ROUND_DIGITS:
            raise _refuse(f"the |round precision {precision} is too large (at most {MAX_ROUND_DIGITS})")
    elif name == "join":
        separator = arg(0, "d", "")
        if isinstance(value, list | tuple) and isinstance(separator, str):
            _check_shown(value, "the joined text")
            if len(separator) * len(value) > MAX_OUTPUT:
                raise _refuse(f"the joined text is longer than {MAX_OUTPUT:,} characters")
    elif name == "sum":
        start = arg(1, "start", 0)
        if not isinstance(start, int | float) or any(isinstance(v, str | list | tuple) for v in value):
            _check_shown(value, "the |sum of these")


# Filters that consume a lazy input whole: materialized (bounded) first.
_MATERIALIZE = frozenset(
    {"list", "join", "sum", "sort", "unique", "min", "max", "reverse", "batch", "slice", "groupby"}
)


def _guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    passes = getattr(func, "jinja_pass_arg", None) is not None
    offset = 1 if passes else 0

    @wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _step()
        if len(args) > offset:
            value = args[offset]
            if name in _MATERIALIZE and not isinstance(value, str | list | tuple | Mapping):
                value = _materialize(value, f"the value given to |{name}")
                args = (*args[:offset], value, *args[offset + 1 :])
            if isinstance(value, list | tuple | dict):
                _check_shown(value, f"the value given to |{name}")
            _check_filter_args(name, value, args[offset + 1 :], kwargs)
        return func(*args, **kwargs)

    return guarded


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    """Jinja's lorem ipsum with its sizes bounded."""
    if not all(isinstance(v, int) for v in (n, min, max)):
        raise _refuse("lipsum() takes whole numbers")
    if n > MAX_LIPSUM_PARAGRAPHS or max > MAX_LIPSUM_WORDS or min > MAX_LIPSUM_WORDS:
        raise _refuse(
            f"lipsum() is limited to {MAX_LIPSUM_PARAGRAPHS} paragraphs of {MAX_LIPSUM_WORDS} words"
        )
    return generate_lorem_ipsum(n, html, min, max)


def _counted(iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        _step()
        yield item


def _guard_iter(iterable: Any) -> Any:
    """What a `{% for %}` loops over, counted (and its budget checked) at every step."""
    if getattr(_local, "state", None) is None:
        return iterable
    return _counted(iterable)


def _guard_concat(*parts: Any) -> str:
    """`a ~ b`: each part and the result bounded before it is built."""
    total = 0
    for part in parts:
        _check_shown(part, "a value joined with ~")
        total += len(part) if isinstance(part, str) else logical_size(part, MAX_OUTPUT)
    if total > MAX_OUTPUT:
        raise _refuse(f"joining with ~ makes a text longer than {MAX_OUTPUT:,} characters")
    return "".join(str(part) for part in parts)


def _bounded_concat(parts: Iterable[str]) -> str:
    """Joins captured output ({% set %} blocks, macros, caller()): bounded like the whole."""
    items = parts if isinstance(parts, list) else list(parts)
    if sum(map(len, items)) > MAX_OUTPUT:
        raise _refuse(f"a block of the template is longer than {MAX_OUTPUT:,} characters")
    return "".join(items)


def _finalize(value: Any) -> Any:
    """Every `{{ }}` value, before it becomes text."""
    _step()
    _check_shown(value, "a value shown")
    return value


# -- nesting ----------------------------------------------------------------------------------


def nesting_problem(env: Any, source: str) -> tuple[int, str] | None:
    """(line, message) when a template nests deeper than the parser and compiler can take."""
    brackets = blocks = chain = 0
    tag_start = False
    in_set = False
    try:
        # The token stream the parser reads (operators already named: `pipe`, `lparen`, ...).
        tokens = [(t.lineno, t.type, t.value) for t in env.lexer.tokenize(source)]
    except TemplateSyntaxError:
        return None  # the parser reports it, with its own message
    for line, kind, value in tokens:
        if kind in ("lparen", "lbracket", "lbrace"):
            brackets += 1
            if brackets > MAX_BRACKETS:
                return line, f"brackets are nested more than {MAX_BRACKETS} deep"
        elif kind in ("rparen", "rbracket", "rbrace"):
            brackets = max(0, brackets - 1)
        if kind in ("block_begin", "variable_begin"):
            tag_start, chain, in_set = kind == "block_begin", 0, False
            continue
        if kind in ("block_end", "variable_end") and in_set:
            blocks += 1  # `{% set x %}...{% endset %}`: a block
            in_set = False
        if tag_start and kind == "name":
            tag_start = False
            if value in _BLOCK_TAGS:
                blocks += 1
                if blocks > MAX_BLOCKS:
                    return (
                        line,
                        f"blocks ({{% {value} %}} and the like) are nested more than {MAX_BLOCKS} deep",
                    )
                continue
            if value.startswith("end"):
                blocks = max(0, blocks - 1)
                continue
            in_set = value == "set"
            continue
        tag_start = False
        if kind == "assign":
            in_set = False
        if kind in _CHAIN_TOKENS or (kind == "name" and value in _CHAIN_NAMES):
            chain += 1
            if chain > MAX_CHAIN:
                return line, (
                    f"one expression chains more than {MAX_CHAIN} filters, lookups and operators; "
                    "split it with {% set %}"
                )
    return None


class _Guard(NodeTransformer):
    """Routes every `{% for %}` iterable and every `~` through the bounded helpers."""

    def visit_For(self, node: jn.For) -> jn.Node:
        self.generic_visit(node)
        node.iter = jn.Call(
            jn.EnvironmentAttribute("studio_iter", lineno=node.lineno),
            [node.iter],
            [],
            None,
            None,
            lineno=node.lineno,
        )
        return node

    def visit_Concat(self, node: jn.Concat) -> jn.Node:
        self.generic_visit(node)
        return jn.Call(
            jn.EnvironmentAttribute("studio_concat", lineno=node.lineno),
            list(node.nodes),
            [],
            None,
            None,
            lineno=node.lineno,
        )


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox with every size, step and nesting bounded (see the module doc)."""

    # All of them, so that none is folded at compile time without the checks.
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def __init__(self, **options: Any):
        super().__init__(finalize=_finalize, **options)
        self.globals["lipsum"] = _lipsum
        self.filters = {name: _guard_filter(name, func) for name, func in self.filters.items()}
        self.concat = _bounded_concat  # type: ignore[method-assign]
        self.studio_iter = _guard_iter
        self.studio_concat = _guard_concat

    def _parse(self, source: str, name: str | None, filename: str | None) -> jn.Template:
        problem = nesting_problem(self, source)
        if problem is not None:
            raise TemplateSyntaxError(problem[1], problem[0], name, filename)
        try:
            return super()._parse(source, name, filename)
        except RecursionError:
            raise TemplateSyntaxError("the template is nested too deeply", 1, name, filename) from None

    def _generate(self, source: jn.Template, *args: Any, **kwargs: Any) -> str:
        _Guard().visit(source)
        source.set_environment(self)
        return super()._generate(source, *args, **kwargs)

    def _compile(self, source: str, filename: str) -> Any:
        try:
            return super()._compile(source, filename)
        except (SyntaxError, RecursionError, MemoryError):
            # Python's own limits (nesting, indentation) on the code a template compiles to.
            raise TemplateSyntaxError("the template is nested too deeply", 1) from None

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Refuse too-large results of operators before computing them."""
        _step()
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Every call from a template: counted, and size-choosing string methods bounded."""
        _step()
        _check_method(__obj, args)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """`str.format` / `format_map` through a formatter that bounds widths and length."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        f_self: str = value.__self__
        str_type = type(f_self)
        is_format_map = value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            formatter: Formatter
            if isinstance(f_self, Markup):
                formatter = _BoundedEscapeFormatter(self, escape=f_self.escape)
            else:
                formatter = _BoundedFormatter(self)
            if is_format_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                kwargs, args = args[0], ()
            return str_type(formatter.vformat(f_self, args, kwargs))

        return update_wrapper(wrapper, value)


def render_bounded(template: Any, context: Mapping[str, Any], budget: Budget) -> str:
    """Render a compiled template within `budget` and the output bound; raises on either."""
    previous = getattr(_local, "state", None)
    _local.state = state = _RenderState(budget)
    try:
        parts: list[str] = []
        total = 0
        for chunk in template.generate(**context):
            total += len(chunk)
            if total > MAX_OUTPUT:
                raise _refuse(f"the rendered text is longer than {MAX_OUTPUT:,} characters")
            parts.append(chunk)
            state.budget.check()
        return "".join(parts)
    finally:
        _local.state = previous


def compile_bounded(env: BoundedEnvironment, source: str, budget: Budget) -> Any:
    """Compile a template with the budget active (constant folding runs filters at compile time)."""
    previous = getattr(_local, "state", None)
    _local.state = _RenderState(budget)
    try:
        return env.from_string(source)
    finally:
        _local.state = previous
