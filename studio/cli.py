"""The `studio` command: run, validate and inspect flows headless, or open the Studio.

Start-up matters here: only the standard library is imported at module level, and a subcommand
imports what it needs (running a local-model flow never imports litellm, lancedb or Qt).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studio.engine import RunResult
    from studio.engine.events import Event
    from studio.flow import Flow

# Exit codes, distinct so that scripts can tell what went wrong.
EXIT_OK = 0
EXIT_INVALID_FLOW = 1
EXIT_BAD_INPUT = 2
EXIT_NODE_FAILED = 3
EXIT_CANCELLED = 130

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


class CliError(Exception):
    """A problem with what the user typed; printed without a traceback."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT):
        super().__init__(message)
        self.code = code


def _read_value(text: str, what: str) -> str:
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
        text = _read_value(inputs_json, "--inputs")
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as error:
            raise CliError(f"--inputs: not valid JSON ({error.msg} at line {error.lineno})") from None
        if not isinstance(loaded, dict):
            raise CliError("--inputs: expected a JSON object such as {\"topic\": \"...\"}")
        values.update(loaded)
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CliError(f"--input {pair!r}: expected NAME=VALUE or NAME=@FILE")
        values[name.strip()] = _read_value(value, f"--input {name}")
    return values


def _load(path: str) -> Flow:
    from studio.flow import FlowError, load_flow

    try:
        return load_flow(path)
    except FlowError as error:
        raise CliError(error.describe(), EXIT_INVALID_FLOW) from None


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
    from studio.runtime.secrets import redact

    line = json.dumps(event.to_dict(), ensure_ascii=False, default=repr)
    sys.stdout.write(redact(line) + "\n")
    sys.stdout.flush()


def _print_outputs(result: RunResult, as_json: bool) -> None:
    outputs = result.outputs
    if not outputs:  # a flow without Output nodes: show what its last nodes produced
        outputs = {node_id: state.outputs for node_id, state in result.nodes.items()
                   if state.produced and node_id in result.order[-1:]}
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

    from studio.engine import BadInput, compile_flow, run_flow
    from studio.flow import FlowError

    flow = _load(args.flow)
    inputs = parse_inputs(args.input or [], args.inputs)
    try:
        compiled = compile_flow(flow)
    except FlowError as error:
        error.source = args.flow
        raise CliError(error.describe(), EXIT_INVALID_FLOW) from None
    listener = None
    if args.events == "jsonl":
        listener = _jsonl_printer
    elif not args.quiet and sys.stderr.isatty():
        listener = ProgressPrinter(flow)
    cancel = threading.Event()
    try:
        result = run_flow(
            compiled, inputs, on_event=listener, use_cache=not args.no_cache, cancel=cancel,
            base_dir=Path(args.flow).resolve().parent, flow_path=str(Path(args.flow).resolve()),
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


def catalogue() -> list[dict[str, Any]]:
    """Every installed node type with its ports (for default settings) and settings schema."""
    from studio.engine.registry import default_registry

    entries = []
    for node_class in default_registry():
        try:
            config = node_class.Config()
        except Exception:  # a Config with required fields: show ports of the unfilled form
            config = node_class.Config.model_construct()

        def ports(items: list[Any]) -> list[dict[str, Any]]:
            return [{"name": p.name, "type": p.type.value, "required": p.required,
                     "multi": p.multi, "description": p.description} for p in items]

        entries.append({
            "type": node_class.type, "version": node_class.version, "title": node_class.title,
            "category": node_class.category, "description": node_class.description,
            "deterministic": node_class.deterministic,
            "inputs": ports(node_class.input_ports(config)),
            "outputs": ports(node_class.output_ports(config)),
            "settings": node_class.Config.model_json_schema(),
        })
    return entries


def cmd_nodes(args: argparse.Namespace) -> int:
    """Print the node catalogue."""
    from studio.engine.registry import default_registry

    entries = catalogue()
    if args.json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return EXIT_OK
    category = None
    for entry in entries:
        if entry["category"] != category:
            category = entry["category"]
            print(f"\n{category}")
        print(f"  {entry['type']:<24} {entry['title']} — {entry['description']}")
        for label, key in (("in ", "inputs"), ("out", "outputs")):
            if entry[key]:
                names = ", ".join(
                    f"{p['name']}: {p['type']}{'' if p['required'] or key == 'outputs' else '?'}"
                    + ("*" if p["multi"] else "")
                    for p in entry[key]
                )
                print(f"      {label} {names}")
    for name, problem in default_registry().broken.items():
        print(f"\n! node package {name!r} failed to load: {problem}", file=sys.stderr)
    return EXIT_OK


def has_screen() -> bool:
    """Whether a window can be shown here (always on macOS and Windows; X11 or Wayland on Linux)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the Studio."""
    if args.if_display and not has_screen():
        print("no screen here, so the Studio was not opened (run `studio gui` on a desktop)",
              file=sys.stderr)
        return EXIT_OK
    from studio.gui.app import main as gui_app_main

    return gui_app_main([args.flow] if args.flow else [])


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `studio`."""
    parser = argparse.ArgumentParser(prog="studio", description="Chain Studio: build and run LLM flows.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run a flow once and print its outputs")
    run.add_argument("flow", help="the flow file (.json)")
    run.add_argument("--input", "-i", action="append", metavar="NAME=VALUE",
                     help="an input value; NAME=@FILE reads a file, NAME=@- standard input")
    run.add_argument("--inputs", metavar="JSON", help="all inputs as a JSON object, or @file.json")
    run.add_argument("--json", action="store_true", help="print the outputs as one JSON object")
    run.add_argument("--events", choices=["jsonl"], help="stream every event as JSON lines on stdout")
    run.add_argument("--no-cache", action="store_true", help="run every node, ignoring cached outputs")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    run.set_defaults(handler=cmd_run)

    validate = sub.add_parser("validate", help="check flows without running them")
    validate.add_argument("flows", nargs="+", help="flow files")
    validate.add_argument("--quiet", "-q", action="store_true", help="print problems only")
    validate.set_defaults(handler=cmd_validate)

    nodes = sub.add_parser("nodes", help="list the node catalogue")
    nodes.add_argument("--json", action="store_true", help="machine-readable, with settings schemas")
    nodes.set_defaults(handler=cmd_nodes)

    gui = sub.add_parser("gui", help="open the Studio (the desktop editor)")
    gui.add_argument("flow", nargs="?", help="a flow file to open")
    gui.add_argument("--if-display", action="store_true",
                     help="open only where a screen exists; otherwise say so and exit 0")
    gui.set_defaults(handler=cmd_gui)

    for extension in _extensions():
        extension(sub)
    return parser


def _extensions() -> list[Any]:
    """Subcommands that live in modules of their own (each light to import)."""
    from studio import batch_cli, chat_cli, kb_cli

    return [batch_cli.add_commands, kb_cli.add_commands, chat_cli.add_commands]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `studio` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
