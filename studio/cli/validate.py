"""`studio validate FILE...`: check flows without running them, one line per problem."""

from __future__ import annotations

import argparse
from typing import Any

from studio.cli.common import EXIT_INVALID_FLOW, EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Check flows without running them; one line per problem."""
    from studio.engine import validate_flow
    from studio.flow import FlowError, load_flow

    worst = EXIT_OK
    for path in args.flows:
        try:
            flow = load_flow(path)
        except FlowError as error:
            print(error.describe())
            worst = EXIT_INVALID_FLOW
            continue
        problems = validate_flow(flow)
        for problem in problems:
            print(f"{path}: {problem}")
        if problems:
            worst = EXIT_INVALID_FLOW
        elif not args.quiet:
            print(f"{path}: ok ({len(flow.nodes)} nodes, {len(flow.edges)} edges)")
    return worst


def add_commands(sub: Any) -> None:
    """Add `studio validate` to the CLI."""
    validate = sub.add_parser("validate", help="check flows without running them")
    validate.add_argument("flows", nargs="+", help="flow files")
    validate.add_argument("--quiet", "-q", action="store_true", help="print problems only")
    validate.set_defaults(handler=cmd_validate)
