"""The `studio` command: run, validate and inspect flows headless, or open the Studio.

One module per command group (`run`, `validate`, `nodes`, `batch`, `chat`, `kb`, `gui`), each
with an `add_commands(subparsers)`; `common` holds exit codes, input parsing and flow loading;
`parser` assembles them. Start-up matters here: only the standard library is imported at module
level, and a subcommand imports what it needs (running a local-model flow never imports litellm,
lancedb or Qt).
"""

from __future__ import annotations

import os
import sys

from studio.cli.common import EXIT_CANCELLED, CliError

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `studio` command."""
    from studio.cli.parser import build_parser

    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
        return code
    except CliError as error:
        print(str(error), file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        return EXIT_CANCELLED


def gui_main() -> int:
    """Entry point of the `chain-studio` launcher."""
    return main(["gui", *sys.argv[1:]])
