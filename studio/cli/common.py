"""What every `studio` subcommand shares: exit codes, the user-error type, input parsing, loading.

Only the standard library is imported here, so that `studio --help` starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studio.engine import CompiledFlow
    from studio.flow import Flow

# Exit codes, distinct so that scripts can tell what went wrong.
EXIT_OK = 0
EXIT_INVALID_FLOW = 1
EXIT_BAD_INPUT = 2
EXIT_NODE_FAILED = 3
EXIT_CANCELLED = 130
# The reader of stdout went away (`studio nodes | head -1`): 128 + SIGPIPE, as a shell reports it.
EXIT_BROKEN_PIPE = 141


class CliError(Exception):
    """A problem with what the user typed; printed without a traceback."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT):
        super().__init__(message)
        self.code = code


def read_value(text: str, what: str) -> str:
    """`@path` reads a file (`@-` reads standard input); anything else is the value itself."""
    if not text.startswith("@"):
        return text
    name = text[1:]
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"{what}: file not found: {name}") from None
    except UnicodeDecodeError:
        raise CliError(f"{what}: {name} is not UTF-8 text") from None
    except OSError as error:
        raise CliError(f"{what}: cannot read {name}: {error.strerror}") from None


def parse_inputs(pairs: list[str], inputs_json: str | None) -> dict[str, Any]:
    """Inputs from `--inputs JSON|@file.json` then `--input k=v|k=@file` (later ones win)."""
    values: dict[str, Any] = {}
    if inputs_json:
        text = read_value(inputs_json, "--inputs")
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as error:
            raise CliError(f"--inputs: not valid JSON ({error.msg} at line {error.lineno})") from None
        if not isinstance(loaded, dict):
            raise CliError('--inputs: expected a JSON object such as {"topic": "..."}')
        values.update(loaded)
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CliError(f"--input {pair!r}: expected NAME=VALUE or NAME=@FILE")
        values[name.strip()] = read_value(value, f"--input {name}")
    return values


def check_flow_file(path: str, *, secrets: bool = True) -> tuple[Flow | None, list[str]]:
    """Every problem of a flow file in one pass, as printable lines naming the file.

    The flow comes back only when the file itself is valid; the lines are what `validate` prints
    (`secrets`: with any key-shaped text the file holds) and what keeps `run` from starting.
    Reading never hangs or crashes, whatever the path points at.
    """
    from studio.engine.graph import validate_data
    from studio.flow import FlowError
    from studio.flow.errors import printable
    from studio.flow.io import read_flow_data

    try:
        raw = read_flow_data(path)
    except FlowError as error:
        return None, list(error.lines())
    flow, problems = validate_data(raw, secrets=secrets)
    prefix = printable(path)
    return flow, [f"{prefix}: {problem}" for problem in problems]


def load_flow_or_fail(path: str) -> Flow:
    """Load a flow file; if it is invalid, a CliError (exit 1) lists all its problems at once."""
    from studio.flow import FlowError, load_flow

    try:
        return load_flow(path)
    except FlowError as error:
        lines = check_flow_file(path, secrets=False)[1] or list(error.lines())
        raise CliError("\n".join(lines), EXIT_INVALID_FLOW) from None


def compile_or_fail(path: str) -> tuple[Flow, CompiledFlow]:
    """Load and compile a flow file; any problem with it becomes a CliError (exit 1)."""
    from studio.engine import compile_flow
    from studio.flow import FlowError

    flow = load_flow_or_fail(path)
    try:
        return flow, compile_flow(flow)
    except FlowError as error:
        error.source = path
        raise CliError(error.describe(), EXIT_INVALID_FLOW) from None
