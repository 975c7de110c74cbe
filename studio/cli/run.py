"""`studio run FLOW`: run a flow once and print its outputs (progress and tokens on stderr)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
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
    import threading

    from studio.engine import RunResult
    from studio.engine.events import Event
    from studio.flow import Flow
    from studio.runtime.safety.secrets import Scrubber


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


def _json_text(value: Any, indent: int | None = None) -> str:
    """JSON that any terminal encoding can print: a lone surrogate (an argument that was not
    UTF-8) becomes its JSON escape rather than an encoding error after the run succeeded."""
    text = json.dumps(value, ensure_ascii=False, indent=indent, default=repr)
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        text = json.dumps(value, ensure_ascii=True, indent=indent, default=repr)
    return text


def _write(text: str) -> None:
    """Print text to stdout; characters the encoding lacks go out as the bytes they came from
    (surrogate escapes) or as backslash escapes, never as a UnicodeEncodeError."""
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        encoding = sys.stdout.encoding or "utf-8"
        try:
            data = text.encode(encoding, "surrogateescape")
        except UnicodeEncodeError:
            data = text.encode(encoding, "backslashreplace")
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _jsonl_printer(event: Event) -> None:
    # Events reach listeners already scrubbed of the flow's secrets (studio.engine.scrub).
    _write(_json_text(event.to_dict()) + "\n")


def _print_outputs(result: RunResult, as_json: bool, scrubber: Scrubber) -> None:
    outputs = result.outputs
    if not outputs:  # a flow without Output nodes: show what its last nodes produced
        outputs = {
            node_id: state.outputs
            for node_id, state in result.nodes.items()
            if state.produced and node_id in result.order[-1:]
        }
    # The result holds real values (a tool's reply may echo the key it was sent): scrub them.
    outputs = scrubber.value(outputs)
    if as_json:
        _write(_json_text(outputs, indent=2) + "\n")
        return
    for index, (name, value) in enumerate(outputs.items()):
        text = value if isinstance(value, str) else _json_text(value, indent=2)
        if len(outputs) > 1:
            _write(("\n" if index else "") + f"== {name} ==\n")
        _write(text + "\n")


class _StopWhenUnread:
    """Stops the run once nobody reads stdout (`--events jsonl | head -1`), as SIGPIPE would:
    the scheduler shields the run from a failing listener, so the listener notices it itself."""

    def __init__(self, listener: Callable[[Event], None], cancel: threading.Event):
        self.listener = listener
        self.cancel = cancel
        self.broken = False

    def __call__(self, event: Event) -> None:
        if self.broken:
            return
        try:
            self.listener(event)
        except BrokenPipeError:
            self.broken = True
            self.cancel.set()


def _allow_every_call(name: str, arguments: Any) -> bool:
    """`--yes`: the user confirmed every tool call of this run in advance."""
    return True


def cmd_run(args: argparse.Namespace) -> int:
    """Run a flow once (or continue a paused run: `--resume RUN_ID`)."""
    import threading

    from studio.cli.human_prompt import answer_until_done, parse_answers, resume_target
    from studio.engine import BadInput, RunStore, run_flow
    from studio.engine.human import human_extras, resume_run
    from studio.engine.scrub import flow_scrubber

    store = RunStore()
    if args.resume:
        args.flow = resume_target(args, store)
    elif not args.flow:
        raise CliError("give a flow file to run, or --resume RUN_ID to continue a paused run", EXIT_BAD_INPUT)
    flow, compiled = compile_or_fail(args.flow)
    answers = parse_answers(args.answer or [], compiled)
    inputs = {} if args.resume else parse_inputs(args.input or [], args.inputs)
    cancel = threading.Event()
    listener: Any = None
    if args.events == "jsonl":
        listener = _StopWhenUnread(_jsonl_printer, cancel)
    elif not args.quiet and sys.stderr.isatty():
        listener = ProgressPrinter(flow)
    options: dict[str, Any] = {
        "on_event": listener,
        "use_cache": not args.no_cache,
        "cancel": cancel,
        "base_dir": Path(args.flow).resolve().parent,
        "store": store,
        "extras": {
            "allowed_folders": [str(Path.cwd()), str(Path(args.flow).resolve().parent)],
            # The running file heads the chain, so a subflow that calls back into it is named.
            "subflow_stack": [str(Path(args.flow).resolve())],
            # A Human Input node or a tool to approve pauses the run (answered below).
            **human_extras(),
            **({"confirm_tool": _allow_every_call} if args.yes else {}),
            # `--allow-mcp`: the MCP nodes may start their server commands (studio/runtime/mcp).
            **({"allow_mcp": True} if args.allow_mcp else {}),
        },
    }
    try:
        if args.resume:
            result = resume_run(args.resume, answers.pop_for(store, args.resume), flow=compiled, **options)
        else:
            result = run_flow(compiled, inputs, flow_path=str(Path(args.flow).resolve()), **options)
        result = answer_until_done(result, answers, compiled, store, options, args.flow)
    except BadInput as error:
        raise CliError(f"{args.flow}: {error}", EXIT_BAD_INPUT) from None
    except KeyboardInterrupt:
        cancel.set()
        print("stopped", file=sys.stderr)
        return EXIT_CANCELLED
    if isinstance(listener, _StopWhenUnread) and listener.broken:
        raise BrokenPipeError  # stopped because nobody reads stdout: main() exits quietly
    scrubber = flow_scrubber(compiled)
    if result.status == "waiting":
        from studio.cli.human_prompt import EXIT_WAITING, report_waiting

        report_waiting(result, compiled, store, args.flow, as_json=args.json, scrubber=scrubber)
        return EXIT_WAITING
    if result.status == "failed":
        for node_id, state in result.failures().items():
            reason = scrubber.text(state.error or "failed")
            print(f"{args.flow}: node {flow.label(node_id)} failed: {reason}", file=sys.stderr)
        if args.json:
            _print_outputs(result, True, scrubber)
        return EXIT_NODE_FAILED
    if result.status == "cancelled":
        return EXIT_CANCELLED
    if args.events != "jsonl":
        _print_outputs(result, args.json, scrubber)
    return EXIT_OK


def add_commands(sub: Any) -> None:
    """Add `studio run` to the CLI."""
    run = sub.add_parser("run", help="run a flow once and print its outputs")
    run.add_argument("flow", nargs="?", help="the flow file (.json); optional with --resume")
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
    run.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help="allow every call of tools set to 'require confirmation' (nobody is asked)",
    )
    run.add_argument(
        "--allow-mcp",
        action="store_true",
        help="allow the flow's MCP nodes to start their server commands (stdio MCP servers)",
    )
    run.add_argument(
        "--answer",
        "-a",
        action="append",
        metavar="NODE=VALUE",
        help="the answer for a Human Input node (or approve/deny for a tool to approve); repeatable",
    )
    run.add_argument("--resume", metavar="RUN_ID", help="continue a run that is waiting for input")
    run.set_defaults(handler=cmd_run)
