"""`studio chat FLOW --session NAME`: talk to a flow in the terminal; memory survives restarts.

Each line typed is one run of the flow: the line is the flow's Chat Input message and the
session's earlier turns (from the memory store, studio.runtime.memory) are handed over as
`ctx.extras["chat_history"]`. The reply's tokens stream as they come. When the flow saves its own
memory (it has a Save to Memory node) the flow's turns are what is kept; otherwise this command
saves each message and reply. Commands: /history, /clear, /exit (also /help).

`studio chat --list` lists sessions, `--export` writes one as JSON, `--clear` deletes one.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from studio.cli.common import CliError, compile_or_fail, load_flow_or_fail, parse_inputs

if TYPE_CHECKING:
    from studio.engine import CompiledFlow, RunResult
    from studio.engine.events import Event
    from studio.flow import Flow
    from studio.runtime.memory import MemoryStore

__all__ = ["ChatSession", "add_commands", "cmd_chat"]

PROMPT = "you › "
HISTORY_TURNS = 40  # turns handed to the flow as chat history
REPLY_NAMES = ("reply", "answer", "response", "result", "text")
HELP = "commands: /history  show the conversation · /clear  forget it · /exit  leave"


def add_commands(subparsers: Any) -> None:
    """Add `studio chat` to the `studio` command."""
    chat = subparsers.add_parser(
        "chat",
        help="chat with a flow in the terminal (memory kept per session)",
        description="Chat with a flow: each line you type runs it once. Memory is kept per flow and "
        "session in the user data folder, so a session continues after a restart.",
    )
    chat.add_argument("flow", nargs="?", help="the flow file (.json); it needs a Chat Input node")
    chat.add_argument("--session", "-s", default="default", help="session name (default: 'default')")
    chat.add_argument(
        "--input",
        "-i",
        action="append",
        metavar="NAME=VALUE",
        help="a value for another input of the flow, the same for every message",
    )
    chat.add_argument("--list", action="store_true", help="list the stored sessions (of FLOW, if given)")
    chat.add_argument(
        "--export",
        metavar="FILE",
        nargs="?",
        const="-",
        help="write the session as JSON to FILE (or standard output) and exit",
    )
    chat.add_argument("--clear", action="store_true", help="delete the session's memory and exit")
    chat.add_argument("--quiet", "-q", action="store_true", help="hide agent steps and progress")
    chat.set_defaults(handler=cmd_chat)


def _store() -> MemoryStore:
    from studio.runtime.memory import MemoryStoreError, default_store

    try:
        return default_store()
    except MemoryStoreError as error:
        raise CliError(str(error)) from None


def memory_key(flow: Flow) -> str:
    """Which stored conversations a flow uses: its memory nodes' `memory_key` if one is set
    (several flows may share one), else the flow's id (what the memory nodes fall back to)."""
    for node in flow.nodes:
        key = node.config.get("memory_key") if node.type.startswith("memory.") else None
        if isinstance(key, str) and key.strip():
            return key
    return flow.id


def _when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else "-"


def _list_sessions(flow: Flow | None, out: TextIO) -> int:
    sessions = _store().sessions(memory_key(flow) if flow is not None else None)
    if not sessions:
        out.write("no chat sessions stored" + (f" for {flow.name!r}" if flow else "") + "\n")
        return 0
    width = max(len(s["session_id"]) for s in sessions)
    for item in sessions:
        summary = " (summarised)" if item["has_summary"] else ""
        out.write(
            f"{item['session_id']:<{width}}  {item['turns']:>4} turns  last {_when(item['last_ts'])}"
            f"  flow {item['flow_id']}{summary}\n"
        )
    return 0


