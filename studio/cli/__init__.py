"""The `studio` command: run, validate and inspect flows headless, or open the Studio.

One module per command group (`run`, `validate`, `nodes`, `batch`, `chat`, `kb`, `gui`), each
with an `add_commands(subparsers)`; `common` holds exit codes, input parsing and flow loading;
`parser` assembles them. Start-up matters here: only the standard library is imported at module
level, and a subcommand imports what it needs (running a local-model flow never imports litellm,
lancedb or Qt).
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
from typing import Any

from studio.cli.common import EXIT_BROKEN_PIPE, EXIT_CANCELLED, CliError

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

# The error handler of stdout and stderr (see _printable_streams).
PRINT_ERRORS = "studio.printable"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `studio` command."""
    from studio.cli.parser import build_parser

    _printable_streams()
    try:
        code = _dispatch(build_parser().parse_args(argv))
        # Flush here, not at exit: a reader that went away (`| head -1`) must end up below, not
        # as "Exception ignored ... BrokenPipeError" when Python flushes at exit.
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The conventional way out when the reader of stdout has gone: quietly, with the status
        # a process killed by SIGPIPE reports, and stdout pointed at devnull so that the final
        # flush at exit cannot fail again.
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _dispatch(args: Any) -> int:
    try:
        code: int = args.handler(args)
        return code
    except CliError as error:
        print(str(error), file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        return EXIT_CANCELLED


def _printable_streams() -> None:
    """Text the terminal's encoding cannot show never ends a command with UnicodeEncodeError:
    bytes that were not UTF-8 on the command line go out as they came (surrogate escapes), any
    other unprintable character (a lone surrogate in a flow file) as a backslash escape."""
    try:
        codecs.lookup_error(PRINT_ERRORS)
    except LookupError:
        codecs.register_error(PRINT_ERRORS, _escape_unencodable)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(Exception):  # a replaced stream (tests) may refuse
                reconfigure(errors=PRINT_ERRORS)


def _escape_unencodable(error: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = bytearray()
    for char in error.object[error.start : error.end]:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
            out.append(code - 0xDC00)
        else:
            out += char.encode("ascii", "backslashreplace")
    return bytes(out), error.end


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout without a file descriptor (tests)
        pass


def gui_main() -> int:
    """Entry point of the `chain-studio` launcher."""
    return main(["gui", *sys.argv[1:]])
