"""`studio serve PATH...`: the flows of files and folders as an HTTP API (REST, SSE, OpenAI-compatible).

Binds 127.0.0.1 unless `--host` says otherwise, and every request needs the API key
(`Authorization: Bearer KEY`; see studio/server/auth.py for where the key comes from). SIGTERM or
Ctrl+C stops accepting connections, lets runs finish for `--shutdown-grace` seconds, stops the rest
and writes every run's record. fastapi and uvicorn are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import gc
import socket
import sys
from pathlib import Path
from typing import Any

from studio.cli.common import EXIT_BAD_INPUT, EXIT_OK, CliError

__all__ = ["add_commands", "cmd_serve"]


def add_commands(sub: Any) -> None:
    """Add `studio serve` to the CLI."""
    serve = sub.add_parser(
        "serve",
        help="serve flows as an HTTP API (REST, SSE, OpenAI-compatible)",
        description="Serve the flows of files and folders over HTTP: POST /api/v1/flows/ID/run, "
        "GET /api/v1/flows, OpenAI-compatible /v1/chat/completions and /v1/models, docs at /docs. "
        "Every request needs 'Authorization: Bearer KEY'.",
    )
    serve.add_argument("paths", nargs="+", metavar="PATH", help="flow files (.json) or folders of them")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8321, help="port (default 8321; 0 picks a free one)")
    serve.add_argument(
        "--allow-code", action="store_true", help="also serve flows with code or side-effect tools"
    )
    serve.add_argument("--allow-mcp", action="store_true", help="let flows start the MCP servers they name")
    serve.add_argument(
        "--max-concurrency", type=int, default=16, metavar="N", help="runs at once (default 16)"
    )
    serve.add_argument(
        "--timeout", type=float, default=300.0, metavar="S", help="longest run in seconds (300)"
    )
    serve.add_argument(
        "--cors",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let browsers on ORIGIN call (repeatable)",
    )
    serve.add_argument(
        "--max-body", type=int, default=1_000_000, metavar="BYTES", help="largest request body (1,000,000)"
    )
    serve.add_argument(
        "--shutdown-grace",
        type=float,
        default=10.0,
        metavar="S",
        help="on SIGTERM, time runs get to finish (10)",
    )
    serve.set_defaults(handler=cmd_serve)


def _is_loopback(host: str) -> bool:
    from studio.runtime.http_client import is_loopback_host

    return is_loopback_host(host)


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, made here so that `--port 0` can print the port it got."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise CliError(f"--host {host}: not an address this machine can listen on", EXIT_BAD_INPUT) from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise CliError(f"cannot listen on {host}:{port}: {error.strerror or error}", EXIT_BAD_INPUT) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve flows until stopped."""
    from studio.server.auth import resolve_api_key
    from studio.server.catalogue import FlowCatalogue
    from studio.server.limits import Limits

    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CliError(f"{missing[0]}: no such file or folder", EXIT_BAD_INPUT)
    if args.max_concurrency < 1 or args.timeout <= 0 or args.max_body < 1:
        raise CliError("--max-concurrency, --timeout and --max-body must be positive", EXIT_BAD_INPUT)
    if not _is_loopback(args.host):
        print(
            f"warning: listening on {args.host}, which other machines can reach; "
            "anyone with the key can run the flows",
            file=sys.stderr,
        )
    key = resolve_api_key(announce=lambda text: print(text, file=sys.stderr, flush=True))
    assert key is not None  # generate=True always gives one
    extras = {"allow_mcp": True} if args.allow_mcp else {}
    catalogue = FlowCatalogue(paths, allow_code=args.allow_code, extras=extras)
    flows = catalogue.list()
    if not flows:
        raise CliError(f"no flow files (.json) in {', '.join(args.paths)}", EXIT_BAD_INPUT)
    for flow in flows:
        if flow.error:
            note = f"  (not loaded: {flow.error})"
        elif flow.needs_code and not args.allow_code:
            note = "  (not served: code or side-effect tools; --allow-code serves it)"
        else:
            note = "  (chat: /v1/chat/completions)" if flow.chat_input else ""
        print(f"  {flow.id}{note}", file=sys.stderr)
    limits = Limits(
        max_body_bytes=args.max_body,
        timeout_s=args.timeout,
        max_concurrency=args.max_concurrency,
        max_waiting=4 * args.max_concurrency,
        cors_origins=tuple(args.cors),
    )
    sock = _bind(args.host, args.port)
    port = sock.getsockname()[1]
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"serving {len(flows)} flow(s) on http://{shown}:{port} (API docs: /docs)", flush=True)
    return _run(catalogue, key, limits, sock, args.shutdown_grace)


def _run(catalogue: Any, key: Any, limits: Any, sock: socket.socket, grace: float) -> int:
    import uvicorn

    from studio.server.app import create_app
    from studio.server.web import ServerState

    app = create_app(ServerState(catalogue, key, limits))
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,  # request lines are not needed, and a key must never reach a log
        timeout_graceful_shutdown=max(1, round(grace)),
        # uvicorn's 5 s default closed pooled connections that a busy client was about to reuse
        # (a ReadError in the benchmark); clients such as openai keep connections for longer.
        timeout_keep_alive=30,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    # What start-up made (libraries, compiled flows) lives as long as the server: kept out of the
    # garbage collector's full passes, which otherwise walk it again and again under load.
    gc.collect()
    gc.freeze()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    print("stopped", file=sys.stderr)
    return EXIT_OK
