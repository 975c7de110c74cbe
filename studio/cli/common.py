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


def load_flow_or_fail(path: str) -> Flow:
    """Load a flow file, turning any problem with it into a CliError (exit 1)."""
    from studio.flow import FlowError, load_flow

    try:
        return load_flow(path)
    except FlowError as error:
        raise CliError(error.describe(), EXIT_INVALID_FLOW) from None


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