@dataclass
class ChatSession:
    """One flow and one session: runs messages, keeps the memory, prints the conversation."""

    path: Path
    flow: Flow
    compiled: CompiledFlow
    session: str
    inputs: dict[str, Any] = field(default_factory=dict)
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    quiet: bool = False

    def __post_init__(self) -> None:

        self.store = _store()
        self.key = memory_key(self.flow)
        self.message_input = self._message_input()
        if self.message_input is None:
            raise CliError(f"{self.path}: this flow has no Chat Input node (io.chat_input) to type into")
        self.reply_node, self.reply_name = self._reply_output()
        # A flow with a Save to Memory node keeps its own turns; saving them here too would double them.
        self.flow_saves = any(node.spec.type == "memory.save" for node in self.compiled.nodes.values())
        self.streamers = self.compiled.ancestors(self.reply_node) if self.reply_node else set()

    # -- the flow's shape ---------------------------------------------------------------------

    def _message_input(self) -> str | None:
        for node in self.compiled.nodes.values():
            if node.spec.type == "io.chat_input":
                return node.node_class.interface_name(node.config)
        return None

    def _reply_output(self) -> tuple[str | None, str | None]:
        outputs = {}
        for node_id in self.compiled.order:
            node = self.compiled.nodes[node_id]
            if node.node_class.interface == "output":
                outputs[node.node_class.interface_name(node.config) or node_id] = node_id
        for name in (*REPLY_NAMES, *outputs):
            if name in outputs:
                return outputs[name], name
        return None, None

    # -- one turn -----------------------------------------------------------------------------

    def history(self) -> list[dict[str, str]]:
        """The session's recent turns as chat messages."""
        from studio.runtime.memory import MemoryStoreError

        try:
            return self.store.messages(self.key, self.session, last=HISTORY_TURNS)
        except MemoryStoreError as error:
            raise CliError(str(error)) from None

    def ask(self, message: str, cancel: threading.Event | None = None) -> str | None:
        """Run the flow on one message; print and return the reply (None when the run failed)."""
        from studio.engine import BadInput, run_flow
        from studio.runtime.memory import MemoryStoreError

        printer = _TurnPrinter(self, self.out, self.err)
        try:
            result: RunResult = run_flow(
                self.compiled,
                {**self.inputs, str(self.message_input): message},
                on_event=printer,
                base_dir=self.path.parent,
                flow_path=str(self.path),
                cancel=cancel,
                extras={
                    "chat_history": self.history(),
                    "session_id": self.session,
                    "flow_id": self.flow.id,
                    "memory_store": self.store,
                    # The running file heads the subflow chain, so recursion errors name it too.
                    "subflow_stack": [str(self.path)],
                    "allowed_folders": [str(Path.cwd()), str(self.path.parent)],
                },
            )
        except BadInput as error:
            raise CliError(f"{self.path}: {error}") from None
        printer.end_stream()
        if result.status != "succeeded":
            for node_id, state in result.failures().items():
                self.err.write(f"✗ {self.flow.label(node_id)} failed: {state.error}\n")
            if result.status == "cancelled":
                self.err.write("(stopped)\n")
            return None
        reply = result.outputs.get(self.reply_name) if self.reply_name else None
        text = reply if isinstance(reply, str) else json.dumps(reply, ensure_ascii=False, indent=2)
        if printer.streamed.strip() != text.strip():
            self.out.write(("\n" if printer.streamed else "") + text + "\n")
        self.out.flush()
        if not self.flow_saves:
            try:
                self.store.add_turns(
                    self.key,
                    self.session,
                    [{"role": "user", "content": message}, {"role": "assistant", "content": text}],
                )
            except MemoryStoreError as error:
                self.err.write(f"the turn was not saved: {error}\n")
        return text

    # -- commands -----------------------------------------------------------------------------

    def show_history(self) -> None:
        turns = self.store.turns(self.key, self.session)
        summary = self.store.summary(self.key, self.session)
        if summary:
            self.out.write(f"[summary] {summary['text']}\n")
        if not turns:
            self.out.write("(no turns yet)\n")
        for turn in turns:
            self.out.write(f"{turn['role']}: {turn['content']}\n")

    def clear(self) -> int:
        return self.store.clear(self.key, self.session)

    def loop(self, stdin: TextIO) -> int:
        """Read messages until /exit or end of input."""
        from studio.runtime.memory import MemoryStoreError

        interactive = stdin.isatty()
        turns = len(self.store.turns(self.key, self.session))
        self.err.write(
            f"chatting with {self.flow.name!r}, session {self.session!r} ({turns} turns stored). {HELP}\n"
        )
        while True:
            if interactive:
                self.out.write(PROMPT)
                self.out.flush()
            try:
                line = stdin.readline()
            except KeyboardInterrupt:
                return 0
            if not line:
                return 0
            message = line.strip()
            if not message:
                continue
            command = message.lower()
            try:
                if command in ("/exit", "/quit"):
                    return 0
                if command == "/help":
                    self.out.write(HELP + "\n")
                elif command == "/history":
                    self.show_history()
                elif command == "/clear":
                    self.out.write(f"forgot {self.clear()} turns of session {self.session!r}\n")
                elif command.startswith("/") and " " not in command:
                    self.out.write(f"unknown command {message}; {HELP}\n")
                else:
                    self._ask_interruptibly(message)
            except MemoryStoreError as error:
                self.err.write(f"{error}\n")
            self.out.flush()

    def _ask_interruptibly(self, message: str) -> None:
        cancel = threading.Event()
        try:
            self.ask(message, cancel)
        except KeyboardInterrupt:  # Ctrl-C stops this answer, not the chat
            cancel.set()
            self.err.write("\n(stopped)\n")


