"""Small node types that exercise the engine: constants, text ops, sleeps, failures, routing."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Mapping
from typing import Any

from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType
from studio.engine.registry import Registry

# How many times each node id actually ran (cache hits do not count). Reset by `reset_calls`.
CALLS: dict[str, int] = {}
_lock = threading.Lock()
_counter = itertools.count()


def reset_calls() -> None:
    CALLS.clear()


def _count(ctx: RunContext) -> None:
    with _lock:
        CALLS[ctx.node_id] = CALLS.get(ctx.node_id, 0) + 1


class Const(Node):
    type = "t.const"
    title = "Const"
    run_in_thread = False
    outputs = (Port("out", PortType.TEXT),)

    class Config(NodeConfig):
        value: str = "x"

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        _count(ctx)
        return {"out": self.config.value}  # type: ignore[attr-defined]


class Upper(Node):
    type = "t.upper"
    title = "Upper"
    run_in_thread = False
    inputs = (Port("text", PortType.TEXT),)
    outputs = (Port("out", PortType.TEXT),)

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        _count(ctx)
        return {"out": str(inputs["text"]).upper()}


class Concat(Node):
    """Joins every wired value, and an optional suffix."""

    type = "t.concat"
    title = "Concat"
    run_in_thread = False
    inputs = (
        Port("parts", PortType.TEXT, multi=True),
        Port("suffix", PortType.TEXT, required=False, default=""),
    )
    outputs = (Port("out", PortType.TEXT),)

    class Config(NodeConfig):
        sep: str = "+"

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        _count(ctx)
        return {"out": self.config.sep.join(inputs["parts"]) + inputs["suffix"]}  # type: ignore[attr-defined]


class AsyncSleep(Node):
    """Waits `seconds` on the event loop, then passes its input through."""

    type = "t.async_sleep"
    title = "Async sleep"
    inputs = (Port("text", PortType.TEXT, required=False, default=""),)
    outputs = (Port("out", PortType.TEXT),)

    class Config(NodeConfig):
        seconds: float = 0.1
        label: str = ""

    async def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        _count(ctx)
        await asyncio.sleep(self.config.seconds)  # type: ignore[attr-defined]
        return {"out": inputs["text"] + self.config.label}  # type: ignore[attr-defined]


class SyncSleep(Node):
    """Blocks its worker thread for `seconds`, checking for Stop in between."""

    type = "t.sync_sleep"
    title = "Sync sleep"
    inputs = (Port("text", PortType.TEXT, required=False, default=""),)
    outputs = (Port("out", PortType.TEXT),)

    class Config(NodeConfig):
        seconds: float = 0.1

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        _count(ctx)
        end = time.monotonic() + self.config.seconds  # type: ignore[attr-defined]
        while time.monotonic() < end:
            ctx.raise_if_cancelled()
            time.sleep(0.01)
        ctx.stream("tick")
        return {"out": inputs["text"] + "."}


class Fail(Node):
    """Fails `times` times per node id, then succeeds."""

    type = "t.fail"
    title = "Fail"
    run_in_thread = False
    inputs = (Port("text", PortType.TEXT, required=False, default=""),)
    outputs = (Port("out", PortType.TEXT),)

    class Config(NodeConfig):
        message: str = "boom"
        times: int = 1000

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        _count(ctx)
        if CALLS[ctx.node_id] <= self.config.times:  # type: ignore[attr-defined]
            raise NodeError(self.config.message)  # type: ignore[attr-defined]
        return {"out": "recovered"}


class Route(Node):
    """Sends its input to the port named by `route` (a router: the other port stays inactive)."""

    type = "t.route"
    title = "Route"
    run_in_thread = False
    inputs = (Port("text", PortType.TEXT),)
    outputs = (Port("left", PortType.TEXT), Port("right", PortType.TEXT))

    class Config(NodeConfig):
        route: str = "left"

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        _count(ctx)
        return {self.config.route: inputs["text"]}  # type: ignore[attr-defined]


class FirstOf(Node):
    """Takes whichever optional input arrived (a merge after a router)."""

    type = "t.first_of"
    title = "First of"
    run_in_thread = False
    inputs = (Port("a", PortType.TEXT, required=False), Port("b", PortType.TEXT, required=False))
    outputs = (Port("out", PortType.TEXT),)

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        _count(ctx)
        return {"out": inputs["a"] if inputs["a"] is not None else inputs["b"]}


class Random(Node):
    """Not deterministic: the cache must not serve it unless pinned."""

    type = "t.random"
    title = "Random"
    deterministic = False
    run_in_thread = False
    outputs = (Port("out", PortType.TEXT),)

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        _count(ctx)
        return {"out": f"r{next(_counter)}"}


class Number(Node):
    type = "t.number"
    title = "Number"
    run_in_thread = False
    outputs = (Port("out", PortType.NUMBER),)

    class Config(NodeConfig):
        value: float = 1

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        return {"out": self.config.value}  # type: ignore[attr-defined]


class Docs(Node):
    type = "t.docs"
    title = "Docs"
    run_in_thread = False
    outputs = (Port("out", PortType.DOCUMENTS),)

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        return {"out": [{"text": "one", "metadata": {}}, {"text": "two", "metadata": {}}]}


class Messages(Node):
    type = "t.messages"
    title = "Messages"
    run_in_thread = False
    inputs = (Port("messages", PortType.MESSAGES),)
    outputs = (Port("out", PortType.TEXT),)

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        return {"out": "|".join(f"{m['role']}:{m['content']}" for m in inputs["messages"])}


class BadOutput(Node):
    type = "t.bad_output"
    title = "Bad output"
    run_in_thread = False
    outputs = (Port("out", PortType.NUMBER),)

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        return {"out": "not a number"}


FAKE_NODES: list[type[Node]] = [
    Const,
    Upper,
    Concat,
    AsyncSleep,
    SyncSleep,
    Fail,
    Route,
    FirstOf,
    Random,
    Number,
    Docs,
    Messages,
    BadOutput,
]


def fake_registry() -> Registry:
    """The fake nodes plus the real input/output nodes."""
    from nodes.io import ChatInput, Output, TextInput

    return Registry.of([*FAKE_NODES, TextInput, ChatInput, Output])
