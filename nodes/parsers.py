"""Parser nodes: pull JSON, regex matches and lists out of what a model wrote.

Model output is untidy: JSON arrives fenced in ```json blocks, wrapped in prose, with trailing
commas or Python spellings; lists arrive as bullets, numbers or comma-separated lines, in English
or Chinese. These nodes repair what can be repaired safely (never by evaluating code) and name
what was wrong otherwise.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.runtime.json_schema import schema_errors, schema_problem

__all__ = [
    "JsonParserNode",
    "ListParserNode",
    "RegexExtractNode",
    "compile_pattern",
    "parse_json_text",
    "parse_list",
]

# A regex runs on at most this many characters, and for at most this long (with the `regex`
# module; stdlib `re` cannot be interrupted, so the length cap is then the only guard).
MAX_REGEX_INPUT = 1_000_000
REGEX_TIMEOUT_S = 2.0
_MAX_CANDIDATES = 20


def snippet(text: str, start: int = 0, width: int = 60) -> str:
    """A short one-line excerpt of `text` around `start`, for error messages."""
    begin = max(0, start - width // 2)
    piece = " ".join(text[begin : begin + width].split())
    prefix = "…" if begin > 0 else ""
    suffix = "…" if begin + width < len(text) else ""
    return f"{prefix}{piece}{suffix}"


# --------------------------------------------------------------------------------------- JSON


_STRINGS = {q: re.compile(rf"{q}[^{q}\\]*(?:\\.[^{q}\\]*)*{q}", re.DOTALL) for q in ("'", '"')}


def _string_end(text: str, start: int) -> int:
    """Index just past the string literal opening at `start` (or len(text) when unterminated)."""
    match = _STRINGS[text[start]].match(text, start)
    return match.end() if match else len(text)


def _balanced_end(text: str, start: int) -> int | None:
    """Index just past the bracket closing the one at `start`, or None when it never closes."""
    pairs = {"{": "}", "[": "]"}
    stack: list[str] = []
    i = start
    while i < len(text):
        char = text[i]
        if char in "\"'":
            i = _string_end(text, i)
            continue
        if char in pairs:
            stack.append(pairs[char])
        elif char in "}]":
            if not stack or stack.pop() != char:
                return None
            if not stack:
                return i + 1
        i += 1
    return None


def _single_to_double(body: str) -> str:
    """The body of a single-quoted string as the body of a JSON double-quoted one."""
    out = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append("'" if nxt == "'" else char + nxt)
            i += 2
            continue
        out.append('\\"' if char == '"' else char)
        i += 1
    return "".join(out)


_PYTHON_WORDS = {"True": "true", "False": "false", "None": "null"}
_WORD = re.compile(r"[A-Za-z_$][\w$]*")
_CLOSER_AHEAD = re.compile(r"\s*[}\]]")
_COLON_AHEAD = re.compile(r"\s*:")
_PLAIN = re.compile(r"[^\"'/,A-Za-z_$]+")


def repair_json(text: str) -> str:
    """Rewrite common non-JSON spellings, outside string literals only.

    Handles single-quoted strings, True/False/None, unquoted object keys, trailing commas and
    // or /* */ comments. Nothing is evaluated.
    """
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == '"':
            end = _string_end(text, i)
            out.append(text[i:end])
            i = end
        elif char == "'":
            end = _string_end(text, i)
            closed = end <= n and text[end - 1] == "'" and end - 1 > i
            body = text[i + 1 : end - 1] if closed else text[i + 1 :]
            out.append('"' + _single_to_double(body) + '"')
            i = end
        elif text.startswith("//", i):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close < 0 else close + 2
        elif char == ",":
            if not _CLOSER_AHEAD.match(text, i + 1):
                out.append(char)
            i += 1
        elif char.isalpha() or char in "_$":
            word = _WORD.match(text, i)
            token = word.group() if word else char
            end = i + len(token)
            if token in _PYTHON_WORDS:
                out.append(_PYTHON_WORDS[token])
            elif _COLON_AHEAD.match(text, end) and token not in ("true", "false", "null"):
                out.append(json.dumps(token))
            else:
                out.append(token)
            i = end
        else:
            plain = _PLAIN.match(text, i)  # copy a run of ordinary characters in one go
            end = plain.end() if plain else i + 1
            out.append(text[i:end])
            i = end
    return "".join(out)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _loads(text: str) -> Any:
    return json.loads(text, parse_constant=_reject_constant)


_FENCE = re.compile(r"```[ \t]*[\w+-]*[ \t]*\r?\n(.*?)(?:```|\Z)", re.DOTALL)


def _candidates(text: str) -> Iterator[tuple[int, str]]:
    """Places JSON may start in `text`, with the text from there to its closing bracket."""
    for match in _FENCE.finditer(text):
        body = match.group(1).strip()
        if body[:1] in ("{", "["):
            yield match.start(1), body
    for count, match in enumerate(re.finditer(r"[{\[]", text)):
        if count >= _MAX_CANDIDATES:
            return
        end = _balanced_end(text, match.start())
        yield match.start(), text[match.start() : end] if end else text[match.start() :]


def parse_json_text(text: str) -> Any:
    """Find and parse the JSON value in model output; ValueError says what was wrong."""
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        raise ValueError("the text is empty, expected JSON")
    try:
        return _loads(stripped)
    except ValueError:
        pass
    first_error: tuple[str, Exception] | None = None
    for _, candidate in _candidates(stripped):
        try:
            return _loads(candidate)
        except ValueError:
            pass
        repaired = repair_json(candidate)
        try:
            return _loads(repaired)
        except ValueError as error:
            # Report the first candidate's problem as it stands after repair: what is left.
            first_error = first_error or (repaired, error)
    if first_error is None:
        raise ValueError(f"no JSON object or array found in: {snippet(stripped)!r}")
    attempt, problem = first_error
    if isinstance(problem, json.JSONDecodeError):
        raise ValueError(_describe(attempt, problem))
    raise ValueError(str(problem))


def _describe(attempt: str, error: json.JSONDecodeError) -> str:
    """A JSON error with its position, a hint for cut-off output and a snippet."""
    depth_left = _balanced_end(attempt, 0) is None and attempt[:1] in "{["
    if depth_left and error.pos >= len(attempt.rstrip()) - 1:
        where = snippet(attempt, error.pos)
        return f"the JSON is cut off (a closing bracket is missing): {where!r}"
    return (
        f"not valid JSON at line {error.lineno}, column {error.colno} ({error.msg}): "
        f"{snippet(attempt, error.pos)!r}"
    )


# pydantic warns that a field called `schema` shadows BaseModel.schema (a deprecated alias of
# model_json_schema); the name is what users see and save, so keep it and silence the warning.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message='Field name "schema"', category=UserWarning)

    class JsonParserConfig(NodeConfig):
        """Settings of the JSON Parser."""

        schema: dict[str, Any] | None = setting(  # type: ignore[assignment]
            None,
            description="Optional JSON schema the value must match (required keys, types).",
            widget="json",
        )
        strict: bool = setting(
            True,
            description="Fail the node on bad JSON. When off, output null and the reason on `error`.",
        )


class JsonParserNode(Node):
    """Parse (and tidy) the JSON a model wrote, optionally checking it against a schema."""

    type = "parse.json"
    version = 1
    title = "JSON Parser"
    category = "Parsers"
    description = (
        "Reads JSON from model output: strips ```json fences and surrounding prose, fixes trailing "
        "commas, single quotes, True/False/None and unquoted keys. Optionally checks a JSON schema."
    )

    Config = JsonParserConfig
    inputs = (Port("text", PortType.TEXT, "Text containing JSON"),)
    outputs = (
        Port("json", PortType.JSON, "The parsed value (null when parsing failed and not strict)"),
        Port("error", PortType.TEXT, "What was wrong, or empty"),
    )
    run_in_thread = True  # repairing a large, broken reply can take a while

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        """A schema that is not a valid JSON schema."""
        schema = getattr(config, "schema", None)
        if schema is None:
            return []
        problem = schema_problem(schema)
        return [f"schema: not a valid JSON schema: {problem}"] if problem else []

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        """Parse, then validate; fail or report on `error` depending on `strict`."""
        text = inputs.get("text")
        if text is None:
            message = "text: no input, expected JSON"
        elif not isinstance(text, str):
            return self._validated(text)  # already a value (fed from an `any` port)
        else:
            try:
                return self._validated(parse_json_text(text))
            except ValueError as error:
                message = f"text: {error}"
            except NodeError as error:
                message = str(error)
        if self.config.strict:  # type: ignore[attr-defined]
            raise NodeError(message)
        return {"json": None, "error": message}

    def _validated(self, value: Any) -> dict[str, Any]:
        schema: dict[str, Any] | None = getattr(self.config, "schema", None)
        if schema is not None:
            errors = schema_errors(value, schema)
            if errors:
                more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
                message = "schema: the JSON does not match: " + "; ".join(errors[:3]) + more
                if self.config.strict:  # type: ignore[attr-defined]
                    raise NodeError(message)
                return {"json": None, "error": message}
        return {"json": value, "error": ""}


# -------------------------------------------------------------------------------------- regex


def _regex_module() -> Any:
    """The `regex` module (interruptible, via litellm's tiktoken) when present, else `re`."""
    try:
        import regex
    except ImportError:
        return re
    return regex


def compile_pattern(
    field: str,
    pattern: str,
    *,
    ignorecase: bool = False,
    multiline: bool = False,
    dotall: bool = False,
) -> Any:
    """Compile a user's pattern; a bad one is a NodeError naming `field` and the position."""
    module = _regex_module()
    flags = (
        (module.IGNORECASE if ignorecase else 0)
        | (module.MULTILINE if multiline else 0)
        | (module.DOTALL if dotall else 0)
    )
    try:
        return module.compile(pattern, flags)
    except module.error as error:
        position = getattr(error, "pos", None)
        reason = getattr(error, "msg", None) or str(error)
        where = f" at position {position}" if position is not None else ""
        raise NodeError(f"{field}: not a valid regular expression{where}: {reason}") from None


def guarded_finditer(
    compiled: Any, text: str, *, text_field: str = "text", pattern_field: str = "pattern"
) -> list[Any]:
    """All matches, refusing huge inputs and (with `regex`) patterns that run away."""
    if len(text) > MAX_REGEX_INPUT:
        raise NodeError(
            f"{text_field}: the input has {len(text):,} characters; regular expressions run on at "
            f"most {MAX_REGEX_INPUT:,}"
        )
    try:
        if not isinstance(compiled, re.Pattern):  # a `regex` pattern: interruptible
            return list(compiled.finditer(text, timeout=REGEX_TIMEOUT_S, concurrent=True))
        return list(compiled.finditer(text))
    except TimeoutError:
        raise NodeError(
            f"{pattern_field}: gave up after {REGEX_TIMEOUT_S:g} s (the pattern backtracks too much; "
            "avoid nested repeats such as (a+)+)"
        ) from None


class RegexExtractNode(Node):
    """Extract text with a regular expression."""

    type = "parse.regex"
    version = 1
    title = "Regex Extract"
    category = "Parsers"
    description = (
        "Finds a regular expression in the text. `match` is the first match (empty when none), "
        "`matches` every match (or just the first unless 'all matches' is on)."
    )

    class Config(NodeConfig):
        pattern: str = setting(r"\d+", description="A Python regular expression.")
        group: int | str = setting(
            0,
            description="0 = the whole match; 1, 2, ... = that parenthesised group; "
            "or a group name from (?P<name>...).",
        )
        all_matches: bool = setting(False, description="Put every match on `matches`.")
        ignorecase: bool = setting(False, title="Ignore case")
        multiline: bool = setting(False, description="^ and $ match at every line.")
        dotall: bool = setting(False, description=". matches newlines too.")

    inputs = (Port("text", PortType.TEXT, "Text to search"),)
    outputs = (
        Port("match", PortType.TEXT, "The first match, or empty"),
        Port("matches", PortType.JSON, "List of matched strings"),
    )

    @classmethod
    def _compiled(cls, config: Any) -> Any:
        compiled = compile_pattern(
            "pattern",
            config.pattern,
            ignorecase=config.ignorecase,
            multiline=config.multiline,
            dotall=config.dotall,
        )
        group = config.group
        if isinstance(group, str) and group.isdigit():
            group = int(group)
        if isinstance(group, int):
            if group < 0 or group > compiled.groups:
                raise NodeError(
                    f"group: the pattern has {compiled.groups} group(s), there is no group {group}"
                )
        elif group not in compiled.groupindex:
            names = ", ".join(compiled.groupindex) or "none"
            raise NodeError(f"group: the pattern has no group named {group!r} (named groups: {names})")
        return compiled, group

    @classmethod
    def check(cls, config: NodeConfig) -> list[str]:
        """A pattern that does not compile, or a group it does not have."""
        try:
            cls._compiled(config)
        except NodeError as error:
            return [str(error)]
        return []

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        """Search the text."""
        compiled, group = self._compiled(self.config)
        text = inputs.get("text") or ""
        found = guarded_finditer(compiled, str(text))
        values = [m.group(group) or "" for m in found]
        if not self.config.all_matches:  # type: ignore[attr-defined]
            values = values[:1]
        return {"match": values[0] if values else "", "matches": values}


# --------------------------------------------------------------------------------------- list

_BULLET = re.compile(
    r"""^\s*(?:
        [-*+•·▪●○◦‣⁃–—]\s+(?:\[[ xX]\]\s+)?   # bullets, with an optional markdown checkbox
      | [-*+•·▪●○◦‣⁃](?=\S)(?![-*+])         # bullets glued to the text ("•apple")
      | \d{1,3}[.)、．:：](?!\d)\s*          # 1.  1)  1、 (not 3.14)
      | [(（]\d{1,3}[)）]\s*                  # (1)  （1）
      | [(（][a-zA-Z][)）]\s*                 # (a)
      | [a-zA-Z][.)]\s+                       # a.  a)
      | [一二三四五六七八九十]{1,3}[、.．]\s*  # 一、
      | 第[一二三四五六七八九十\d]{1,3}[，,、:：]\s*  # 第一，
    )""",
    re.VERBOSE,
)
# Split one line on commas (not inside numbers like 1,000), semicolons and Chinese separators.
_INLINE_SEPARATORS = re.compile(r"(?<!\d),|,(?!\d)|[;、，；]")
_JOINERS = re.compile(r"^(?:and|or|&|以及|和|及|或)\s*", re.IGNORECASE)
_TRIM = " \t\"'“”‘’`,;，；、"


def _clean(item: str) -> str:
    return item.strip().strip(_TRIM).strip()


def parse_list(text: str) -> list[str]:
    """Items of a bulleted, numbered, line-per-item or comma-separated list.

    A fenced block or a JSON list is used as such. When some lines carry a bullet or number, only
    those are items: unmarked lines before them (an introduction) or after a blank line (a
    closing remark) are dropped, and unmarked lines right under an item continue it. Otherwise
    each non-empty line is an item (a first line ending in ':' introduces them and is dropped),
    and a single line is split on , ; 、 ， ；.
    """
    stripped = text.strip()
    fence = _FENCE.search(stripped)
    if fence:  # a fenced block holds the list; prose around it is commentary
        stripped = fence.group(1).strip()
    if stripped.startswith("["):
        try:
            value = parse_json_text(stripped)
        except ValueError:
            value = None
        if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
            return [str(v) for v in value]
    lines = stripped.splitlines()
    if any(_BULLET.match(line) for line in lines):
        items: list[str] = []
        open_item = False
        for line in lines:
            marker = _BULLET.match(line)
            if marker:
                items.append(line[marker.end() :])
                open_item = True
            elif not line.strip():
                open_item = False
            elif open_item:
                items[-1] += " " + line.strip()
        return [c for c in (_clean(item) for item in items) if c]
    non_empty = [line for line in lines if line.strip()]
    if len(non_empty) > 1 and non_empty[0].rstrip().endswith((":", "：")):
        non_empty = non_empty[1:]  # "Here are some colours:" introduces the list
    if len(non_empty) == 1:
        parts = _INLINE_SEPARATORS.split(non_empty[0])
        return [c for c in (_clean(_JOINERS.sub("", _clean(p))) for p in parts) if c]
    return [c for c in (_clean(line) for line in non_empty) if c]


class ListParserNode(Node):
    """Turn a bulleted, numbered or comma-separated list into a JSON list of strings."""

    type = "parse.list"
    version = 1
    title = "List Parser"
    category = "Parsers"
    description = (
        "Reads a list a model wrote: bullets (- * •), numbers (1. 1) (a) 一、), one item per "
        "line, or comma-separated (also 、，；). Introductions before the list are dropped."
    )
    inputs = (Port("text", PortType.TEXT, "Text containing a list"),)
    outputs = (
        Port("items", PortType.JSON, "The items, as a list of strings"),
        Port("count", PortType.NUMBER, "How many items"),
    )
    run_in_thread = False

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        """Parse the list."""
        text = inputs.get("text")
        items = parse_list(text if isinstance(text, str) else "" if text is None else str(text))
        return {"items": items, "count": len(items)}
