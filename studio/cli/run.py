"""`studio run FLOW`: run a flow once and print its outputs (progress and tokens on stderr)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CANCELLED,
    EXIT_NODE_FAILED,
    EXIT_OK,
    CliError,
    compile_or_fail,
    parse_inputs,
)

if TYPE_CHECKING:
    from studio.engine import RunResult
    from studio.engine.events import Event
    from studio.flow import Flow


class ProgressPrinter:
    """Shows node progress and streamed tokens on stderr for a person watching a terminal."""

    def __init__(self, flow: Flow, stream: Any = None):
        self.flow = flow
        self.stream = stream or sys.stderr
        self.streaming: str | None = None

    def _line(self, text: str) -> None:
        if self.streaming:
            self.stream.write("\n")
            self.streaming = None
        self.stream.write(text + "\n")
        self.stream.flush()

    def __call__(self, event: Event) -> None:
        from studio.engine import events as ev

        if isinstance(event, ev.NodeStarted):
            self._line(f"▶ {self.flow.label(event.node_id)}")
        elif isinstance(event, ev.TokenStreamed):
            if self.streaming != event.node_id:
                self._line(f"  {self.flow.label(event.node_id)} ›")
                self.streaming = event.node_id
            self.stream.write(event.text)
            self.stream.flush()
        elif isinstance(event, ev.NodeFinished):
            self._line(f"✓ {self.flow.label(event.node_id)} {event.duration_s:.2f}s")
        elif isinstance(event, ev.NodeCached):
            self._line(f"✓ {self.flow.label(event.node_id)} (cached)")
        elif isinstance(event, ev.NodeSkipped):
            self._line(f"· {self.flow.label(event.node_id)} skipped: {event.reason}")
        elif isinstance(event, ev.NodeFailed) and event.caused_by is None:
            self._line(f"✗ {self.flow.label(event.node_id)}: {event.error}")
        elif isinstance(event, ev.NodeTrace):
            self._line(f"  {self.flow.label(event.node_id)} {event.label}: {_short(event.data)}")


def _short(value: Any, limit: int = 200) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _jsonl_printer(event: Event) -> None:
    from studio.runtime.safety.secrets import redact

    line = json.dumps(event.to_dict(), ensure_ascii=False, default=repr)
    sys.stdout.write(redact(line) + "\n")
    sys.stdout.flush()


def _print_outputs(result: RunResult, as_json: bool) -> None:
    outputs = result.outputs
    if not outputs:  # a flow without Output nodes: show what its last nodes produced
        outputs = {
            node_id: state.outputs
            for node_id, state in result.nodes.items()
            if state.produced and node_id in result.order[-1:]
        }
    if as_json:
        print(json.dumps(outputs, ensure_ascii=False, indent=2, default=repr))
        return
    for index, (name, value) in enumerate(outputs.items()):
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=2)
        if len(outputs) > 1:
            print(("\n" if index else "") + f"== {name} ==")
        print(text)


def cmd_run(args: argparse.Namespace) -> int:
    """Run a flow once."""
    import threading

    from studio.engine import BadInput, run_flow

    flow, compiled = compile_or_fail(args.flow)
    inputs = parse_inputs(args.input or [], args.inputs)
    listener = None
    if args.events == "jsonl":
        listener = _jsonl_printer
    elif not args.quiet and sys.stderr.isatty():
        listener = ProgressPrinter(flow)
    cancel = threading.Event()
    try:
        result = run_flow(
            compiled,
            inputs,
            on_event=listener,
            use_cache=not args.no_cache,
            cancel=cancel,
            base_dir=Path(args.flow).resolve().parent,
            flow_path=str(Path(args.flow).resolve()),
            extras={
                "allowed_folders": [str(Path.cwd()), str(Path(args.flow).resolve().parent)],
                # The running file heads the chain, so a subflow that calls back into it is named.
                "subflow_stack": [str(Path(args.flow).resolve())],
            },
        )
    except BadInput as error:
        raise CliError(f"{args.flow}: {error}", EXIT_BAD_INPUT) from None
    except KeyboardInterrupt:
        cancel.set()
        print("stopped", file=sys.stderr)
        return EXIT_CANCELLED
    if result.status == "failed":
        for node_id, state in result.failures().items():
            print(f"{args.flow}: node {flow.label(node_id)} failed: {state.error}", file=sys.stderr)
        if args.json:
            _print_outputs(result, True)
        return EXIT_NODE_FAILED
    if result.status == "cancelled":
        return EXIT_CANCELLED
    if args.events != "jsonl":
        _print_outputs(result, args.json)
    return EXIT_OK


def add_commands(sub: Any) -> None:
    """Add `studio run` to the CLI."""
    run = sub.add_parser("run", help="run a flow once and print its outputs")
    run.add_argument("flow", help="the flow file (.json)")
    run.add_argument(
        "--input",
        "-i",
        action="append",
        metavar="NAME=VALUE",
        help="an input value; NAME=@FILE reads a file, NAME=@- standard input",
    )
    run.add_argument("--inputs", metavar="JSON", help="all inputs as a JSON object, or @file.json")
    run.add_argument("--json", action="store_true", help="print the outputs as one JSON object")
    run.add_argument("--events", choices=["jsonl"], help="stream every event as JSON lines on stdout")
    run.add_argument("--no-cache", action="store_true", help="run every node, ignoring cached outputs")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    run.set_defaults(handler=cmd_run)
