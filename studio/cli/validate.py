"""`studio validate FILE...`: check flows without running them, one line per problem."""

from __future__ import annotations

import argparse
from typing import Any

from studio.cli.common import EXIT_INVALID_FLOW, EXIT_OK, check_flow_file


def cmd_validate(args: argparse.Namespace) -> int:
    """Check flows without running them; every problem of each file, one line each.

    Exit 0 when every file is valid, 1 when any has a problem (or cannot be read at all).
    """
    from studio.flow.errors import printable

    worst = EXIT_OK
    for path in args.flows:
        flow, lines = check_flow_file(path)
        for line in lines:
            print(line)
        if lines:
            worst = EXIT_INVALID_FLOW
        elif flow is not None and not args.quiet:
            print(f"{printable(path)}: ok ({len(flow.nodes)} nodes, {len(flow.edges)} edges)")
    return worst


def add_commands(sub: Any) -> None:
    """Add `studio validate` to the CLI."""
    validate = sub.add_parser("validate", help="check flows without running them")
    validate.add_argument("flows", nargs="+", help="flow files")
    validate.add_argument("--quiet", "-q", action="store_true", help="print problems only")
    validate.set_defaults(handler=cmd_validate)