class _TurnPrinter:
    """Streams the reply's tokens to stdout; agent steps and failures go to stderr."""

    def __init__(self, chat: ChatSession, out: TextIO, err: TextIO):
        self.chat, self.out, self.err = chat, out, err
        self.streaming: str | None = None
        self.streamed = ""

    def end_stream(self) -> None:
        if self.streaming is not None:
            self.out.write("\n")
            self.out.flush()
            self.streaming = None

    def __call__(self, event: Event) -> None:
        from studio.engine import events as ev

        if isinstance(event, ev.TokenStreamed) and event.node_id in self.chat.streamers:
            if self.streaming != event.node_id:
                self.end_stream()
                self.streaming, self.streamed = event.node_id, ""
            self.streamed += event.text
            self.out.write(event.text)
            self.out.flush()
        elif isinstance(event, ev.NodeTrace) and not self.chat.quiet:
            self.end_stream()
            data = (
                event.data
                if isinstance(event.data, str)
                else json.dumps(event.data, ensure_ascii=False, default=repr)
            )
            self.err.write(f"  · {event.label}: {data[:300]}\n")
            self.err.flush()


def cmd_chat(args: argparse.Namespace, stdin: TextIO | None = None) -> int:
    """`studio chat`: list, export or clear sessions, or chat interactively."""
    out = sys.stdout
    if args.list:
        return _list_sessions(load_flow_or_fail(args.flow) if args.flow else None, out)
    if not args.flow:
        raise CliError("studio chat: give a flow file (or --list to see the stored sessions)")
    if args.export or args.clear:
        flow = load_flow_or_fail(args.flow)
        store = _store()
        if args.clear:
            deleted = store.clear(memory_key(flow), args.session)
            out.write(f"forgot {deleted} turns of session {args.session!r} of {flow.name!r}\n")
            return 0
        from studio.engine.scrub import flow_scrubber

        # A reply may have quoted a key (a tool echoing its header): exports are files people share.
        exported = flow_scrubber(flow).value(store.export(memory_key(flow), args.session))
        text = json.dumps(exported, ensure_ascii=False, indent=2) + "\n"
        if args.export == "-":
            out.write(text)
        else:
            Path(args.export).write_text(text, encoding="utf-8")
            print(f"wrote session {args.session!r} to {args.export}", file=sys.stderr)
        return 0
    flow, compiled = compile_or_fail(args.flow)
    chat = ChatSession(
        Path(args.flow).resolve(),
        flow,
        compiled,
        args.session,
        inputs=parse_inputs(args.input or [], None),
        quiet=args.quiet,
    )
    return chat.loop(stdin or sys.stdin)
