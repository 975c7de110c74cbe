"""`studio mcp PATH...`: the flows of files and folders as MCP tools, over stdio (for desktop AI
clients) or streamable HTTP (`--http`, on 127.0.0.1 unless `--host` says otherwise, every request
needing `Authorization: Bearer KEY`). The mcp SDK and uvicorn are imported only when it runs.

Over stdio, stdout is the protocol: everything this command says goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Any

from studio.cli.common import EXIT_BAD_INPUT, EXIT_OK, CliError

__all__ = ["add_commands", "cmd_mcp"]


def add_commands(sub: Any) -> None:
    """Add `studio mcp` to the CLI."""
    mcp = sub.add_parser(
        "mcp",
        help="serve flows as MCP tools (stdio, or streamable HTTP with --http)",
        description="Serve the flows of files and folders as MCP tools: each flow is a tool named by "
        "its id, taking the flow's inputs. stdio by default; --http serves streamable HTTP at /mcp "
        "(every request needs 'Authorization: Bearer KEY').",
    )
    mcp.add_argument("paths", nargs="+", metavar="PATH", help="flow files (.json) or folders of them")
    mcp.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    mcp.add_argument("--host", default="127.0.0.1", help="with --http: address to listen on (127.0.0.1)")
    mcp.add_argument("--port", type=int, default=8322, help="with --http: port (8322; 0 picks a free one)")
    mcp.add_argument(
        "--allow-code", action="store_true", help="also serve flows with code or side-effect tools"
    )
    mcp.add_argument("--allow-mcp", action="store_true", help="let flows start the MCP servers they name")
    mcp.set_defaults(handler=cmd_mcp)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def cmd_mcp(args: argparse.Namespace) -> int:
    """Serve flows as MCP tools until the client leaves (stdio) or the server is stopped (HTTP)."""
    from studio.server.catalogue import FlowCatalogue

    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CliError(f"{missing[0]}: no such file or folder", EXIT_BAD_INPUT)
    extras = {"allow_mcp": True} if args.allow_mcp else {}
    catalogue = FlowCatalogue(paths, allow_code=args.allow_code, extras=extras)
    flows = catalogue.list()
    if not flows:
        raise CliError(f"no flow files (.json) in {', '.join(args.paths)}", EXIT_BAD_INPUT)
    served = 0
    for flow in flows:
        if flow.error:
            _say(f"  {flow.id}  (not loaded: {flow.error})")
        elif flow.needs_code and not args.allow_code:
            _say(f"  {flow.id}  (not served: code or side-effect tools; --allow-code serves it)")
        else:
            served += 1
            _say(f"  {flow.id}")
    if args.http:
        return _serve_http(catalogue, args, served)
    import anyio

    from studio.server.mcp_server import serve_stdio

    _say(f"serving {served} flow(s) as MCP tools on stdio")
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C in a terminal: stop quietly
        anyio.run(serve_stdio, catalogue)
    return EXIT_OK


def _serve_http(catalogue: Any, args: argparse.Namespace, served: int) -> int:
    from studio.cli.serve import _bind, _is_loopback
    from studio.server.auth import resolve_api_key
    from studio.server.mcp_server import serve_http

    if not _is_loopback(args.host):
        _say(
            f"warning: listening on {args.host}, which other machines can reach; "
            "anyone with the key can run the flows"
        )
    key = resolve_api_key(announce=_say)
    assert key is not None  # generate=True always gives one
    sock = _bind(args.host, args.port)
    port = sock.getsockname()[1]
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"serving {served} flow(s) as MCP tools on http://{shown}:{port}/mcp", flush=True)
    try:
        serve_http(catalogue, key, sock, args.host)
    finally:
        sock.close()
    _say("stopped")
    return EXIT_OK
